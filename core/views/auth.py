"""Logging in and out, and choosing the UI language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from core.extensions import db, limiter
from core.forms.auth import LoginForm
from core.models import User

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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """The login form."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.execute(
            select(User).where(User.username == form.username.data.strip())
        ).scalar_one_or_none()
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
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
