"""Forms of the assessment, rubric and bulletin pages (choices filled by the views)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Form, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import NUMBER, enum_choices, optional_int
from core.models import Direction
from core.services.rubric import (
    METRICS,
)


class AssessmentChoiceForm(Form):
    """Which assessment to show: a year and an area (GET)."""

    year = IntegerField(_l("Year"), validators=[Optional()], render_kw=NUMBER)
    area = SelectField(_l("Area"), coerce=optional_int, validate_choice=False)


class CriterionForm(FlaskForm):
    """Create or change a criterion of the rubric."""

    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    metric = SelectField(
        _l("Computed from"),
        choices=[SelectChoice(k, v) for k, v in METRICS.items()],
        invalid_choice_message=_l("Choose how the criterion is computed."),
    )
    weight = IntegerField(
        _l("Weight"),
        render_kw=NUMBER,
        validators=[InputRequired(message=_l("Enter a whole number from 1 to %(max)s.", max=100))],
    )
    direction = SelectField(_l("Direction"), choices=enum_choices(Direction))
    position = IntegerField(_l("Position"), validators=[Optional()], render_kw=NUMBER)
    description = TextAreaField(
        _l("Description"), render_kw={"rows": 2}, validators=[Length(max=2000)]
    )


class SettingsForm(FlaskForm):
    """How the proposal is made."""

    commend_mode = SelectField(
        _l("Commend"),
        choices=[
            SelectChoice("top_n", _l("the top N teams")),
            SelectChoice("top_percent", _l("the top N percent of the teams")),
        ],
    )
    commend_value = IntegerField(
        _l("N"), render_kw=NUMBER, validators=[InputRequired(message=_l("Enter a whole number."))]
    )
    criticise_bottom = IntegerField(
        _l("Criticise the last teams"),
        render_kw=NUMBER,
        validators=[InputRequired(message=_l("Enter a whole number."))],
    )


class BulletinForm(FlaskForm):
    """Issue a bulletin for an area and a period."""

    area_id = SelectField(_l("Issuing area"), coerce=optional_int, validate_choice=False)
    starts_on = DateField(
        _l("From"), validators=[InputRequired(message=_l("Enter a date as YYYY-MM-DD."))]
    )
    ends_on = DateField(
        _l("To"), validators=[InputRequired(message=_l("Enter a date as YYYY-MM-DD."))]
    )


class ConfirmForm(FlaskForm):
    """Confirm an assessment; the decisions per team are read from ``decision_<team id>`` and
    ``reason_<team id>`` fields the page renders for each team."""

    deadline = DateField(_l("Deadline for rectification"), validators=[Optional()])
    remarks = TextAreaField(_l("Remarks"), render_kw={"rows": 2}, validators=[Length(max=5000)])
