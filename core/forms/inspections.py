"""Forms of the inspection and rectification pages (choices filled by the views).

WTForms checks types and required fields; the rules that need the database (a unit inside the
reviewer's area, dates, photo types and sizes) live in ``core.services.inspections`` and
``core.services.rectifications``.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from wtforms import DateField, Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.extensions import db
from core.forms import enum_choices, grouped_villages, optional_int, placeholder, scoped_areas
from core.forms.choices import SEARCHABLE, team_choices
from core.models import AreaKind, InspectionKind, Team, User
from core.permissions import team_scope


def unit_choices(user: User) -> tuple[list[SelectChoice], list[SelectChoice]]:
    """(team choices, village choices) for ``user``, both grouped by township."""
    teams = db.session.scalars(select(Team).where(team_scope(user), Team.deleted_at.is_(None)))
    areas = scoped_areas(user)
    village_choices = [placeholder()] + grouped_villages(
        [a for a in areas.values() if a.kind == AreaKind.VILLAGE],
        {a.id: a.name for a in areas.values()},
    )
    return team_choices(teams, blank=_l("No team: the village as a whole")), village_choices


class InspectionForm(FlaskForm):
    """Record or change an inspection."""

    team_id = SelectField(
        _l("Team inspected"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE
    )
    village_id = SelectField(
        _l("Village (when no team is chosen)"),
        coerce=optional_int,
        validate_choice=False,
        render_kw=SEARCHABLE,
    )
    kind = RadioField(
        _l("Kind of inspection"),
        choices=enum_choices(InspectionKind),
        validators=[InputRequired(message=_l("Choose scheduled or unannounced."))],
    )
    inspected_on = DateField(
        _l("Day of the inspection"),
        validators=[InputRequired(message=_l("Enter the day of the inspection."))],
    )
    findings = TextAreaField(
        _l("Findings"),
        render_kw={"rows": 5},
        validators=[DataRequired(message=_l("This field is required.")), Length(max=10_000)],
    )
    photos = MultipleFileField(
        _l("Photos (JPEG, PNG or WebP)"), render_kw={"accept": "image/jpeg,image/png,image/webp"}
    )


class InspectionFilterForm(Form):
    """Filters of the inspection list (GET)."""

    team = SelectField(_l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    kind = SelectField(
        _l("Kind"), default="", choices=enum_choices(InspectionKind, blank=_l("All kinds"))
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class RectificationForm(FlaskForm):
    """Create or change a rectification item."""

    team_id = SelectField(
        _l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE
    )
    village_id = SelectField(
        _l("Village (when no team is chosen)"),
        coerce=optional_int,
        validate_choice=False,
        render_kw=SEARCHABLE,
    )
    title = StringField(_l("Short title"), validators=[Length(max=200)])
    requirement = TextAreaField(
        _l("What must be put right"),
        render_kw={"rows": 4},
        validators=[DataRequired(message=_l("This field is required.")), Length(max=5000)],
    )
    deadline = DateField(
        _l("Deadline"), validators=[InputRequired(message=_l("Enter the deadline."))]
    )


class DoneForm(FlaskForm):
    """Record a rectification item as done."""

    done_on = DateField(_l("Put right on"), validators=[Optional()])
    done_note = TextAreaField(
        _l("How it was put right"),
        render_kw={"rows": 3},
        validators=[DataRequired(message=_l("Say how it was put right.")), Length(max=5000)],
    )


STATUS_CHOICES = [
    SelectChoice("", _l("All")),
    SelectChoice("open", _l("Open")),
    SelectChoice("overdue", _l("Overdue")),
    SelectChoice("awaiting", _l("Awaiting review")),
    SelectChoice("done", _l("Done")),
]


class RectificationFilterForm(Form):
    """Filters of the rectification list (GET)."""

    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="")
