"""Authentication (sessions and bearer tokens), CSRF, rate limits, headers and error pages."""

import time
from contextlib import suppress
from datetime import timedelta
from functools import cache

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.exceptions import Conflict, HTTPException, ServiceUnavailable

from core.errors import is_unreachable
from core.extensions import csrf, db, limiter, login_manager
from core.i18n import session_locale
from core.models import ApiToken, User, utcnow
from core.models.users import hash_token

#: PostgreSQL states of a transaction that lost a race: serialization failure, deadlock, lock
#: not available; SQLite says "database is locked" / "database table is locked"
TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}
#: seconds a client is asked to wait before sending a write the database was too busy for
BUSY_RETRY_AFTER = 2
#: seconds a client is asked to wait while the database cannot be reached
UNREACHABLE_RETRY_AFTER = 30
#: how exactly an API token's last use is kept (written again once it is this old)
TOKEN_LAST_USED_PRECISION = timedelta(minutes=5)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
)


def user_for_token(raw: str) -> User | None:
    """The active user owning the unrevoked token ``raw``, or None (one query).

    The token's last use is written at most once per ``TOKEN_LAST_USED_PRECISION``: a write
    and a commit on every call would cost more than most API reads themselves.
    """
    token = db.session.execute(
        _TOKEN_WITH_USER(), {"token_hash": hash_token(raw)}
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    g.api_token_id = token.id  # the audit trail names the token of an API call
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_LAST_USED_PRECISION:
        # a Core UPDATE: the loaded token and user stay loaded (no refresh after a commit)
        db.session.execute(
            update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        set_committed_value(token, "last_used_at", now)
    return token.user


@cache
def _TOKEN_WITH_USER():  # noqa: N802 - a constant built on first use
    """The token whose hash is ``:token_hash``, with its user (built once: every API request
    runs it, and building it costs more than running it)."""
    return (
        select(ApiToken)
        .where(ApiToken.token_hash == bindparam("token_hash"))
        .options(joinedload(ApiToken.user))
    )


def user_for_session(session_id: str) -> User | None:
    """The active user of a session or remember cookie id ``user id:generation:login time``.

    None when the id is malformed (an id from before generations), the user's sessions were
    ended since (logout, password change or reset, "log out everywhere"), or the login is older
    than ``REMEMBER_COOKIE_DURATION`` seconds.
    """
    parts = str(session_id).split(":")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    user_id, version, issued = (int(part) for part in parts)
    if time.time() - issued > login_lifetime():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or (user.session_version or 0) != version:
        return None
    return user


def login_lifetime() -> float:
    """Seconds a login lasts (``REMEMBER_COOKIE_DURATION``, a number or a timedelta)."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration.total_seconds() if isinstance(duration, timedelta) else float(duration)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def is_api_request() -> bool:
    """True for requests to the JSON API."""
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    """Bind login, CSRF and rate limiting; register error handlers and security headers."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # "basic", not "strong": a phone in a field changes IP address and must stay signed in.
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    limiter.init_app(app)

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        """The session's user (see :func:`user_for_session`)."""
        return user_for_session(session_id)

    @app.after_request
    def _security_headers(response):
        """Headers every response carries."""
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Pages, API answers and exports are private to their user: never kept by a proxy or
        # on disk. Responses that say otherwise (static files, public feeds) set their own.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    app.register_error_handler(HTTPException, handle_http_error)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        """A form sent after the session ended goes to the login page, as any page would;
        with a live session a bad token is a 400 ("reload the form")."""
        if (
            not is_api_request()
            and not current_user.is_authenticated
            and request.endpoint != login_manager.login_view
        ):
            return login_manager.unauthorized()
        return handle_http_error(error)

    @app.errorhandler(IntegrityError)
    def _integrity_error(error: IntegrityError):
        """A write that lost a race to a unique or foreign key (two taps at once): 409."""
        app.logger.warning(
            "conflicting write on %s %s: %s", request.method, request.path, error.orig
        )
        db.session.rollback()
        return handle_http_error(
            Conflict(
                description=_l(
                    "Someone changed the same record at the same moment. Reload and check before "
                    "sending again."
                )
            )
        )

    @app.errorhandler(InterfaceError)
    @app.errorhandler(OperationalError)
    def _operational_error(error: DBAPIError):
        """A database too busy for the write, or out of reach: 503 with Retry-After; else 500."""
        if is_unreachable(error):
            return database_unavailable(error)
        if not is_transient(error):
            return _unexpected_error(error)
        app.logger.warning("database busy on %s %s: %s", request.method, request.path, error.orig)
        db.session.rollback()
        response = handle_http_error(
            ServiceUnavailable(
                description=_l("The database is busy. Nothing was saved; try again in a moment.")
            )
        )
        response = app.make_response(response)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        """Log, roll back and answer 500 without leaking details."""
        if isinstance(error, HTTPException):
            return handle_http_error(error)
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if is_api_request():
            return jsonify(code=500, status="Internal Server Error"), 500
        return render_template("error.html", error=None), 500


def database_unavailable(error: DBAPIError):
    """503 with ``Retry-After`` while the database cannot be reached, for pages and the API.

    Nothing here may touch the database again: the page is rendered without the layout (whose
    menu and header read it) in the language of the session, not the user's stored one.
    """
    current_app.logger.error(
        "database unreachable on %s %s: %s", request.method, request.path, error.orig
    )
    with suppress(DBAPIError):  # the connection is gone; the session ends at teardown anyway
        db.session.rollback()
    message = _l(
        "Kepu cannot reach its database at the moment. Nothing was saved; please try "
        "again in a few minutes."
    )
    language = session_locale()
    with force_locale(language):
        if is_api_request():
            response = _api_error(ServiceUnavailable(description=str(message)))
        else:
            body = current_app.jinja_env.get_template("unavailable.html").render(
                message=str(message), language=language, path=request.path
            )
            response = current_app.response_class(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(UNREACHABLE_RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def is_transient(error: OperationalError) -> bool:
    """True when ``error`` is a lock or race the same request could win a moment later."""
    if getattr(error.orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    return "is locked" in str(error.orig)


def handle_http_error(error: HTTPException):
    """JSON for the API, a page in the user's language elsewhere."""
    if is_api_request():
        return _api_error(error)
    return render_template("error.html", error=error), error.code


#: the API's message for an error raised without one of Kepu's own (Werkzeug's is English)
API_ERROR_MESSAGES = {
    400: _l("The request is not valid."),
    403: _l("Your account may not see or change this."),
    405: _l("This method is not allowed here."),
    406: _l("The answer cannot be given in the format asked for."),
    409: _l("The change conflicts with existing data."),
    413: _l("The request is too large."),
    415: _l("Send the body as JSON (Content-Type: application/json)."),
    429: _l("Too many requests: please wait a minute and try again."),
    500: _l("Something went wrong. Nothing you sent was half-saved; please try again."),
    503: _l("The service is busy; please try again in a moment."),
}


def _api_error(error: HTTPException):
    """The JSON body of an API error, in flask-smorest's shape and the caller's language."""
    body = {"code": error.code, "status": error.name}
    data = getattr(error, "data", None)
    if data and "messages" in data:
        body["errors"] = data["messages"]
    description = getattr(error, "description", None)
    if error.code == 429 or (
        description == type(error).description and error.code in API_ERROR_MESSAGES
    ):
        description = API_ERROR_MESSAGES[error.code]  # Werkzeug's default, in English
    if description and error.code not in (404, 422):
        body["message"] = str(description)
    response = jsonify(body)
    response.status_code = error.code or 500
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kepu"'
    return response
