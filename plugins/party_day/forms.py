"""Forms of the party day pages (choices filled by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import TimeField
from wtforms.validators import InputRequired, Length, Optional

from core.plugin_api import MAX_ID, SEARCHABLE, optional_int


def record_id(value) -> int | None:
    """Coerce a select's value to a record id: empty is none; anything but a whole number
    from 1 to ``MAX_ID`` raises ValueError, which WTForms shows as an invalid choice."""
    ident = optional_int(value)
    if ident is not None and not 0 < ident <= MAX_ID:
        raise ValueError(value)
    return ident


#: a number box that opens the phone's number pad
NUMBER = {"inputmode": "numeric", "min": 0}


class PartyDayForm(FlaskForm):
    """Record or correct a party day (the service checks the rules and the village)."""

    village_id = SelectField(
        _l("Village"),
        coerce=record_id,
        validate_choice=False,  # the service names a bad village; another's answers 403
        render_kw=SEARCHABLE,
    )
    held_on = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a day."))])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    topic = StringField(_l("Topic"), render_kw={"list": "party-day-industries"})
    industry = StringField(
        _l("Leading industry it is linked to"),
        validators=[Length(max=80)],
        render_kw={"list": "party-day-industries"},
    )
    expert_name = StringField(_l("Expert (if any)"), validators=[Length(max=120)])
    expert_topic = StringField(_l("What the expert answered"), validators=[Length(max=200)])
    present = IntegerField(
        _l("Party members present"),
        validators=[InputRequired(message=_l("Enter the party members present, 0 or more."))],
        render_kw=NUMBER,
    )
    branch_size = IntegerField(
        _l("Party members of the branch"),
        validators=[InputRequired(message=_l("Enter the branch's party members."))],
        render_kw=NUMBER,
    )
    equipment_used = StringField(_l("Equipment used"), validators=[Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])


class EquipmentForm(FlaskForm):
    """A village's equipment for online party days."""

    has_computer = BooleanField(_l("Computer"))
    has_display = BooleanField(_l("Projector or TV"))
    has_network = BooleanField(_l("Network"))
    notes = StringField(_l("Notes (e.g. funding scheme)"), validators=[Length(max=500)])


class ViewingForm(FlaskForm):
    """Organise or correct a county-wide viewing."""

    area_id = SelectField(_l("Organised for"), coerce=record_id, validate_choice=False)
    held_on = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a day."))])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    hosts = StringField(_l("Broadcast from"), validators=[Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])


class AttendanceForm(FlaskForm):
    """A village's attendance at a viewing."""

    village_id = SelectField(_l("Village"), coerce=record_id, validate_choice=False)
    present = IntegerField(
        _l("Party members watching"),
        validators=[InputRequired(message=_l("Enter the party members watching."))],
        render_kw=NUMBER,
    )


class RoundForm(FlaskForm):
    """Open a year's case competition."""

    year = IntegerField(
        _l("Year"), validators=[InputRequired(message=_l("Enter a year."))], render_kw=NUMBER
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    winners_wanted = IntegerField(
        _l("Winning cases"),
        validators=[InputRequired(message=_l("Enter a number of winners from 1 to 500."))],
        render_kw=NUMBER,
    )
    criteria = TextAreaField(_l("Criteria, one a line: title and highest score"))


class CaseForm(FlaskForm):
    """Enter or correct a case."""

    village_id = SelectField(_l("Village"), coerce=record_id, validate_choice=False)
    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(_l("What the branch did and what came of it"))
    photos = MultipleFileField(
        _l("Photos"), render_kw={"accept": "image/jpeg,image/png,image/webp"}
    )
