"""The core's scheduled jobs (declared in :mod:`core.defaults`): reminders, flags, digest, email.

Each job is safe to run again at any time: what it sends carries a dedupe key
(:func:`core.notify.inbox.notify`), so nobody is told the same thing twice.
"""

from datetime import date, datetime, time, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import rules
from core.contracts import JobSpec
from core.dates import local_zone
from core.extensions import db
from core.models import Assignment, Event, EventStatus, Farm, Member, Role, Team, User
from core.notify.digest import send_weekly_digests
from core.notify.email import send_pending_emails
from core.notify.inbox import notify, path_for


def remind_event_teams(on: date | None = None) -> int:
    """Remind the users of each organising team of the events starting the day after ``on``.

    Leaders and members of the event's teams are told once per event revision: an event
    edited after its reminder (its revision rose) is announced again. Returns how many
    notifications were made.
    """
    zone = local_zone()
    tomorrow = (on or rules.today()) + timedelta(days=1)
    first = datetime.combine(tomorrow, time.min, zone)
    events = db.session.scalars(
        select(Event)
        .where(
            Event.deleted_at.is_(None),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= first,
            Event.starts_at < first + timedelta(days=1),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    made = 0
    for event in events:
        team_ids = [team.id for team in event.teams if team.deleted_at is None]
        if not team_ids:
            continue
        users = db.session.scalars(
            select(User)
            .where(
                User.team_id.in_(team_ids),
                User.active.is_(True),
                User.role.in_([Role.LEADER, Role.MEMBER]),
            )
            .order_by(User.id)
        ).all()
        made += notify(
            users,
            lambda user, event=event: _("Tomorrow: %(title)s", title=event.title),
            lambda user, event=event: _event_text(event),
            url=path_for("events.detail", event_id=event.id),
            key=f"event-reminder:{event.id}:{event.revision}",
        )
    return made


def _event_text(event: Event) -> str:
    """When and where an event takes place, in the current language."""
    text = _(
        "%(title)s starts %(when)s.",
        title=event.title,
        when=format_datetime(event.starts_at, "short"),
    )
    if event.place:
        text += " " + _("Place: %(place)s", place=event.place)
    return text


def flag_stale_farms(on: date | None = None) -> int:
    """Tell the leaders of the teams assigned to each stale farm, once per staleness period.

    A farm is stale by :func:`core.rules.is_stale` (``STALE_FARM_DAYS`` without a visit). The
    period is named by the farm's last visit, so a farm visited and then stale again is
    flagged again. Returns how many notifications were made.
    """
    on = on or rules.today()
    rows = db.session.execute(
        select(Assignment.farm_id, Member.team_id)
        .join(Member, Member.id == Assignment.member_id)
        .join(Farm, Farm.id == Assignment.farm_id)
        .join(Team, Team.id == Member.team_id)
        .where(Member.deleted_at.is_(None), Farm.deleted_at.is_(None), Team.deleted_at.is_(None))
        .distinct()
    ).all()
    teams_of: dict[int, set[int]] = {}
    for farm_id, team_id in rows:
        teams_of.setdefault(farm_id, set()).add(team_id)
    last = rules.last_visits(teams_of)
    stale = sorted(farm_id for farm_id in teams_of if rules.is_stale(last[farm_id], on))
    if not stale:
        return 0
    farms = {farm.id: farm for farm in db.session.scalars(select(Farm).where(Farm.id.in_(stale)))}
    leaders = db.session.scalars(
        select(User)
        .where(
            User.role == Role.LEADER,
            User.active.is_(True),
            User.team_id.in_({t for f in stale for t in teams_of[f]}),
        )
        .order_by(User.id)
    ).all()
    days = rules.thresholds()["stale_farm_days"]
    made = 0
    for farm_id in stale:
        farm, since = farms[farm_id], last[farm_id]
        made += notify(
            [user for user in leaders if user.team_id in teams_of[farm_id]],
            lambda user, farm=farm: _(
                "Farm not visited for %(days)s days: %(name)s", days=days, name=farm.name
            ),
            lambda user, farm=farm, since=since: (
                _("%(name)s was last visited on %(day)s.", name=farm.name, day=since.isoformat())
                if since
                else _("%(name)s has never been visited.", name=farm.name)
            ),
            url=path_for("farms.detail", farm_id=farm.id),
            key=f"stale-farm:{farm.id}:{since.isoformat() if since else 'never'}",
        )
    return made


def weekly_digest() -> None:
    """The weekly job: the reviewers' digests of the week before today."""
    send_weekly_digests()


def send_emails() -> None:
    """The email job: send the notifications not emailed yet (when SMTP is configured)."""
    send_pending_emails()


def core_jobs() -> list[JobSpec]:
    """The core's jobs and their triggers (in the configured time zone)."""
    return [
        JobSpec(
            "event_reminders",
            remind_event_teams,
            "cron",
            {"hour": "7-21", "minute": 0},
            _l("Remind the organising teams of tomorrow's events"),
        ),
        JobSpec(
            "stale_farms",
            flag_stale_farms,
            "cron",
            {"hour": 7, "minute": 30},
            _l("Tell team leaders about farms not visited for STALE_FARM_DAYS"),
        ),
        JobSpec(
            "weekly_digest",
            weekly_digest,
            "cron",
            {"day_of_week": "mon", "hour": 7, "minute": 0},
            _l("Send reviewers the weekly digest of their area"),
        ),
        JobSpec(
            "send_emails",
            send_emails,
            "interval",
            {"minutes": 2},
            _l("Email the notifications not emailed yet (when SMTP is configured)"),
            misfire_grace_time=300,
        ),
    ]
