"""Forms of the team pages: teams, members and the farms members look after."""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SelectField, StringField, TextAreaField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from core.forms import PHONE, optional_int, placeholder
from core.forms.choices import SEARCHABLE
from core.models import Farm, Member


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
        render_kw=SEARCHABLE,
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
    village = SelectField(
        _l("Village"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE
    )
    flagged = BooleanField(_l("Only teams with flags"))
