"""The review's figures per team, computed with a fixed number of SQL aggregate queries.

Nothing here loops over visit, farm or member rows in Python: each query groups by team (or by
month, campaign or venue) in the database, so the cost in queries is the same for a village
and a province. Periods are local days ``start``..``end``, both included.

Definitions, shared by the page, the exports, the API and the other review features:

- members: live members of the team; ``members_without_farms`` / ``members_over_max`` count
  members linked to fewer than ``FARMS_PER_MEMBER_MIN`` / more than ``FARMS_PER_MEMBER_MAX``
  live farms;
- farms assigned: distinct live farms linked to the team's live members; stale: of those, the
  farms whose last visit (by any team) on or before the *reference day* ``min(end, today)`` is
  more than ``STALE_FARM_DAYS`` before it, or that were never visited (as :func:`rules.is_stale`),
  i.e. the farms without a visit from the cutoff to the reference day;
- visits, people, households, visits by kind, farms visited: visits of the team in the period;
- visits with photos: of those, the visits with at least one live photo (工作留痕);
- events held: live events the team organises, not cancelled, starting in the period and not
  after the reference day (future events are scheduled, not held);
- last activity: the team's last visit or held event on or before the reference day.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, func, or_, select

from core import rules
from core.area_filters import day_bounds
from core.dates import local_zone
from core.extensions import db
from core.models import (
    Area,
    Assignment,
    Campaign,
    Event,
    EventStatus,
    Farm,
    Member,
    Team,
    Visit,
    VisitKind,
    VisitPhoto,
    event_teams,
)


@dataclass(frozen=True)
class TeamFigures:
    """What the review shows about one team for one period."""

    team_id: int
    team_name: str
    area_id: int | None
    area_name: str
    members: int
    meets_min_size: bool
    members_without_farms: int
    members_over_max: int
    farms_assigned: int
    farms_visited: int
    farms_stale: int
    #: VisitKind value -> number of visits in the period (every kind present, 0 when none)
    visits_by_kind: Mapping[str, int]
    visits: int
    #: of the visits, those with at least one photo
    visits_with_photos: int
    people_reached: int
    households_reached: int
    #: events of the team in the period, not cancelled (see the module docstring)
    events_held: int
    #: last visit or held event on or before the reference day
    last_activity: date | None


def reference_day(end: date) -> date:
    """The day staleness and "held" are judged on: the period's end, or today if earlier."""
    return min(end, rules.today())


def stale_cutoff(end: date) -> date:
    """A farm whose last visit is before this day (or that has none) is stale."""
    return reference_day(end) - timedelta(days=rules.thresholds()["stale_farm_days"])


def subtree_teams(area: Area) -> Select:
    """The ids of the live teams of ``area``'s subtree."""
    return select(Team.id).where(
        Team.deleted_at.is_(None), Team.village_id.in_(Area.subtree_ids(area))
    )


def assigned_pairs(teams: Select, end: date):
    """Distinct (team_id, farm_id, stale) of live farms linked to live members of ``teams``,
    ``stale`` as :func:`stale` for a period ending on ``end`` (judged once per pair)."""
    return (
        select(
            Member.team_id.label("team_id"),
            Assignment.farm_id.label("farm_id"),
            stale(Assignment.farm_id, end).label("stale"),
        )
        .join(Assignment, Assignment.member_id == Member.id)
        .join(Farm, and_(Farm.id == Assignment.farm_id, Farm.deleted_at.is_(None)))
        .where(Member.deleted_at.is_(None), Member.team_id.in_(teams))
        .distinct()
        .subquery("pairs")
    )


def stale(farm_id_column, end: date):
    """True for a farm not visited (by any team) between the stale cutoff and the reference
    day: one probe of ``ix_visits_farm_date`` per farm, so that the cost follows the area's
    farms (a township reads its own farms' visits, not the province's last 90 days)."""
    return ~(
        select(Visit.id)
        .where(
            Visit.farm_id == farm_id_column,
            Visit.visited_on >= stale_cutoff(end),
            Visit.visited_on <= reference_day(end),
        )
        .exists()
    )


def whole_tree(area: Area) -> bool:
    """True for a top-level area, whose review reads most of the period's visits."""
    return area.parent_id is None


def of_teams(team_column, teams: Select, area: Area):
    """WHERE clause keeping the rows of ``teams`` (the live teams of ``area``'s subtree).

    Below the top, ``team_column IN teams``: the planner can read only those teams' rows
    (``ix_visits_team_date``). For a top-level area that semi-join would probe a hash for each
    of the period's visits and cost as much as the aggregate itself, although it usually keeps
    them all; so the test is "no team lies outside the area (an uncorrelated NOT EXISTS, run
    once) OR team_column IN teams": when the area holds every team, no visit is probed."""
    if not whole_tree(area):
        return team_column.in_(teams)
    outside = select(Team.id).where(Team.id.not_in(teams))
    return or_(~outside.exists(), team_column.in_(teams))


def visited_pairs(ours, start: date, end: date):
    """Distinct (team_id, farm_id) of the period's visits, of every team (``ours`` None) or of
    the teams kept by the WHERE clause ``ours`` (see :func:`of_teams`)."""
    query = select(Visit.team_id.label("team_id"), Visit.farm_id.label("farm_id")).where(
        Visit.visited_on >= start, Visit.visited_on <= end
    )
    if ours is not None:
        query = query.where(ours)
    return query.distinct().subquery("visited")


def held_events(teams: Select, start: date, end: date) -> list:
    """WHERE clauses of live, not cancelled events organised by ``teams``, held in the period."""
    lo, hi = day_bounds(start, reference_day(end))
    return [
        Event.deleted_at.is_(None),
        Event.status != EventStatus.CANCELLED,
        Event.starts_at >= lo,
        Event.starts_at < hi,
        Event.id.in_(select(event_teams.c.event_id).where(event_teams.c.team_id.in_(teams))),
    ]


def _teams(area: Area) -> list:
    """(id, name, village id, village name) of the subtree's live teams, by name."""
    return db.session.execute(
        select(Team.id, Team.name, Area.id, Area.name)
        .join(Area, Area.id == Team.village_id)
        .where(Team.deleted_at.is_(None), Area.in_subtree_of(area))
        .order_by(Team.name, Team.id)
    ).all()


def _member_counts(teams: Select) -> dict[int, tuple[int, int, int]]:
    """team -> (members, members without farms, members over the maximum)."""
    t = rules.thresholds()
    per_member = (
        select(Member.team_id.label("team_id"), func.count(Farm.id).label("farms"))
        .outerjoin(Assignment, Assignment.member_id == Member.id)
        .outerjoin(Farm, and_(Farm.id == Assignment.farm_id, Farm.deleted_at.is_(None)))
        .where(Member.deleted_at.is_(None), Member.team_id.in_(teams))
        .group_by(Member.id, Member.team_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            per_member.c.team_id,
            func.count(),
            func.count(case((per_member.c.farms < t["farms_min"], 1))),
            func.count(case((per_member.c.farms > t["farms_max"], 1))),
        ).group_by(per_member.c.team_id)
    )
    return {team_id: (n, none, over) for team_id, n, none, over in rows}


def _farm_counts(teams: Select, end: date) -> dict[int, tuple[int, int]]:
    """team -> (farms assigned, of which stale)."""
    pairs = assigned_pairs(teams, end)
    rows = db.session.execute(
        select(pairs.c.team_id, func.count(), func.count(case((pairs.c.stale, 1)))).group_by(
            pairs.c.team_id
        )
    )
    return {team_id: (n, stale) for team_id, n, stale in rows}


def _visit_counts(ours, start: date, end: date) -> dict[int, dict]:
    """team -> kind -> (visits, people, households) in the period, of the teams kept by the
    WHERE clause ``ours`` (an index-only scan of the period in ``ix_visits_period_team``)."""
    rows = db.session.execute(
        select(
            Visit.team_id,
            Visit.kind,
            func.count(),
            func.coalesce(func.sum(Visit.people_reached), 0),
            func.coalesce(func.sum(Visit.households_reached), 0),
        )
        .where(Visit.visited_on >= start, Visit.visited_on <= end, ours)
        .group_by(Visit.team_id, Visit.kind)
    )
    out: dict[int, dict] = {}
    for team_id, kind, n, people, households in rows:
        out.setdefault(team_id, {})[VisitKind(kind).value] = (n, int(people), int(households))
    return out


def _visits_with_photos(ours, start: date, end: date) -> dict[int, int]:
    """team -> visits of the period with at least one live photo, of the teams kept by
    ``ours`` (each visit once, however many photos it has)."""
    with_photos = select(VisitPhoto.visit_id).where(VisitPhoto.deleted_at.is_(None))
    return dict(
        db.session.execute(
            select(Visit.team_id, func.count())
            .where(
                Visit.visited_on >= start,
                Visit.visited_on <= end,
                ours,
                Visit.id.in_(with_photos),
            )
            .group_by(Visit.team_id)
        )
        .tuples()
        .all()
    )


def _farms_visited(ours, start: date, end: date) -> dict[int, int]:
    """team -> distinct farms visited in the period, of the teams kept by ``ours``."""
    pairs = visited_pairs(ours, start, end)
    return dict(
        db.session.execute(select(pairs.c.team_id, func.count()).group_by(pairs.c.team_id))
        .tuples()
        .all()
    )


def _last_visits(teams: Select, end: date) -> dict[int, date | None]:
    """team -> last visit on or before the reference day (one index probe per team, on
    ``ix_visits_team_date``, instead of reading the whole history)."""
    last = (
        select(func.max(Visit.visited_on))
        .where(Visit.team_id == Team.id, Visit.visited_on <= reference_day(end))
        .scalar_subquery()
    )
    return dict(db.session.execute(select(Team.id, last).where(Team.id.in_(teams))).tuples().all())


def _event_counts(teams: Select, start: date, end: date) -> dict[int, tuple[int, date | None]]:
    """team -> (events held in the period, local day of the last held event)."""
    lo, hi = day_bounds(start, reference_day(end))
    rows = db.session.execute(
        select(
            event_teams.c.team_id,
            func.count(case((Event.starts_at >= lo, 1))),
            func.max(Event.starts_at),
        )
        .join(Event, Event.id == event_teams.c.event_id)
        .where(
            Event.deleted_at.is_(None),
            Event.status != EventStatus.CANCELLED,
            Event.starts_at < hi,
            event_teams.c.team_id.in_(teams),
        )
        .group_by(event_teams.c.team_id)
    )
    zone = local_zone()
    return {
        team_id: (n, last.astimezone(zone).date() if last else None) for team_id, n, last in rows
    }


def _latest(*days: date | None) -> date | None:
    """The latest of the given days, ignoring None."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def team_figures(area: Area, start: date, end: date) -> dict[int, TeamFigures]:
    """Every live team of area's subtree, computed with a fixed number of SQL aggregate queries.

    Eight queries whatever the number of teams, farms or visits; ordered by team name.
    """
    teams = subtree_teams(area)
    rows = _teams(area)
    if not rows:
        return {}
    minimum = rules.thresholds()["min_team_size"]
    ours = of_teams(Visit.team_id, teams, area)
    members = _member_counts(teams)
    farms = _farm_counts(teams, end)
    visits = _visit_counts(ours, start, end)
    photographed = _visits_with_photos(ours, start, end)
    visited = _farms_visited(ours, start, end)
    last_visits = _last_visits(teams, end)
    events = _event_counts(teams, start, end)
    out: dict[int, TeamFigures] = {}
    for team_id, name, village_id, village_name in rows:
        size, none, over = members.get(team_id, (0, 0, 0))
        assigned, stale = farms.get(team_id, (0, 0))
        by_kind = visits.get(team_id, {})
        farms_visited, last_visit = visited.get(team_id, 0), last_visits.get(team_id)
        held, last_event = events.get(team_id, (0, None))
        out[team_id] = TeamFigures(
            team_id=team_id,
            team_name=name,
            area_id=village_id,
            area_name=village_name,
            members=size,
            meets_min_size=size >= minimum,
            members_without_farms=none,
            members_over_max=over,
            farms_assigned=assigned,
            farms_visited=farms_visited,
            farms_stale=stale,
            visits_by_kind={k.value: by_kind.get(k.value, (0, 0, 0))[0] for k in VisitKind},
            visits=sum(v[0] for v in by_kind.values()),
            visits_with_photos=photographed.get(team_id, 0),
            people_reached=sum(v[1] for v in by_kind.values()),
            households_reached=sum(v[2] for v in by_kind.values()),
            events_held=held,
            last_activity=_latest(last_visit, last_event),
        )
    return out


def visits_per_month(area: Area, start: date, end: date) -> dict[tuple[int, int], dict[str, int]]:
    """(year, month) -> VisitKind value -> visits of the subtree's teams in the period.

    Grouped by day in SQL (no date function per visit row, and the same on every engine),
    then the at most 5 x 366 x years day totals are added up per month."""
    rows = db.session.execute(
        select(Visit.visited_on, Visit.kind, func.count())
        .where(
            Visit.visited_on >= start,
            Visit.visited_on <= end,
            of_teams(Visit.team_id, subtree_teams(area), area),
        )
        .group_by(Visit.visited_on, Visit.kind)
    )
    out: dict[tuple[int, int], dict[str, int]] = {}
    for day, kind, n in rows:
        month = out.setdefault((day.year, day.month), {})
        month[VisitKind(kind).value] = month.get(VisitKind(kind).value, 0) + n
    return out


@dataclass(frozen=True)
class EventCount:
    """Events held in the period for one campaign (None: no campaign) and venue kind."""

    campaign_id: int | None
    campaign_name: str
    venue_kind: str
    events: int


def events_by_campaign_and_venue(area: Area, start: date, end: date) -> list[EventCount]:
    """Events held by the subtree's teams per campaign and venue kind (one query).

    An event organised by several teams of the area counts once.
    """
    rows = db.session.execute(
        select(Event.campaign_id, Campaign.name, Event.venue_kind, func.count(Event.id))
        .outerjoin(Campaign, Campaign.id == Event.campaign_id)
        .where(*held_events(subtree_teams(area), start, end))
        .group_by(Event.campaign_id, Campaign.name, Event.venue_kind)
        .order_by(Campaign.name, Event.venue_kind)
    )
    return [
        EventCount(cid, name or "", str(getattr(venue, "value", venue)), n)
        for cid, name, venue, n in rows
    ]
