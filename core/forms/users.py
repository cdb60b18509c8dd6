"""Forms of the user administration pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Form, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from core.extensions import db
from core.forms import enum_choices, optional_int, placeholder
from core.forms.choices import SEARCHABLE
from core.forms.choices import team_choices as grouped_teams
from core.models import Area, AreaKind, Role, Team
from core.services.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def role_choices(empty=None) -> list[SelectChoice]:
    """The four roles, after an empty option."""
    return [placeholder(empty), *enum_choices(Role)]


def team_choices() -> list[SelectChoice]:
    """Every live team, grouped by township, for leaders and members."""
    teams = db.session.scalars(select(Team).where(Team.deleted_at.is_(None)))
    return grouped_teams(teams, blank=_l("No team"))


def reviewer_area_choices() -> list[SelectChoice]:
    """The county and the townships, for reviewers."""
    areas = db.session.execute(
        select(Area.id, Area.name, Area.kind)
        .where(Area.kind.in_([AreaKind.COUNTY, AreaKind.TOWNSHIP]))
        .order_by(Area.path)
    )
    return [placeholder(_l("No area"))] + [SelectChoice(str(i), name) for i, name, _kind in areas]


def _password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class UserEditForm(FlaskForm):
    """Change an account's display name, role, team and area."""

    display_name = StringField(_l("Display name"), validators=[Length(max=80)])
    role = SelectField(
        _l("Role"),
        validators=[DataRequired(message=_l("Choose a role."))],
        invalid_choice_message=_l("Choose a role."),
    )
    team_id = SelectField(
        _l("Team"),
        coerce=optional_int,
        validators=[Optional()],
        invalid_choice_message=_l("Choose a team from the list."),
        render_kw=SEARCHABLE,
    )
    area_id = SelectField(
        _l("Area"),
        coerce=optional_int,
        validators=[Optional()],
        invalid_choice_message=_l("Choose the county or a township."),
    )

    def __init__(self, *args, **kwargs):
        """Fill the choices from the database."""
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.team_id.choices = team_choices()
        self.area_id.choices = reviewer_area_choices()


class UserCreateForm(UserEditForm):
    """Create an account with an initial password."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(message=_l("Enter a username.")),
            Length(max=64),
            Regexp(
                r"^[\w.@-]+$",
                message=_l("Use letters, digits and . _ @ - only, without spaces."),
            ),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none"},
    )
    password, confirm = _password_fields()


class PasswordForm(FlaskForm):
    """Set a new password for an account."""

    password, confirm = _password_fields()


class UserFilterForm(Form):
    """Filters of the user list."""

    q = StringField(_l("Search username or name"), render_kw={"type": "search"})
    role = SelectField(_l("Role"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        """Fill the role choices."""
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(_l("All roles"))
