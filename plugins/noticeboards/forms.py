"""Forms of the noticeboards pages (choices filled by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.plugin_api import SEARCHABLE, optional_int


class StationForm(FlaskForm):
    """Create or edit a station."""

    village_id = SelectField(
        _l("Village"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a village."))],
        invalid_choice_message=_l("Choose a village."),
        render_kw=SEARCHABLE,
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])


class BoardForm(FlaskForm):
    """Create or edit a board."""

    station_id = SelectField(
        _l("Station"), coerce=optional_int, invalid_choice_message=_l("Choose an existing station.")
    )
    village_id = SelectField(
        _l("Village (when the board has no station)"),
        coerce=optional_int,
        invalid_choice_message=_l("Choose a village."),
        render_kw=SEARCHABLE,
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    location = StringField(_l("Location"), validators=[Length(max=200)])
    publicist_id = SelectField(_l("Publicist"), coerce=optional_int, validate_choice=False)


class UpdateForm(FlaskForm):
    """Record an update of a board."""

    updated_on = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a day."))])
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)]
    )
    summary = TextAreaField(_l("Content summary"), validators=[Length(max=4000)])
    photo = FileField(
        _l("Photo (JPEG, PNG or WebP)"), render_kw={"accept": "image/jpeg,image/png,image/webp"}
    )


class UpdateEditForm(UpdateForm):
    """Correct an update: a new photo replaces the old one, or the photo is removed."""

    photo = FileField(
        _l("New photo (JPEG, PNG or WebP; replaces the present one)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField(_l("Remove the present photo"))


class TrainingForm(FlaskForm):
    """Record a training of publicists."""

    held_on = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a day."))])
    topic = StringField(
        _l("Topic"), validators=[DataRequired(message=_l("Enter a topic.")), Length(max=200)]
    )
    hours = DecimalField(
        _l("Hours"),
        places=1,
        validators=[InputRequired(message=_l("Enter the hours, from 0.5 to 100."))],
    )
    trainer = StringField(_l("Trainer"), validators=[Optional(), Length(max=120)])
    kind = SelectField(_l("Kind"), invalid_choice_message=_l("Choose on site or remote education."))
    attendee_ids = SelectMultipleField(
        _l("Publicists attending"),
        coerce=int,
        invalid_choice_message=_l("Choose publicists of boards you may record for."),
    )
