"""The sources' rules, computed and shown, never enforced by refusing data.

- a team should have at least ``MIN_TEAM_SIZE`` (10) members;
- each member should be linked to ``FARMS_PER_MEMBER_MIN``..``FARMS_PER_MEMBER_MAX`` (1..2) farms;
- a farm not visited for ``STALE_FARM_DAYS`` (90) is stale.

Each function takes a set of ids and answers with one aggregate query, so lists of any length
cost a fixed number of queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, func, select

from core.database import read_rows
from core.dates import local_zone
from core.extensions import db
from core.models import Assignment, Farm, Member, Visit


def thresholds() -> dict[str, int]:
    """The configured thresholds."""
    cfg = current_app.config
    return {
        "min_team_size": int(cfg["MIN_TEAM_SIZE"]),
        "farms_min": int(cfg["FARMS_PER_MEMBER_MIN"]),
        "farms_max": int(cfg["FARMS_PER_MEMBER_MAX"]),
        "stale_farm_days": int(cfg["STALE_FARM_DAYS"]),
    }


def today() -> date:
    """Today's date in the configured time zone: the one every page, service and job reads
    (tests fix the day by replacing ``core.rules.today``)."""
    return datetime.now(local_zone()).date()


def member_counts(team_ids: Iterable[int]) -> dict[int, int]:
    """Live members per team."""
    ids = list(team_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Member.team_id, func.count(Member.id))
        .where(Member.team_id.in_(ids), Member.deleted_at.is_(None))
        .group_by(Member.team_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({team_id: n for team_id, n in rows})
    return counts


def farm_counts(member_ids: Iterable[int]) -> dict[int, int]:
    """Live farms assigned per member."""
    ids = list(member_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Assignment.member_id, func.count(Assignment.id))
        .join(Farm, Farm.id == Assignment.farm_id)
        .where(Assignment.member_id.in_(ids), Farm.deleted_at.is_(None))
        .group_by(Assignment.member_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({member_id: n for member_id, n in rows})
    return counts


def last_visits(farm_ids: Iterable[int], on: date | None = None) -> dict[int, date | None]:
    """The date of the last visit per farm (None when never visited); with ``on``, the last
    visit on or before that day."""
    ids = list(farm_ids)
    if not ids:
        return {}
    query = select(Visit.farm_id, func.max(Visit.visited_on)).where(Visit.farm_id.in_(ids))
    if on is not None:
        query = query.where(Visit.visited_on <= on)
    rows = db.session.execute(query.group_by(Visit.farm_id))
    last: dict[int, date | None] = dict.fromkeys(ids)
    last.update({farm_id: day for farm_id, day in rows})
    return last


def is_stale(last_visit: date | None, on: date | None = None) -> bool:
    """True when a farm last visited on ``last_visit`` counts as stale on ``on`` (today)."""
    if last_visit is None:
        return True
    limit = thresholds()["stale_farm_days"]
    return ((on or today()) - last_visit) > timedelta(days=limit)


def farm_count_flag(count: int, t: dict | None = None) -> str | None:
    """'none' for a member without farms, 'too_many' above the maximum, else None (``t``: the
    thresholds when the caller has them already)."""
    t = t or thresholds()
    if count < t["farms_min"]:
        return "none"
    if count > t["farms_max"]:
        return "too_many"
    return None


@dataclass
class TeamFlags:
    """What a team's page and the lists show about the rules."""

    size: int = 0
    undersized: bool = False
    members_without_farms: list[int] = field(default_factory=list)
    members_over_limit: list[int] = field(default_factory=list)
    stale_farms: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many problems the team has."""
        return (
            int(self.undersized)
            + len(self.members_without_farms)
            + len(self.members_over_limit)
            + len(self.stale_farms)
        )


def flags_of(farms_per_member: dict[int, int], stale_farms: Iterable[int]) -> TeamFlags:
    """One team's flags from what a page has loaded already: each live member's number of
    live farms, and the team's stale farms (the same rules as :func:`team_flags`)."""
    t = thresholds()
    flags = TeamFlags(size=len(farms_per_member), stale_farms=sorted(stale_farms))
    flags.undersized = flags.size < t["min_team_size"]
    for member_id, farms in sorted(farms_per_member.items()):
        flag = farm_count_flag(farms, t)
        if flag == "none":
            flags.members_without_farms.append(member_id)
        elif flag == "too_many":
            flags.members_over_limit.append(member_id)
    return flags


def team_flags(team_ids: Iterable[int]) -> dict[int, TeamFlags]:
    """Flags of every team in ``team_ids``, in two queries whatever their number: the live
    members with their live farms counted, and the teams' farms with their last visit."""
    ids = list(team_ids)
    t = thresholds()
    flags = {team_id: TeamFlags() for team_id in ids}
    if not ids:
        return flags
    for member_id, team_id, farms in read_rows(_MEMBER_FARM_COUNTS(), {"team_ids": ids}):
        flags[team_id].size += 1
        flag = farm_count_flag(farms, t)
        if flag == "none":
            flags[team_id].members_without_farms.append(member_id)
        elif flag == "too_many":
            flags[team_id].members_over_limit.append(member_id)
    for team_flag in flags.values():
        team_flag.undersized = team_flag.size < t["min_team_size"]
    for farm_id, team_id, last_visit in read_rows(_TEAM_FARMS_LAST_VISIT(), {"team_ids": ids}):
        if is_stale(last_visit):
            flags[team_id].stale_farms.append(farm_id)
    return flags


@cache
def _MEMBER_FARM_COUNTS():  # noqa: N802 - a constant built on first use
    """Each live member of the teams ``:team_ids`` with the number of its live farms (built
    once: building a statement costs as much as running a small one; run without the ORM)."""
    live_farm = and_(Farm.id == Assignment.farm_id, Farm.deleted_at.is_(None))
    return (
        select(Member.id, Member.team_id, func.count(Farm.id))
        .outerjoin(Assignment, Assignment.member_id == Member.id)
        .outerjoin(Farm, live_farm)
        .where(
            Member.team_id.in_(bindparam("team_ids", expanding=True)),
            Member.deleted_at.is_(None),
        )
        .group_by(Member.id, Member.team_id)
        .order_by(Member.id)
    )


@cache
def _TEAM_FARMS_LAST_VISIT():  # noqa: N802 - a constant built on first use
    """Each live farm assigned to a live member of the teams ``:team_ids``, with its last
    visit (None: never visited), once per team."""
    last_visit = (
        select(func.max(Visit.visited_on))
        .where(Visit.farm_id == Assignment.farm_id, Visit.deleted_at.is_(None))
        .correlate(Assignment)
        .scalar_subquery()
    )
    return (
        select(Assignment.farm_id, Member.team_id, last_visit)
        .join(Member, Member.id == Assignment.member_id)
        .join(Farm, Farm.id == Assignment.farm_id)
        .where(
            Member.team_id.in_(bindparam("team_ids", expanding=True)),
            Member.deleted_at.is_(None),
            Farm.deleted_at.is_(None),
        )
        .distinct()
        .order_by(Assignment.farm_id)
    )
