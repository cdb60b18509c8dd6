"""Forms of the model campaign pages (choices filled in by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugin_api import SEARCHABLE, optional_int

#: the file input of evidence photos: any image the phone offers (the service checks the type)
PHOTO_INPUT = {"accept": "image/*"}


class CriterionForm(FlaskForm):
    """A criterion of a tier (admins)."""

    tier = SelectField(_l("Tier"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    max_score = IntegerField(
        _l("Highest score"), default=10, validators=[InputRequired(), NumberRange(1, 100)]
    )
    weight = IntegerField(_l("Weight"), default=1, validators=[InputRequired(), NumberRange(1, 10)])
    position = IntegerField(
        _l("Order"), default=0, validators=[InputRequired(), NumberRange(0, 999)]
    )
    active = BooleanField(_l("Active (scored in new assessments)"), default=True)


class RoundForm(FlaskForm):
    """A yearly round (admins)."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])


class NominationForm(FlaskForm):
    """A nomination with its evidence."""

    round_id = SelectField(_l("Round"), coerce=optional_int, validators=[DataRequired()])
    tier = SelectField(_l("Tier"), validators=[DataRequired()])
    area_id = SelectField(
        _l("Township or village (for a household: its village)"),
        coerce=optional_int,
        validators=[DataRequired()],
        render_kw=SEARCHABLE,
    )
    household_name = StringField(
        _l("Household (model household tier only)"), validators=[Length(max=80)]
    )
    member_id = SelectField(
        _l("Member heading the household (optional)"),
        coerce=optional_int,
        validators=[Optional()],
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Reason for the nomination"), validators=[DataRequired(), Length(max=2000)]
    )
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=5000)])
    links = TextAreaField(
        _l("Links to evidence (one per line, optional)"), validators=[Length(max=2000)]
    )
    photos = MultipleFileField(_l("Photos of the evidence (optional)"), render_kw=PHOTO_INPUT)


class PhotosForm(FlaskForm):
    """More photos for a nomination's evidence."""

    photos = MultipleFileField(_l("Photos of the evidence"), render_kw=PHOTO_INPUT)


class DecisionForm(FlaskForm):
    """Award, refuse or withdraw a nomination."""

    to = SelectField(_l("Decision"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason (required when not awarded, and when awarding below the threshold)"),
        validators=[Length(max=2000)],
    )


class AssessmentForm(FlaskForm):
    """The comments of an assessment; the scores are fields named ``score_<criterion id>``."""

    comments = TextAreaField(_l("Comments"), validators=[Length(max=2000)])
