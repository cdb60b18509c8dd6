"""Logging: one line per request, a request id on every record, plain text or JSON on stderr.

:func:`init_app` installs one handler on the root logger, once per process (the apps built
later, e.g. by the tests, find it and add nothing), so the core's loggers (``core.*``; Flask's
``app.logger`` is ``core``), the plugins' and the libraries' write in one format, at
``LOG_LEVEL``, one object per line with ``LOG_JSON``. ``kepu scheduler`` and the other
commands build the app first, so they log the same way. Other handlers on the root logger
(pytest's ``caplog``) keep receiving every record.

Each request gets an id: the ``X-Request-ID`` header it came with when that is a short safe
token, else a new one. It is kept as ``g.request_id``, sent back in the ``X-Request-ID``
header, and added to every record logged during the request (:class:`RequestIdFilter`), so an
error's traceback can be matched to its request line. The request line is written once the
request ends (errors too) by the ``core.requests`` logger; secret path segments and query
values never reach it.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime
from urllib.parse import unquote_plus

from flask import Flask, Response, g, has_request_context, request, session
from sqlalchemy import inspect as sa_inspect

#: the name of the handler installed on the root logger (how a later call finds it)
HANDLER_NAME = "kepu"
#: libraries whose INFO records say nothing to an operator (Alembic lists its internal plugins
#: each time it is imported); their warnings still pass
QUIET_LOGGERS = ("alembic.runtime.plugins",)
#: the logger of the request lines
request_logger = logging.getLogger("core.requests")
#: an incoming ``X-Request-ID`` is kept when it matches this, else replaced by a new id
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: route variables and query parameters whose values are logged as ``***``
SECRET_NAME = re.compile(r"(?:^|[_-])(?:token|secret|key|password)$", re.IGNORECASE)
#: a personal feed's address carries its secret, even when no route matched it (mistyped)
FEED_SECRET = re.compile(r"(/calendar/feed/)[^/?#\s\"]+?(\.ics)")
#: one ``name=value`` pair of a query string (alone, or after ``?`` in a URL)
QUERY_PAIR = re.compile(r"(^|[?&])([^=&?#\s]+)=([^&#\s\"]*)")
#: the fields of a request line: attributes of its record, keys of its JSON object
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "remote_addr")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
#: a route variable in a rule: ``<name>`` or ``<converter(args):name>``
_RULE_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
#: control characters, shown escaped so a crafted path cannot forge a log line
_CONTROL = {code: f"\\x{code:02x}" for code in [*range(32), 127]}


def init_app(app: Flask) -> None:
    """Install the log handler (once per process) and log every request of ``app``."""
    install_handler(app.config["LOG_LEVEL"], bool(app.config["LOG_JSON"]))
    # records logged through app.logger carry the id for every handler (caplog too)
    _add_filter(app.logger, RequestIdFilter)
    _add_filter(logging.getLogger("werkzeug"), WerkzeugRequestLineFilter)
    # the first hooks registered: the id exists before any other hook logs, and the line is
    # written after every other hook (after_request and teardown run in reverse order)
    app.before_request(_start_request)
    app.after_request(_finish_response)
    app.teardown_request(_log_request)


def install_handler(level: str, as_json: bool) -> logging.Handler:
    """The root logger's Kepu handler: installed with ``level`` and the format the first time,
    returned unchanged by later calls (one handler per process, however many apps)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == HANDLER_NAME:
            return handler
    handler = StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if as_json else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(str(level).upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


def _add_filter(logger: logging.Logger, kind: type[logging.Filter]) -> None:
    """Add a ``kind`` filter to ``logger`` unless it has one."""
    if not any(isinstance(existing, kind) for existing in logger.filters):
        logger.addFilter(kind())


class StderrHandler(logging.StreamHandler):
    """Writes to the current ``sys.stderr`` (which test runners and CLI runners replace)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        """The stream written to: ``sys.stderr`` as it is now."""
        return sys.stderr


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record: the current request's id, ``-`` outside requests."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Set the attribute (unless the record has it) and let the record through."""
        if not hasattr(record, "request_id"):
            record.request_id = request_id() or "-"
        return True


class WerkzeugRequestLineFilter(logging.Filter):
    """Drops the development server's own request lines (``kepu run``).

    They repeat the request lines written here, and show the path and query unmasked (a
    personal feed's secret address). Werkzeug's other messages (the address it serves on,
    errors) go through.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a request line of werkzeug's request handler."""
        return not (isinstance(record.msg, str) and record.msg.endswith('] "%s" %s %s'))


def iso_time(record: logging.LogRecord) -> str:
    """The record's time, ISO-8601 in the local zone with its offset, to the millisecond."""
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """``time level logger [request id] message``; a traceback follows on its own lines."""

    def __init__(self):
        super().__init__(TEXT_FORMAT, defaults={"request_id": "-"})

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """ISO-8601 (see :func:`iso_time`)."""
        return iso_time(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line.

    Keys: ``time``, ``level``, ``logger``, ``message``, ``request_id``; the request fields on
    request lines (``method``, ``path``, ``status``, ``duration_ms``, ``user_id``,
    ``remote_addr``); ``exc`` (the traceback) when there is one.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object."""
        entry = {
            "time": iso_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({key: getattr(record, key) for key in REQUEST_FIELDS if hasattr(record, key)})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# --- requests -------------------------------------------------------------------------------


def request_id() -> str | None:
    """The current request's id (chosen on first use), or None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def _start_request() -> None:
    """Note the start time and choose the request's id."""
    g.request_started = time.perf_counter()
    request_id()


def _finish_response(response: Response) -> Response:
    """Send the id back; note the status for the request line."""
    response.headers["X-Request-ID"] = request_id()
    g.response_status = response.status_code
    return response


def _log_request(error: BaseException | None) -> None:
    """Write the request line, then forget the request's id (``g`` may outlive it)."""
    started = g.pop("request_started", None)
    # no status: the response was never made, an exception escaped every handler
    status = g.pop("response_status", None) or 500
    fields = {
        "method": request.method,
        "path": loggable_path(),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user_id": _user_id(),
        "remote_addr": request.remote_addr or "-",
        "request_id": request_id(),
    }
    request_logger.info(
        "%s %s %s %sms user=%s addr=%s",
        fields["method"],
        fields["path"],
        status,
        fields["duration_ms"],
        fields["user_id"],
        fields["remote_addr"],
        extra=fields,
    )
    g.pop("request_id", None)


def loggable_path() -> str:
    """The request's path and query string, secret values replaced by ``***``."""
    path = _masked_path()
    query = _masked_query(request.query_string.decode("utf-8", "replace"))
    return (f"{path}?{query}" if query else path).translate(_CONTROL)


def _masked_path() -> str:
    """The path; route variables named like secrets (``<token>``) shown as ``***``."""
    rule = request.url_rule
    if rule is None or not any(SECRET_NAME.search(name) for name in rule.arguments):
        return FEED_SECRET.sub(r"\1***\2", request.path)
    values = request.view_args or {}

    def variable(match: re.Match) -> str:
        name = match.group(1)
        return "***" if SECRET_NAME.search(name) else str(values.get(name, match.group(0)))

    return _RULE_VARIABLE.sub(variable, rule.rule)


def _masked_query(query: str) -> str:
    """``query`` with the values of parameters named like secrets replaced by ``***``."""

    def pair(match: re.Match) -> str:
        start, name, value = match.groups()
        return f"{start}{name}={'***' if SECRET_NAME.search(unquote_plus(name)) else value}"

    return QUERY_PAIR.sub(pair, query)


def mask_url(text: str) -> str:
    """A path, URL, query string or request line with its secrets as ``***`` (no request
    needed: gunicorn's access log uses it): a feed's secret and the values of parameters named
    like secrets."""
    return _masked_query(FEED_SECRET.sub(r"\1***\2", text)) if text else text


def request_user_id() -> int | None:
    """The id of the request's signed-in user, or None; never loads anything.

    Bearer-token and session users alike end up in Flask-Login's ``g._login_user``; the id
    is read from the ORM identity, never from the row (it may be expired by a rollback). A
    request that never looked at its user gives the id its session names
    (``user id:generation:login time``).
    """
    user = g.get("_login_user")
    if user is None:
        head = str(session.get("_user_id") or "").split(":")[0]
        return int(head) if head.isdigit() else None
    state = sa_inspect(user, raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


def _user_id() -> str:
    """The request line's user: :func:`request_user_id`, or ``-``."""
    user_id = request_user_id()
    return "-" if user_id is None else str(user_id)
