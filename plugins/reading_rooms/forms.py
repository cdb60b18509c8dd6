"""Forms of the reading rooms pages (choices filled by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugin_api import SEARCHABLE, optional_int
from plugins.reading_rooms.services import MAX_COUNT


class RoomForm(FlaskForm):
    """Create or edit a room (admins)."""

    area_id = SelectField(
        _l("Township or village"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a township or village."))],
        invalid_choice_message=_l("Choose a township or village."),
        render_kw=SEARCHABLE,
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])
    opening_notes = TextAreaField(_l("Opening notes"), validators=[Length(max=500)])


def _count(label):
    """A required count from 0 to MAX_COUNT."""
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(min=0, max=MAX_COUNT),
        ],
    )


class UsageForm(FlaskForm):
    """Enter the usage of a room for a month or a period."""

    room_id = SelectField(
        _l("Reading room"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a reading room."))],
        invalid_choice_message=_l("Choose a reading room."),
    )
    month = StringField(
        _l("Month (YYYY-MM)"),
        validators=[Optional()],
        render_kw={"type": "month"},
        description=_l("Or give the first and last day below."),
    )
    period_start = DateField(_l("First day of the period"), validators=[Optional()])
    period_end = DateField(_l("Last day of the period"), validators=[Optional()])
    reads = _count(_l("Reads"))
    downloads = _count(_l("Downloads"))
    active_readers = _count(_l("Active readers"))
    replace = BooleanField(
        _l("Replace the figures already recorded for this period"),
        description=_l("Only needed when the room's usage of this period was entered before."),
    )


class ModelForm(FlaskForm):
    """Mark a room as a county-level model room from a day."""

    since = DateField(
        _l("Model room since"),
        validators=[InputRequired(message=_l("Enter the day it was named."))],
    )


class ImportForm(FlaskForm):
    """Upload a CSV file of usage records."""

    file = FileField(_l("CSV file"), validators=[DataRequired(message=_l("Choose a file."))])


class ConfirmForm(FlaskForm):
    """Confirm the year's commendation proposal (only the CSRF token)."""
