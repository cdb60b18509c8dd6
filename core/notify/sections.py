"""The core's sections of a reviewer's weekly digest: new visits, rule flags, upcoming events
and overdue rectifications.

Each is a part ``(user, start, end) -> DigestSection | None``: what happened in the reviewer's
area from ``start`` to ``end`` (inclusive local days), or None when it has nothing to say. They
run under the reviewer's language; :data:`core.notify.digest.DIGEST_PARTS` puts them in order.
"""

from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from core import rules
from core.contracts import DigestSection
from core.dates import local_zone
from core.extensions import db
from core.models import Area, Event, EventStatus, Role, Team, User, Visit, event_teams
from core.models.enums import label
from core.permissions import team_scope, visit_scope
from core.services.rectifications import overdue_rectifications

#: most lines a section lists before "and N more"
MAX_LINES = 15


def _capped(lines: list[str]) -> tuple[str, ...]:
    """At most ``MAX_LINES`` lines, then a line saying how many were left out."""
    if len(lines) <= MAX_LINES:
        return tuple(lines)
    rest = len(lines) - MAX_LINES
    return (*lines[:MAX_LINES], ngettext("… and %(num)s more", "… and %(num)s more", rest))


def new_visits(user: User, start: date, end: date) -> DigestSection | None:
    """The visits logged for days ``start``..``end`` in the area: totals and kinds."""
    rows = db.session.execute(
        select(Visit.kind, func.count(Visit.id), func.sum(Visit.people_reached))
        .where(visit_scope(user), Visit.visited_on.between(start, end))
        .group_by(Visit.kind)
    ).all()
    if not rows:
        return None
    visits = sum(n for _kind, n, _people in rows)
    people = sum(p or 0 for _kind, _n, p in rows)
    lines = [
        ngettext(
            "%(num)s visit, %(people)s people reached",
            "%(num)s visits, %(people)s people reached",
            visits,
            people=people,
        )
    ]
    lines += [f"{label(kind)}: {n}" for kind, n, _people in sorted(rows, key=lambda r: -r[1])]
    return DigestSection(_("New visits"), tuple(lines), order=10)


def rule_flags(user: User, start: date, end: date) -> DigestSection | None:
    """The teams of the area that break a rule now (size, farms per member, stale farms)."""
    teams = dict(
        db.session.execute(
            select(Team.id, Team.name)
            .where(team_scope(user), Team.deleted_at.is_(None))
            .order_by(Team.name, Team.id)
        )
        .tuples()
        .all()
    )
    flags = rules.team_flags(teams)
    t = rules.thresholds()
    lines = []
    for team_id, name in teams.items():
        f = flags[team_id]
        problems = []
        if f.undersized:
            problems.append(
                _("%(n)s members (fewer than %(min)s)", n=f.size, min=t["min_team_size"])
            )
        if f.members_without_farms:
            problems.append(
                ngettext(
                    "%(num)s member without a farm",
                    "%(num)s members without a farm",
                    len(f.members_without_farms),
                )
            )
        if f.members_over_limit:
            problems.append(
                ngettext(
                    "%(num)s member with more than %(max)s farms",
                    "%(num)s members with more than %(max)s farms",
                    len(f.members_over_limit),
                    max=t["farms_max"],
                )
            )
        if f.stale_farms:
            problems.append(
                ngettext(
                    "%(num)s farm not visited for %(days)s days",
                    "%(num)s farms not visited for %(days)s days",
                    len(f.stale_farms),
                    days=t["stale_farm_days"],
                )
            )
        if problems:
            lines.append(f"{name}: {'; '.join(problems)}")
    return DigestSection(_("Rule flags"), _capped(lines), order=20) if lines else None


def upcoming_events(user: User, start: date, end: date) -> DigestSection | None:
    """Scheduled events of the area in the seven days after ``end``."""
    zone = local_zone()
    first = datetime.combine(end + timedelta(days=1), time.min, zone)
    last = first + timedelta(days=7)
    events = db.session.scalars(
        select(Event)
        .where(
            Event.deleted_at.is_(None),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= first,
            Event.starts_at < last,
            _event_in_area(user),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    if not events:
        return None
    lines = []
    for event in events:
        when = (
            format_date(event.starts_at.astimezone(zone).date(), "medium")
            if event.all_day
            else format_datetime(event.starts_at, "short")
        )
        place = f" — {event.place}" if event.place else ""
        lines.append(f"{when} {event.title}{place}")
    return DigestSection(_("Upcoming events"), _capped(lines), order=30)


def _event_in_area(user: User):
    """Events held in the reviewer's area, or organised by one of its teams."""
    if user.role == Role.ADMIN:
        return Event.id.is_not(None)
    area = user.area
    if area is None:
        return Event.id.is_(None)
    teams = select(event_teams.c.event_id).where(
        event_teams.c.team_id.in_(select(Team.id).where(team_scope(user)))
    )
    return or_(Event.area_id.in_(Area.subtree_ids(area)), Event.id.in_(teams))


def overdue_items(user: User, start: date, end: date) -> DigestSection | None:
    """The rectification items of the area that are overdue.

    ``start`` and ``end`` are unused: an overdue item is listed every week until it is done.
    """
    items = overdue_rectifications(user)
    if not items:
        return None
    lines = [
        _(
            "%(unit)s: %(what)s (deadline %(day)s)",
            unit=item.unit_name,
            what=item.title or item.requirement[:60],
            day=format_date(item.deadline),
        )
        for item in items
    ]
    return DigestSection(_("Overdue rectifications"), _capped(lines), order=40)
