"""What a JSON request body may cost before any view reads it.

Every JSON body (the API's) is refused with 413 beyond ``MAX_JSON_BYTES``, before it is
parsed (multipart uploads keep ``MAX_CONTENT_LENGTH``), and with 400 when it is nested so deeply
that Python's parser gives up (``RecursionError``), so that no view answers 500 for it.
"""

import json

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge


def _too_large() -> None:
    """Answer 413 naming the limit."""
    kib = max(1, current_app.config["MAX_JSON_BYTES"] // 1024)
    abort(413, description=_("A JSON body may hold at most %(n)s KB.", n=kib))


def check_json_body() -> None:
    """Refuse a JSON body that is too big or too deeply nested; others pass untouched."""
    if not request.is_json:
        return
    limit = current_app.config["MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        _too_large()
    # a body sent without Content-Length (chunked) is read up to one byte past the limit
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        _too_large()
    if len(data) > limit:
        _too_large()
    try:
        json.loads(data)
    except RecursionError:
        abort(400, description=_("The JSON body is nested too deeply."))
    except ValueError:
        pass  # not JSON at all: the view's parser answers it as usual


def init_app(app: Flask) -> None:
    """Check every request's JSON body before the views (and their parsers) see it."""
    app.before_request(check_json_body)
