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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from core.extensions import db, limiter
from core.forms.auth import LoginForm
from core.services.users import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only local redirect targets, so a login link cannot send users elsewhere."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("home.index")


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
