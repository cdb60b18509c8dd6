"""Logging in and out, and choosing the UI language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from core.extensions import db, limiter
from core.forms import show_errors
from core.forms.auth import ForgotForm, LoginForm
from core.forms.users import PasswordForm
from core.notify.inbox import notify
from core.services import FieldErrors, password_resets
from core.services.users import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """``target`` when it is a page of this site, else the home page: a login or language
    link can never send users elsewhere, nor break the answer's headers."""
    return target if target and _is_local(target) else url_for("home.index")


def _is_local(target: str) -> bool:
    """True for a path on this site: ``/...``, not ``//host`` nor ``/\\host`` (browsers read a
    backslash as a slash), no scheme or host, no control characters (CR/LF), not too long."""
    if len(target) > 2000 or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc


def _login_failed(response) -> bool:
    """True when the request was a refused login (only those count against the limits)."""
    return bool(g.get("login_failed"))


def _submitted_username() -> str:
    """The rate-limit key of the account a login names (case-insensitive)."""
    return "account:" + request.form.get("username", "").strip().lower()[:64]


@bp.route("/login", methods=["GET", "POST"])
# failed logins per client address (the real one behind KEPU_PROXY_FIX proxies) ...
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_login_failed,
)
# ... and per account named, whatever the address
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    key_func=_submitted_username,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    """The login form."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        g.login_failed = True
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def forgot():
    """Ask for a reset link by email; the answer is the same whether the account exists."""
    form = ForgotForm()
    if form.validate_on_submit():
        if made := password_resets.request_link(form.username.data):
            _send_reset_link(*made)
        flash(
            _(
                "If this account has an email address, a link to set a new password is on its "
                "way. No email? Ask an administrator for a reset link."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _send_reset_link(user, raw: str) -> None:
    """Put the link in the user's inbox; the ``core.send_emails`` job emails it."""
    address = password_resets.link(raw)
    hours = current_app.config["PASSWORD_RESET_HOURS"]

    def body(recipient) -> str:
        return "\n\n".join(
            [
                _(
                    "Someone, probably you, asked to set a new password for %(name)s. "
                    "Open this link within %(hours)s hours to choose it (it works once):",
                    name=recipient.username,
                    hours=hours,
                ),
                address,
                _("If you did not ask, ignore this message: your password stays."),
            ]
        )

    notify([user], _l("Set a new Kepu password"), body)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def reset(token: str):
    """Set a new password through a one-time link; then log in with it."""
    link = password_resets.valid(token)
    if link is None:
        response = current_app.make_response(
            (render_template("auth/reset.html", form=None, user=None), 404)
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = password_resets.complete(link, form.password.data)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(
                _("The password of %(name)s is set. Log in with it.", name=user.username),
                "success",
            )
            return redirect(url_for("auth.login"))
    response = current_app.make_response(
        render_template("auth/reset.html", form=form, user=link.user)
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session: the user's session generation rises, so no copy of it (a saved
    cookie, a remember cookie) works again."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the UI language, for this session and, when signed in, for the user."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
