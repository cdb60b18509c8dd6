"""Forms of the visit pages: logging a visit (on a phone, in a field) and filtering the list.

WTForms checks types, required fields and the limits of ``core.services.visit_rules`` (the
day, the numbers, the lengths: the same as the service's and the API's); the rules that need
the database (a farm the user may use, members of the team) live in ``core.services.visits``.
"""

import re
import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from wtforms import (
    DateField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from core import rules
from core.extensions import db
from core.forms import NUMBER, MultiCheckboxField, enum_choices, optional_int, placeholder
from core.forms.choices import SEARCHABLE
from core.models import Assignment, Farm, Member, Team, VisitKind
from core.permissions import farm_scope
from core.services.visit_rules import (
    EARLIEST_VISIT_DAY,
    MAX_MATERIAL,
    MAX_REACHED,
    MAX_VISIT_TEXT,
    reached_message,
    too_long_message,
    visit_day_error,
)

CLIENT_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


#: what a number of people or households may be (the service's range and message)
REACHED = NumberRange(min=0, max=MAX_REACHED, message=reached_message(lazy=True))
REACHED_INPUT = NUMBER | {"max": MAX_REACHED}


def longest(limit: int) -> Length:
    """At most ``limit`` characters, with the service's message."""
    return Length(max=limit, message=too_long_message(limit, lazy=True))


def client_key(form: "VisitForm") -> str:
    """The form's idempotency key: the submitted one when well formed, else a fresh uuid4."""
    key = form.client_key.data or ""
    if not CLIENT_KEY.match(key):
        key = form.client_key.data = uuid.uuid4().hex
    return key


class TeamFarmForm(FlaskForm):
    """The team (fixed by the page, hidden) and the farm of a visit or a planned visit."""

    team_id = IntegerField(_l("Team"), widget=HiddenInput(), validators=[InputRequired()])
    farm_id = SelectField(
        _l("Farm"),
        coerce=optional_int,
        validate_choice=False,  # the service checks the farm against the user's scope
        validators=[InputRequired(message=_l("Choose a farm from the list."))],
        render_kw=SEARCHABLE,
    )


class VisitForm(TeamFarmForm):
    """Log or change a visit. ``team_id`` is fixed by the page (hidden)."""

    visited_on = DateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date of the visit."))]
    )
    kind = RadioField(
        _l("Kind of visit"),
        choices=enum_choices(VisitKind),
        validators=[InputRequired(message=_l("Choose what kind of visit it was."))],
    )
    people_reached = IntegerField(
        _l("People reached"),
        validators=[InputRequired(message=_l("Enter how many people were reached.")), REACHED],
        render_kw=REACHED_INPUT,
    )
    households_reached = IntegerField(
        _l("Households reached"),
        validators=[Optional(), REACHED],
        default=0,
        render_kw=REACHED_INPUT,
    )
    member_ids = MultiCheckboxField(_l("Members present"), coerce=int, choices=[])
    topics = TextAreaField(
        _l("Topics"), validators=[longest(MAX_VISIT_TEXT)], render_kw={"rows": 2}
    )
    material = StringField(
        _l("Material handed out"),
        validators=[longest(MAX_MATERIAL)],
        render_kw={"maxlength": MAX_MATERIAL},
    )
    questions = TextAreaField(
        _l("Questions raised"), validators=[longest(MAX_VISIT_TEXT)], render_kw={"rows": 2}
    )
    notes = TextAreaField(_l("Notes"), validators=[longest(MAX_VISIT_TEXT)], render_kw={"rows": 2})
    #: photos of the visit (工作留痕); ``image/*`` lets a phone offer its camera
    photos = MultipleFileField(_l("Photos"), render_kw={"accept": "image/*"})
    #: chosen when the form is first rendered and kept across re-renders (see ``client_key``)
    client_key = HiddenField()

    def validate_visited_on(self, field) -> None:
        """The service's rule and message: from ``EARLIEST_VISIT_DAY`` to today."""
        if field.data is not None:
            error = visit_day_error(field.data, rules.today())
            if error:
                raise ValidationError(error)

    def set_choices(self, user, team: Team, today: date) -> None:
        """Fill the farm and member lists for ``team`` as seen by ``user``; the date picker
        offers the days from ``EARLIEST_VISIT_DAY`` to today."""
        self.visited_on.render_kw = {
            "min": EARLIEST_VISIT_DAY.isoformat(),
            "max": today.isoformat(),
        }
        self.farm_id.choices = [placeholder(_l("Choose a farm"))] + farm_choices(user, team)
        self.member_ids.choices = [SelectChoice(m.id, m.name) for m in team.members]


def farm_choices(user, team: Team) -> list[SelectChoice]:
    """Farms ``user`` may use for ``team``: the team's assigned farms first, then its village's,
    then any other in scope (admins, reviewers), in optgroups.
    """
    farms = (
        db.session.execute(
            select(Farm)
            .where(Farm.deleted_at.is_(None), farm_scope(user))
            .order_by(Farm.name, Farm.id)
        )
        .scalars()
        .all()
    )
    assigned = set(
        db.session.execute(
            select(Assignment.farm_id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Member.team_id == team.id, Member.deleted_at.is_(None))
        ).scalars()
    )
    groups: dict[int, list[SelectChoice]] = {0: [], 1: [], 2: []}
    names = {0: _l("Farms of the team"), 1: _l("Other farms of the village"), 2: _l("Other farms")}
    for farm in farms:
        rank = 0 if farm.id in assigned else 1 if farm.village_id == team.village_id else 2
        groups[rank].append(SelectChoice(farm.id, farm.name, optgroup=names[rank]))
    return groups[0] + groups[1] + groups[2]


class TeamChoiceForm(Form):
    """An administrator first chooses the team a visit is logged for (GET)."""

    team = SelectField(_l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)


class VisitFilterForm(Form):
    """Filters of the visit list (GET, no CSRF)."""

    team = SelectField(_l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    farm = SelectField(_l("Farm"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    kind = SelectField(
        _l("Kind"), choices=enum_choices(VisitKind, blank=_l("All kinds")), default=""
    )
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    photos = SelectField(
        _l("Photos"),
        choices=[
            SelectChoice("", _l("With or without photos")),
            SelectChoice("y", _l("With photos")),
        ],
        default="",
    )
