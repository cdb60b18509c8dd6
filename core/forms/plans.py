"""Forms of the visit-plan pages: planning a visit and filtering the list.

WTForms checks types and required fields only; the rules that need the database (a farm the
user may use, a day not in the past, members of the team) live in ``core.services.plans``.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, SelectField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from core.forms import MultiCheckboxField, enum_choices, optional_int, placeholder
from core.forms.choices import SEARCHABLE
from core.forms.visits import TeamFarmForm, farm_choices
from core.models import PlanStatus, Team, VisitKind
from core.services.plans import MAX_TOPIC


class PlanForm(TeamFarmForm):
    """Plan or change a visit. ``team_id`` is fixed by the page (hidden)."""

    planned_on = DateField(
        _l("Day"), validators=[InputRequired(message=_l("Enter the day of the visit."))]
    )
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    kind = SelectField(
        _l("Kind of visit"),
        choices=enum_choices(VisitKind, blank=_l("Not decided yet")),
        default="",
    )
    member_ids = MultiCheckboxField(_l("Members expected"), coerce=int, choices=[])
    topic = TextAreaField(_l("Purpose"), validators=[Length(max=MAX_TOPIC)], render_kw={"rows": 3})

    def set_choices(self, user, team: Team, today: date) -> None:
        """Fill the farm and member lists for ``team`` as seen by ``user``; no day before today."""
        self.planned_on.render_kw = {"min": today.isoformat()}
        self.farm_id.choices = [placeholder(_l("Choose a farm"))] + farm_choices(user, team)
        self.member_ids.choices = [SelectChoice(m.id, m.name) for m in team.members]


class PlanFilterForm(Form):
    """Filters of the plan list (GET, no CSRF)."""

    team = SelectField(_l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    status = SelectField(
        _l("Status"), choices=enum_choices(PlanStatus, blank=_l("All")), default=""
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
