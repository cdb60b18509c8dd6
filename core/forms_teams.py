"""Forms of the team pages, and the small helpers the farm and user forms share.

Select fields take ``SelectChoice`` lists (WTForms 3.3 deprecates tuples); the views fill in
choices from the database with the ``*_choices`` functions below.
"""

from collections.abc import Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, Form, SelectField, StringField, TextAreaField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.extensions import db
from core.models import Area, AreaKind, Farm, Member, Role, User
from core.services import PHONE_PATTERN

#: the services' phone rule, checked in the form too so the message shows at once
PHONE = Regexp(PHONE_PATTERN, message=_l("Use digits, spaces and + - ( ) only."))


def optional_int(value) -> int | None:
    """Coerce a select's value: '' means none, anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(value)


def placeholder(text=None) -> SelectChoice:
    """The empty first option of a select."""
    return SelectChoice("", text or _l("Choose…"))


def show_errors(form, errors: Mapping[str, list[str]]) -> None:
    """Put a service's ``FieldErrors`` next to the form's fields (others above the form)."""
    for name, messages in errors.items():
        field = form._fields.get(name)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = list(field.errors) + list(messages)


def scoped_areas(user: User) -> dict[int, Area]:
    """Townships and villages the user may filter by (a reviewer's subtree, or all), by id."""
    query = select(Area).where(Area.kind.in_([AreaKind.TOWNSHIP, AreaKind.VILLAGE]))
    if user.role == Role.REVIEWER:
        if user.area is None:
            return {}
        query = query.where(Area.path.startswith(user.area.path))
    return {a.id: a for a in db.session.execute(query.order_by(Area.name, Area.id)).scalars()}


def area_filter_choices(areas: Mapping[int, Area]) -> tuple[list, list]:
    """(townships, villages grouped by township) choices for list filters."""
    townships = [placeholder(_l("All townships"))] + [
        SelectChoice(str(a.id), a.name) for a in areas.values() if a.kind == AreaKind.TOWNSHIP
    ]
    return townships, [placeholder(_l("All villages"))] + _grouped_villages(
        [a for a in areas.values() if a.kind == AreaKind.VILLAGE],
        {a.id: a.name for a in areas.values()},
    )


def _grouped_villages(villages: Iterable[Area], names: Mapping[int, str]) -> list[SelectChoice]:
    """Village options in optgroups named after their township, both sorted by name."""
    rows = sorted(villages, key=lambda v: (names.get(v.parent_id, ""), v.name))
    return [SelectChoice(str(v.id), v.name, optgroup=names.get(v.parent_id) or None) for v in rows]


def village_choices() -> list[SelectChoice]:
    """Every village, grouped by township, for the team and farm forms."""
    villages = db.session.execute(
        select(Area).where(Area.kind == AreaKind.VILLAGE).options(joinedload(Area.parent))
    ).scalars()
    villages = list(villages)
    names = {v.parent_id: v.parent.name for v in villages if v.parent is not None}
    return [placeholder()] + _grouped_villages(villages, names)


def member_choices(members: Iterable[Member], empty=None) -> list[SelectChoice]:
    """Options for choosing one of ``members``."""
    return [placeholder(empty)] + [SelectChoice(str(m.id), m.name) for m in members]


def farm_choices(farms: Iterable[Farm], first_village_id: int | None = None) -> list[SelectChoice]:
    """Farm options grouped by village, the village ``first_village_id`` first."""
    rows = sorted(farms, key=lambda f: (f.village_id != first_village_id, f.village.name, f.name))
    return [placeholder()] + [
        SelectChoice(str(f.id), f.name, optgroup=f.village.name) for f in rows
    ]


class TeamForm(FlaskForm):
    """Create or edit a team."""

    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    village_id = SelectField(
        _l("Village"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a village."))],
        invalid_choice_message=_l("Choose a village."),
    )
    leader_id = SelectField(
        _l("Leader"),
        coerce=optional_int,
        validators=[Optional()],
        invalid_choice_message=_l("Choose the leader among the team's members."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])


class MemberForm(FlaskForm):
    """Add or edit a team member."""

    name = StringField(  # context "person": a person's name is 姓名, a team's or farm's 名称
        lazy_pgettext("person", "Name"),
        validators=[DataRequired(message=lazy_pgettext("person", "Enter a name.")), Length(max=80)],
    )
    phone = StringField(_l("Phone"), validators=[Length(max=32), PHONE], render_kw={"type": "tel"})
    is_party_member = BooleanField(_l("Party member"), default=True)
    is_young_official = BooleanField(_l("Young village official"))
    is_expert = BooleanField(_l("Agricultural expert"))
    speciality = StringField(_l("Speciality"), validators=[Length(max=120)])


class AssignForm(FlaskForm):
    """Link a member to a farm."""

    member_id = SelectField(
        _l("Member"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a member."))],
        invalid_choice_message=_l("Choose a member of this team."),
    )
    farm_id = SelectField(
        _l("Farm"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a farm."))],
        invalid_choice_message=_l("Choose a farm from the list."),
    )
    since = DateField(_l("Since"), validators=[Optional()])


class TeamFilterForm(Form):
    """Filters of the team list (read from the query string; bad values are ignored)."""

    township = SelectField(_l("Township"), coerce=optional_int, validate_choice=False)
    village = SelectField(_l("Village"), coerce=optional_int, validate_choice=False)
    flagged = BooleanField(_l("Only teams with flags"))
