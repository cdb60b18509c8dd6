"""Forms of the event and campaign pages.

Start and end are entered as local dates and times in the configured zone; ``EventForm``
turns them into aware datetimes. An all-day event runs from midnight of its first day to
midnight after its last (an exclusive end, as calendars expect).
"""

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.dates import local_zone, to_local
from core.forms import MultiCheckboxField, enum_choices, optional_int
from core.forms.choices import SEARCHABLE
from core.models import CampaignKind, Event, EventStatus, VenueKind
from core.models.events import CAMPAIGN_YEARS

#: service field names -> form field names
EVENT_FIELDS = {"starts_at": "start_date", "ends_at": "end_date"}


class EventForm(FlaskForm):
    """Create or change an outreach event."""

    title = StringField(
        _l("Title"), validators=[InputRequired(message=_l("Enter a title.")), Length(max=200)]
    )
    campaign_id = SelectField(_l("Campaign"), coerce=optional_int, validate_choice=False)
    venue_kind = SelectField(
        _l("Venue"),
        choices=enum_choices(VenueKind, blank=_l("Choose a venue")),
        validators=[InputRequired(message=_l("Choose one of the five venues."))],
    )
    place = StringField(_l("Place"), validators=[Length(max=200)])
    area_id = SelectField(_l("Area"), coerce=optional_int, validate_choice=False)
    all_day = BooleanField(_l("All day"))
    start_date = DateField(
        _l("Start date"), validators=[InputRequired(message=_l("Enter the start date."))]
    )
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    team_ids = MultiCheckboxField(
        _l("Organising teams"), coerce=int, choices=[], validate_choice=False
    )
    description = TextAreaField(_l("Details"), validators=[Length(max=5000)])
    status = SelectField(
        _l("Status"), choices=enum_choices(EventStatus), default=EventStatus.SCHEDULED.value
    )

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then: times are needed unless the event takes whole days."""
        valid = super().validate(extra_validators)
        if not self.all_day.data:
            for f, message in (
                (self.start_time, _l("Enter a start time, or tick “All day”.")),
                (self.end_time, _l("Enter an end time, or tick “All day”.")),
            ):
                if f.data is None and not f.errors:
                    f.errors = [*f.errors, message]
                    valid = False
        return valid

    def instants(self) -> tuple[datetime | None, datetime | None]:
        """The aware start and end of a validated form (the end date defaults to the start's)."""
        zone = local_zone()
        first: date = self.start_date.data
        last: date = self.end_date.data or first
        if self.all_day.data:
            return (
                datetime.combine(first, time(0), tzinfo=zone),
                datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
            )
        return (
            datetime.combine(first, self.start_time.data, tzinfo=zone),
            datetime.combine(last, self.end_time.data, tzinfo=zone),
        )

    def load(self, event: Event) -> None:
        """Fill the date and time fields from ``event`` (shown in the configured zone)."""
        start, end = to_local(event.starts_at), to_local(event.ends_at)
        self.start_date.data, self.start_time.data = start.date(), start.time()
        if event.all_day:
            self.end_date.data = (
                (end - timedelta(days=1)).date() if end.time() == time(0) else end.date()
            )
            self.start_time.data = None
        else:
            self.end_date.data, self.end_time.data = end.date(), end.time()
        self.team_ids.data = [team.id for team in event.teams]


class EventFilterForm(Form):
    """Filters of the event list (GET, no CSRF)."""

    campaign = SelectField(_l("Campaign"), coerce=optional_int, validate_choice=False)
    venue = SelectField(
        _l("Venue"), choices=enum_choices(VenueKind, blank=_l("All venues")), default=""
    )
    team = SelectField(_l("Team"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    status = SelectField(
        _l("Status"), choices=enum_choices(EventStatus, blank=_l("Any status")), default=""
    )
    past = BooleanField(_l("Show past events too"))
    date_from = DateField(_l("Starting from"), validators=[Optional()])
    date_to = DateField(_l("Starting until"), validators=[Optional()])


class CampaignForm(FlaskForm):
    """Create or change a campaign (administrators)."""

    name = StringField(
        _l("Name"), validators=[InputRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    kind = SelectField(_l("Kind"), choices=enum_choices(CampaignKind))
    year = IntegerField(
        _l("Year"),
        validators=[InputRequired(message=_l("Enter the year.")), NumberRange(*CAMPAIGN_YEARS)],
        render_kw={"inputmode": "numeric"},
    )
    starts_on = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day."))]
    )
    ends_on = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])

    def validate_ends_on(self, field) -> None:
        """The last day is not before the first."""
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day must not be before the first."))
