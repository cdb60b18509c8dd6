"""Static files under fingerprinted names, so browsers and proxies may keep them for a year.

``url_for("static", filename="kepu.css")`` gives ``/static/kepu.<digest>.css``, the digest
being the first 12 hex digits of the file's SHA-256; a plugin blueprint's static files get the
same. A fingerprinted name is answered with ``Cache-Control: public, max-age=31536000,
immutable``: a new release changes the name, never the content behind a name. A plain name
(or an old digest, from a page kept from the last release) is still served, revalidated on
every use. nginx can serve the same names from disk (``deploy/nginx-kepu.conf``).
"""

import hashlib
import os
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Flask, Response, send_from_directory
from werkzeug.security import safe_join

#: ``<stem>.<12 hex digits>.<suffix>``
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[^./]+)$")
#: how long a fingerprinted file may be kept (a year, in seconds)
YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Fingerprint the URLs of the app's and every blueprint's static files, and serve them.

    Call it after every blueprint is registered (the plugins' included).
    """
    folders = _static_folders(app)
    for endpoint, folder in folders.items():
        app.view_functions[endpoint] = _static_view(folder)

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        """Give a static file's URL its fingerprinted name."""
        folder = folders.get(endpoint)
        if folder is not None and values.get("filename"):
            values["filename"] = fingerprinted_name(folder, values["filename"])


def fingerprinted_name(folder: str, filename: str) -> str:
    """``filename`` with its content's digest before the suffix; unchanged if no such file."""
    path = safe_join(folder, filename)
    if path is None or not os.path.isfile(path):
        return filename
    stem, dot, suffix = filename.rpartition(".")
    if not dot or "/" in suffix:
        return filename
    return f"{stem}.{file_digest(path)}.{suffix}"


def file_digest(path: str) -> str:
    """The first 12 hex digits of the SHA-256 of the file at ``path`` (as it is now)."""
    stat = os.stat(path)
    return _digest(path, stat.st_mtime_ns, stat.st_size)


@cache
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def _static_folders(app: Flask) -> dict[str, str]:
    """Each static endpoint and the folder it serves."""
    folders = {}
    if app.has_static_folder:
        folders["static"] = app.static_folder
    for name, blueprint in app.blueprints.items():
        if blueprint.has_static_folder and f"{name}.static" in app.view_functions:
            folders[f"{name}.static"] = blueprint.static_folder
    return folders


def _static_view(folder: str) -> Callable[[str], Response]:
    """The view serving ``folder``: fingerprinted names for a year, plain ones revalidated."""

    def static(filename: str) -> Response:
        """A static file; its fingerprinted name is cached for a year."""
        match = FINGERPRINTED.match(filename)
        if match:
            plain = match["stem"] + match["suffix"]
            path = safe_join(folder, plain)
            if path is not None and os.path.isfile(path):
                if file_digest(path) != match["digest"]:  # a page of an older release
                    return send_from_directory(folder, plain, max_age=0)
                response = send_from_directory(folder, plain, max_age=YEAR)
                response.cache_control.immutable = True
                return response
        return send_from_directory(folder, filename, max_age=0)

    return static
