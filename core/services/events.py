"""Creating, changing and cancelling outreach events."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Area, Campaign, Event, EventStatus, Role, Team, User, VenueKind
from core.permissions import can_edit_event, is_admin, may_create_events, may_organise_for
from core.services import FieldErrors, check_one_line


@dataclass
class EventInput:
    """What a page or API call submits for an event. Datetimes must be time-zone aware."""

    title: str
    venue_kind: VenueKind | str | None
    starts_at: datetime | None
    ends_at: datetime | None
    place: str = ""
    campaign_id: int | None = None
    area_id: int | None = None
    team_ids: list[int] = field(default_factory=list)
    description: str = ""
    all_day: bool = False
    status: EventStatus | str = EventStatus.SCHEDULED


def _foreign_teams(user: User, teams: list[Team], current: set[int]) -> bool:
    """True when a leader names a team outside their township (neighbours co-organise) that
    does not already organise the event (``current``: its organisers' ids)."""
    if is_admin(user):
        return False
    own = user.team
    township = own.village.parent_id if own is not None and own.village is not None else None
    return any(
        team.id not in current
        and team.id != user.team_id
        and (township is None or team.village is None or team.village.parent_id != township)
        for team in teams
    )


def _check(
    user: User, data: EventInput, current: set[int] | None = None, kept_area: int | None = None
) -> tuple[Campaign | None, Area | None, list[Team]]:
    """Validate ``data`` for ``user``; ``current``: the ids of the event's present organisers,
    ``kept_area``: its present area (a reviewer keeps it even when it lies outside theirs)."""
    errors: dict[str, list[str]] = {}
    if not (data.title or "").strip():
        errors["title"] = [_("Enter a title.")]
    elif len(data.title) > 200:
        errors["title"] = [_("Use at most %(n)s characters.", n=200)]
    check_one_line(errors, "title", (data.title or "").strip())
    try:
        VenueKind(data.venue_kind)
    except ValueError:
        errors["venue_kind"] = [_("Choose one of the five venues.")]
    try:
        EventStatus(data.status)
    except ValueError:
        errors["status"] = [_("Choose scheduled or cancelled.")]
    for name in ("starts_at", "ends_at"):
        value = getattr(data, name)
        if value is None:
            errors[name] = [_("Enter a date and time.")]
        elif value.tzinfo is None:
            errors[name] = [_("Give the time with its time zone.")]
    if "starts_at" not in errors and "ends_at" not in errors and data.ends_at <= data.starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    campaign = db.session.get(Campaign, data.campaign_id) if data.campaign_id else None
    if data.campaign_id and campaign is None:
        errors["campaign_id"] = [_("Choose an existing campaign.")]
    area = db.session.get(Area, data.area_id) if data.area_id else None
    if data.area_id and area is None:
        errors["area_id"] = [_("Choose an existing area.")]
    ids = set(data.team_ids or [])
    if user.role == Role.LEADER and user.team_id is not None:
        ids.add(user.team_id)  # a leader's events are always their own team's
    teams = (
        list(
            db.session.execute(
                select(Team).where(Team.id.in_(ids), Team.deleted_at.is_(None))
            ).scalars()
        )
        if ids
        else []
    )
    if len(teams) != len(ids):
        errors["team_ids"] = [_("Choose existing teams.")]
    elif not is_admin(user) and not teams:
        errors["team_ids"] = [_("Choose the organising team.")]
    elif user.role == Role.REVIEWER:
        if not all(may_organise_for(user, team) for team in teams):
            errors["team_ids"] = [_("Choose teams inside your own area.")]
    elif _foreign_teams(user, teams, current or set()):
        errors["team_ids"] = [_("Choose teams of your own township.")]
    if (
        area is not None
        and area.id != kept_area
        and user.role == Role.REVIEWER
        and (user.area is None or not user.area.contains(area))
    ):
        errors["area_id"] = [_("Choose an area inside your own.")]
    if errors:
        raise FieldErrors(errors)
    return campaign, area, teams


def _apply(event: Event, data: EventInput, campaign, area, teams) -> None:
    event.title = data.title.strip()
    event.venue_kind = VenueKind(data.venue_kind)
    event.place = (data.place or "").strip()
    event.starts_at, event.ends_at = data.starts_at, data.ends_at
    event.all_day = bool(data.all_day)
    event.description = (data.description or "").strip()
    event.status = EventStatus(data.status)
    event.campaign, event.area, event.teams = campaign, area, teams
    if event.area is None and teams:
        event.area = teams[0].village


def create_event(user: User, data: EventInput) -> Event:
    """Create an event; a leader's event is organised by their own team, a reviewer's by
    teams inside their area."""
    if not may_create_events(user):
        raise FieldErrors(
            {"team_ids": [_("Only team leaders, reviewers and administrators create events.")]}
        )
    campaign, area, teams = _check(user, data)
    event = Event(created_by_id=user.id)
    _apply(event, data, campaign, area, teams)
    db.session.add(event)
    db.session.commit()
    return event


def update_event(user: User, event: Event, data: EventInput) -> Event:
    """Change an event (revision and calendar SEQUENCE rise)."""
    campaign, area, teams = _check(user, data, {team.id for team in event.teams}, event.area_id)
    _apply(event, data, campaign, area, teams)
    if not can_edit_event(user, event):
        db.session.rollback()
        if user.role == Role.REVIEWER:
            raise FieldErrors({"team_ids": [_("Choose teams inside your own area.")]})
        raise FieldErrors({"team_ids": [_("Your team must stay among the organisers.")]})
    db.session.commit()
    return event


def cancel_event(event: Event) -> Event:
    """Mark an event cancelled; it stays in feeds so calendars drop it."""
    event.status = EventStatus.CANCELLED
    db.session.commit()
    return event


#: what an organising team is told about: the event was cancelled, or moved
CANCELLED, MOVED = "cancelled", "moved"


def schedule_of(event: Event) -> tuple:
    """What a change of the event is compared on: status, times and place."""
    return (event.status, event.starts_at, event.ends_at, event.place)


def what_changed(before: tuple, event: Event) -> str | None:
    """``CANCELLED``, ``MOVED`` (another time or place) or None, from :func:`schedule_of`
    taken before the change."""
    if event.status == EventStatus.CANCELLED:
        return CANCELLED if before[0] != EventStatus.CANCELLED else None
    return MOVED if before[1:] != schedule_of(event)[1:] else None


def delete_event(event: Event, user: User | None) -> None:
    """Soft-delete an event: gone from lists, kept for history with who deleted it."""
    event.soft_delete(user)
    db.session.commit()
