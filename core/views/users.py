"""User administration: list, create, edit, deactivate or reactivate, reset a password.

Every page here is for administrators only; everyone else gets 403, on GET and POST alike.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from core.extensions import db, login_manager
from core.forms import show_errors
from core.forms.users import PasswordForm, UserCreateForm, UserEditForm, UserFilterForm
from core.models import Role, User
from core.pagination import page_of
from core.permissions import require_admin
from core.services import FieldErrors, password_resets
from core.services import users as service

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.before_request
def _admins_only():
    """Send anonymous visitors to the login page and answer 403 to non-administrators."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_admin(current_user)
    return None


@bp.route("")
def index():
    """Every account with role, team or area and whether it is active; search and role filter."""
    form = UserFilterForm(request.args)
    query = select(User).options(joinedload(User.team), joinedload(User.area))
    filters = {}
    q = (form.q.data or "").strip()[:64]
    if q:
        filters["q"] = q
        query = query.where(
            or_(
                User.username.icontains(q, autoescape=True),
                User.display_name.icontains(q, autoescape=True),
            )
        )
    if form.role.data in {role.value for role in Role}:
        filters["role"] = form.role.data
        query = query.where(User.role == Role(form.role.data))
    page = page_of(query.order_by(User.username))
    return render_template("users/index.html", page=page, form=form, filters=filters)


def _user_or_404(user_id: int) -> User:
    """The account ``user_id`` or 404."""
    return db.get_or_404(User, user_id)


def _data(form: UserEditForm, username: str = "") -> service.UserInput:
    """The service input of a user form."""
    return service.UserInput(
        role=form.role.data,
        display_name=form.display_name.data,
        team_id=form.team_id.data,
        area_id=form.area_id.data,
        username=username,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Create an account with a role, its team or area, and an initial password."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                current_user, _data(form, form.username.data), form.password.data
            )
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The account %(name)s was created.", name=user.username), "success")
            return redirect(url_for(".index"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    """Change an account's display name, role, team or area."""
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            service.update_user(current_user, user, _data(form))
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The account %(name)s was saved.", name=user.username), "success")
            return redirect(url_for(".index"))
    return render_template("users/form.html", form=form, user=user)


@bp.route("/<int:user_id>/deactivate", methods=["POST"], endpoint="deactivate")
@bp.route("/<int:user_id>/reactivate", methods=["POST"], endpoint="reactivate")
def set_active(user_id: int):
    """Deactivate (sessions and tokens stop working) or reactivate an account."""
    user = _user_or_404(user_id)
    active = request.endpoint == "users.reactivate"
    try:
        service.set_active(current_user, user, active)
    except FieldErrors as exc:
        form = UserEditForm(obj=user, formdata=None)
        show_errors(form, exc.errors)
        return render_template("users/form.html", form=form, user=user)
    if active:
        flash(_("The account %(name)s is active again.", name=user.username), "success")
    else:
        flash(_("The account %(name)s was deactivated.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
def password(user_id: int):
    """Set a new password for an account."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.reset_password(user, form.password.data)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The password of %(name)s was changed.", name=user.username), "success")
            return redirect(url_for(".edit", user_id=user.id))
    return render_template("users/password.html", form=form, user=user)


@bp.route("/<int:user_id>/reset-link", methods=["POST"])
def reset_link(user_id: int):
    """Make a one-time link for the user to set a new password (shown once, to hand over)."""
    user = _user_or_404(user_id)
    if not user.active:
        abort(409)
    address = password_resets.link(password_resets.issue(user, by=current_user))
    response = current_app.make_response(
        render_template(
            "users/reset_link.html",
            user=user,
            address=address,
            hours=current_app.config["PASSWORD_RESET_HOURS"],
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
