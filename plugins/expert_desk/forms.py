"""Forms of the expert desk pages (choices filled by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from core.plugin_api import SEARCHABLE, optional_int


class QuestionForm(FlaskForm):
    """Record a question a village collected."""

    village_id = SelectField(
        _l("Village"),
        coerce=optional_int,
        invalid_choice_message=_l("Choose a village."),
        render_kw=SEARCHABLE,
    )
    member_id = SelectField(_l("Asked by"), coerce=optional_int, validate_choice=False)
    subject = StringField(_l("Farm or crop"))
    text = TextAreaField(_l("Question"), render_kw={"rows": 5})
    specialty_id = SelectField(_l("Topic"), coerce=optional_int, validate_choice=False)
    channel = SelectField(_l("Collected by"), validate_choice=False)
    asked_on = DateField(_l("Asked on"), validators=[Optional()])
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})


class RouteForm(FlaskForm):
    """Route a question to an expert."""

    expert_id = SelectField(_l("Expert"), coerce=optional_int, validate_choice=False)


class MergeForm(FlaskForm):
    """Merge a duplicate into another question."""

    into_id = StringField(_l("Number of the question it duplicates"))


class AnswerForm(FlaskForm):
    """The expert's answer."""

    text = TextAreaField(_l("Answer"), render_kw={"rows": 6})


class FeedbackForm(FlaskForm):
    """The asker's feedback."""

    solved = RadioField(
        _l("Did the answer solve the problem?"),
        choices=[SelectChoice("yes", _l("Solved")), SelectChoice("no", _l("Not solved"))],
        validate_choice=False,
    )
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 3})


class FollowUpForm(FlaskForm):
    """A follow-up question in the same thread."""

    text = TextAreaField(_l("Follow-up question"), render_kw={"rows": 3})


class ExpertForm(FlaskForm):
    """Create or edit an expert."""

    name = StringField(_l("Name"))
    organisation = StringField(_l("Organisation"))
    contact = StringField(_l("Contact"))
    specialty_ids = SelectMultipleField(_l("Specialties"), coerce=int, validate_choice=False)
    user_id = SelectField(_l("Login"), coerce=optional_int, validate_choice=False)
    active = BooleanField(_l("Active"), default=True)


class SpecialtyForm(FlaskForm):
    """Add a specialty to the list."""

    name = StringField(_l("New specialty"))


class BookletForm(FlaskForm):
    """Compile a booklet."""

    title = StringField(_l("Title"))
    foreword = TextAreaField(_l("Foreword"), render_kw={"rows": 3})
    question_ids = SelectMultipleField(_l("Questions"), coerce=int, validate_choice=False)


class OfficerForm(FlaskForm):
    """Name a village's information officer (the choices are the village's users)."""

    user_id = SelectField(_l("Information officer"), coerce=optional_int, validate_choice=False)
