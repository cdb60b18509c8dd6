"""The weekly digest of a reviewer: sections composed by the functions of ``DIGEST_PARTS``.

A part is a function ``(user, start, end) -> DigestSection | None``: what happened in the
reviewer's area from ``start`` to ``end`` (inclusive local days), or None when it has nothing
to say. It runs under the reviewer's language. Add a part by appending it to ``DIGEST_PARTS``;
one that raises is logged and left out, the others still go out.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from core import rules
from core.extensions import db
from core.i18n import local_zone
from core.models import Area, Event, EventStatus, Role, Team, User, Visit, event_teams
from core.models.enums import label
from core.notifications import notify, path_for, user_locale
from core.permissions import team_scope, visit_scope
from core.services import rectifications

logger = logging.getLogger(__name__)

#: most lines a section lists before "and N more"
MAX_LINES = 15


@dataclass(frozen=True)
class DigestSection:
    """One section of a digest: a heading and lines of text."""

    title: str
    lines: tuple[str, ...]


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
    return DigestSection(_("New visits"), tuple(lines))


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
    return DigestSection(_("Rule flags"), _capped(lines)) if lines else None


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
    return DigestSection(_("Upcoming events"), _capped(lines))


def _event_in_area(user: User):
    """Events held in the reviewer's area, or organised by one of its teams."""
    if user.role == Role.ADMIN:
        return Event.id.is_not(None)
    area = user.area
    if area is None:
        return Event.id.is_(None)
    subtree = select(Area.id).where(Area.path.startswith(area.path, autoescape=True))
    teams = select(event_teams.c.event_id).where(
        event_teams.c.team_id.in_(select(Team.id).where(team_scope(user)))
    )
    return or_(Event.area_id.in_(subtree), Event.id.in_(teams))


#: the parts of every digest, in order; each ``(user, start, end) -> DigestSection | None``
DIGEST_PARTS: list[Callable[[User, date, date], DigestSection | None]] = [
    new_visits,
    rule_flags,
    upcoming_events,
]
DIGEST_PARTS.append(rectifications.digest_part)  # overdue rectification items


def compose(user: User, start: date, end: date) -> list[DigestSection]:
    """The sections of ``user``'s digest for ``start``..``end`` (parts with something to say)."""
    sections = []
    for part in DIGEST_PARTS:
        try:
            section = part(user, start, end)
        except Exception:  # one broken part must not cost the reviewer the others
            logger.exception("digest part %s failed", getattr(part, "__name__", part))
            db.session.rollback()
            continue
        if section is not None:
            sections.append(section)
    return sections


def as_text(sections: list[DigestSection]) -> str:
    """The digest as plain text: each heading, then its lines."""
    blocks = []
    for section in sections:
        blocks.append("\n".join([section.title, *(f"- {line}" for line in section.lines)]))
    return "\n\n".join(blocks)


def week_before(on: date) -> tuple[date, date]:
    """The seven days before ``on``: (``on`` - 7, ``on`` - 1)."""
    return on - timedelta(days=7), on - timedelta(days=1)


def send_weekly_digests(on: date | None = None) -> int:
    """Send every active reviewer with an area the digest of the week before ``on`` (today).

    Once per reviewer and week (the key names the week); a reviewer with nothing to read gets
    nothing. Returns how many digests were sent.
    """
    start, end = week_before(on or rules.today())
    reviewers = db.session.scalars(
        select(User)
        .where(User.role == Role.REVIEWER, User.active.is_(True), User.area_id.is_not(None))
        .order_by(User.id)
    ).all()
    sent = 0
    for user in reviewers:
        with user_locale(user):
            sections = compose(user, start, end)
            if not sections:
                continue
            subject = _(
                "Weekly digest, %(start)s to %(end)s",
                start=format_date(start, "medium"),
                end=format_date(end, "medium"),
            )
            body = as_text(sections)
        sent += notify(
            [user], subject, body, url=path_for("home.index"), key=f"digest:{start.isoformat()}"
        )
    return sent
