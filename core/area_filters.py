"""The ``area`` filter of the list pages (visits, events, teams, farms), used by the review's
links: "the records of the teams of this area". Area names are public; each list still
applies its own permission scope, so the filter can only narrow what a user sees."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from core.dates import local_zone
from core.extensions import db
from core.models import Area, Assignment, Farm, Member, Team

#: the largest id a filter accepts (a 32-bit INTEGER column on every engine)
MAX_ID = 2**31 - 1


def id_arg(args: Mapping[str, str], name: str) -> int | None:
    """A positive id query argument, or None when absent, malformed or out of range."""
    value = args.get(name, "")
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        return None
    return int(value)


def area_arg(args: Mapping[str, str], name: str = "area") -> Area | None:
    """The area whose id is ``args[name]``; None when absent or unknown (ignored, like every
    bad filter value)."""
    ident = id_arg(args, name)
    return None if ident is None else db.session.get(Area, ident)


def day_arg(args: Mapping[str, str], name: str) -> date | None:
    """A ``YYYY-MM-DD`` query argument, or None when absent or malformed."""
    try:
        return date.fromisoformat(args.get(name, ""))
    except ValueError:
        return None


def day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """Aware instants of local midnight starting ``first`` and ending ``last`` (exclusive;
    ``last`` defaults to ``first``)."""
    zone = local_zone()
    return (
        datetime.combine(first, time.min, zone),
        datetime.combine((last or first) + timedelta(days=1), time.min, zone),
    )


def teams_of(area: Area) -> Select:
    """The ids of the teams whose village lies in ``area``."""
    return select(Team.id).where(Team.village_id.in_(Area.subtree_ids(area)))


def farms_assigned_to_teams(teams: Select) -> Select:
    """The ids of the farms linked to live members of ``teams``."""
    return (
        select(Assignment.farm_id)
        .join(Member, Member.id == Assignment.member_id)
        .where(Member.deleted_at.is_(None), Member.team_id.in_(teams))
    )


def farms_in(area: Area) -> Select:
    """The ids of the farms located in ``area``."""
    return select(Farm.id).where(Farm.village_id.in_(Area.subtree_ids(area)))
