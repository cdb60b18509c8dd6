"""Forms of the calendar pages: the personal feed's options and the .ics import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from core.forms import optional_int


class FeedOptionsForm(FlaskForm):
    """What the personal feed includes besides the team's events."""

    include_plans = BooleanField(_l("Include my planned visits"))


class ImportForm(FlaskForm):
    """An .ics file to import as events, and the campaign they belong to."""

    file = FileField(
        _l("iCalendar file (.ics)"), validators=[FileRequired(message=_l("Choose an .ics file."))]
    )
    campaign_id = SelectField(_l("Campaign"), coerce=optional_int, validate_choice=False)
