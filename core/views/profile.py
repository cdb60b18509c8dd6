"""The signed-in user's profile: who they are, password, language and their own API tokens."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from core.extensions import db
from core.forms.profile import LanguageForm, PasswordForm, TokenForm
from core.i18n import select_locale
from core.models import ApiToken
from core.services.users import password_errors

bp = Blueprint("profile", __name__, url_prefix="/profile")


def page(
    status: int = 200,
    new_token: str | None = None,
    new_feed_address: str | None = None,
    **forms,
):
    """Render the profile page with its forms and the user's tokens; a token or calendar
    address just made is shown on this answer only."""
    tokens = (
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == current_user.id)
            .order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        )
        .scalars()
        .all()
    )
    language = forms.get("language") or LanguageForm(prefix="lang")
    if language.locale.data is None:
        language.locale.data = select_locale()
    response = current_app.make_response(
        (
            render_template(
                "profile/index.html",
                password=forms.get("password") or PasswordForm(prefix="pw"),
                language=language,
                token_form=forms.get("token") or TokenForm(prefix="token"),
                tokens=tokens,
                new_token=new_token,
                new_feed_address=new_feed_address,
            ),
            status,
        )
    )
    if new_token or new_feed_address:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("")
@login_required
def index():
    """Who the user is, and the forms to change password, language and tokens."""
    return page()


@bp.route("/password", methods=["POST"])
@login_required
def password():
    """Change the password; the current one is required."""
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        problems = password_errors(form.new_password.data, current_user.username)
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors = [_("The current password is not right.")]
        elif problems:
            form.new_password.errors = problems
        else:
            current_user.set_password(form.new_password.data)
            current_user.end_sessions()  # every other session and remember cookie ends
            db.session.commit()
            _keep_this_session()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("profile.index"))
    return page(password=form)


def _keep_this_session() -> None:
    """Log the current user in again under the new session generation (this device stays
    signed in, remembered if it was)."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(current_user._get_current_object(), remember=remembered)


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the user, on every device, this one too."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@login_required
def language():
    """Save the UI language on the account."""
    form = LanguageForm(prefix="lang")
    if not form.validate_on_submit() or form.locale.data not in current_app.config["LANGUAGES"]:
        return page(language=form)
    current_user.locale = session["lang"] = form.locale.data
    db.session.commit()
    refresh()  # the confirmation in the language just chosen
    flash(_("Language saved."), "success")
    return redirect(url_for("profile.index"))


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    """Create an API token; the raw token is shown on this response only, never again."""
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return page(token=form)
    token, raw = ApiToken.issue(current_user, label=form.label.data.strip())
    db.session.add(token)
    db.session.commit()
    return page(new_token=raw, token=TokenForm(prefix="token", formdata=None))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's own tokens (403 for anyone else's)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if token.user_id != current_user.id:
        abort(403)
    if token.revoked_at is None:
        token.revoke()
        db.session.commit()
        flash(_("Token “%(label)s” revoked.", label=token.label), "success")
    return redirect(url_for("profile.index"))
