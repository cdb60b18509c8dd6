"""Team figures rolled up per area: each child area of the chosen area, and the total.

Sums of per-team numbers (members, visits, people ...) are added up from
:class:`~core.review.figures.TeamFigures` (one pass over the teams, never over visits or
farms). Numbers that must not count a farm or an event twice when two teams share it are
counted DISTINCT in SQL, grouped by area: five queries whatever the size of the area.
Areas are grouped by joining each village to the chosen area and its children on the
materialized path (``village.path LIKE child.path || '%'``), after the rows were reduced to
distinct (team, farm) or (team, event) pairs.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, distinct, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from core.extensions import db
from core.models import Area, AreaKind, Event, Farm, Team, Visit, VisitKind, event_teams
from core.review.figures import (
    TeamFigures,
    assigned_pairs,
    held_events,
    recent_farms,
    subtree_areas,
    subtree_teams,
)


@dataclass
class AreaFigures:
    """The figures of the teams of one area (a child of the chosen area, or the whole)."""

    area_id: int
    area_name: str
    kind: AreaKind
    #: true for the row of the chosen area itself
    total: bool = False
    teams: int = 0
    teams_meeting_min: int = 0
    members: int = 0
    members_without_farms: int = 0
    members_over_max: int = 0
    #: live farms located in the area
    farms: int = 0
    #: of those, farms visited in the period (by any team): the coverage
    farms_covered: int = 0
    #: distinct farms linked to the area's teams, visited by them, stale
    farms_assigned: int = 0
    farms_visited: int = 0
    farms_stale: int = 0
    visits_by_kind: dict[str, int] = field(
        default_factory=lambda: {k.value: 0 for k in VisitKind})
    visits: int = 0
    people_reached: int = 0
    households_reached: int = 0
    #: distinct events held by the area's teams
    events_held: int = 0
    last_activity: date | None = None

    @property
    def coverage(self) -> float | None:
        """Share of the area's farms visited in the period (None without farms)."""
        return self.farms_covered / self.farms if self.farms else None

    def add(self, team: TeamFigures) -> None:
        """Add one team's additive figures."""
        self.teams += 1
        self.teams_meeting_min += int(team.meets_min_size)
        self.members += team.members
        self.members_without_farms += team.members_without_farms
        self.members_over_max += team.members_over_max
        for kind, n in team.visits_by_kind.items():
            self.visits_by_kind[kind] = self.visits_by_kind.get(kind, 0) + n
        self.visits += team.visits
        self.people_reached += team.people_reached
        self.households_reached += team.households_reached
        if team.last_activity and (self.last_activity is None
                                   or team.last_activity > self.last_activity):
            self.last_activity = team.last_activity


def _buckets(area: Area):
    """An alias of ``areas`` restricted to ``area`` and its children, and its join condition
    for a village path (a village falls in the total and in one child)."""
    bucket = aliased(Area, name="bucket")
    keep = or_(bucket.id == area.id, bucket.parent_id == area.id)
    return bucket, keep


def _in_bucket(area: Area, village_id_column):
    """(bucket alias, village alias, joins) placing a village id in ``area`` and its child."""
    bucket, keep = _buckets(area)
    village = aliased(Area)
    return bucket, village, (village.id == village_id_column,
                             and_(keep, village.path.startswith(bucket.path)))


def _grouped(area: Area, base, team_column, *columns) -> dict[int, tuple]:
    """Run ``columns`` over ``base`` (a subquery with a team id) grouped by bucket."""
    bucket, village, (on_village, on_bucket) = _in_bucket(area, Team.village_id)
    rows = db.session.execute(
        select(bucket.id, *columns)
        .select_from(base)
        .join(Team, Team.id == team_column)
        .join(village, on_village)
        .join(bucket, on_bucket)
        .group_by(bucket.id)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _team_buckets(area: Area) -> dict[int, int]:
    """team id -> the child area of ``area`` it lies in."""
    child = aliased(Area, name="child")
    village = aliased(Area, name="team_village")
    rows = db.session.execute(
        select(Team.id, child.id)
        .join(village, village.id == Team.village_id)
        .join(child, and_(child.parent_id == area.id, village.path.startswith(child.path)))
        .where(Team.deleted_at.is_(None))
    )
    return dict(rows.tuples().all())


def _assigned_farms(area: Area, end: date) -> dict:
    """bucket -> (distinct farms linked to the area's teams, of which stale)."""
    pairs, recent = assigned_pairs(subtree_teams(area)), recent_farms(end)
    with_recent = (select(pairs.c.team_id, pairs.c.farm_id, recent.c.farm_id.label("recent"))
                   .outerjoin(recent, recent.c.farm_id == pairs.c.farm_id).subquery())
    return _grouped(area, with_recent, with_recent.c.team_id,
                    func.count(distinct(with_recent.c.farm_id)),
                    func.count(distinct(case((with_recent.c.recent.is_(None),
                                              with_recent.c.farm_id)))))


def _distinct_events(area: Area, start: date, end: date) -> dict:
    """bucket -> distinct events held by the area's teams."""
    teams = subtree_teams(area)
    organisers = (select(event_teams.c.team_id, event_teams.c.event_id)
                  .where(event_teams.c.team_id.in_(teams),
                         event_teams.c.event_id.in_(
                             select(Event.id).where(*held_events(teams, start, end))))
                  .subquery())
    return _grouped(area, organisers, organisers.c.team_id,
                    func.count(distinct(organisers.c.event_id)))


def _visited_farms(area: Area, start: date, end: date) -> tuple[dict, dict]:
    """bucket -> farms visited by the area's teams, and bucket -> (live farms located there,
    of which visited in the period by any team). One statement: the period's distinct
    (team, farm) pairs are read once (a CTE) and counted both ways."""
    teams = subtree_teams(area)
    pairs = (select(Visit.team_id, Visit.farm_id)
             .where(Visit.visited_on >= start, Visit.visited_on <= end,
                    or_(Visit.team_id.in_(teams), Visit.farm_id.in_(
                        select(Farm.id).where(Farm.village_id.in_(subtree_areas(area))))))
             .distinct().cte("visited"))
    bucket, village, (on_village, on_bucket) = _in_bucket(area, Team.village_id)
    by_team = (select(literal("teams").label("what"), bucket.id.label("bucket"),
                      func.count(distinct(pairs.c.farm_id)).label("a"), literal(0).label("b"))
               .select_from(pairs)
               .join(Team, and_(Team.id == pairs.c.team_id, Team.id.in_(teams)))
               .join(village, on_village).join(bucket, on_bucket)
               .group_by(bucket.id))
    seen = select(pairs.c.farm_id).distinct().subquery("seen")
    bucket, village, (on_village, on_bucket) = _in_bucket(area, Farm.village_id)
    by_farm = (select(literal("farms"), bucket.id, func.count(Farm.id), func.count(seen.c.farm_id))
               .select_from(Farm)
               .join(village, on_village).join(bucket, on_bucket)
               .outerjoin(seen, seen.c.farm_id == Farm.id)
               .where(Farm.deleted_at.is_(None))
               .group_by(bucket.id))
    visited, located = {}, {}
    for what, bucket_id, a, b in db.session.execute(union_all(by_team, by_farm)):
        if what == "teams":
            visited[bucket_id] = a
        else:
            located[bucket_id] = (a, b)
    return visited, located


def area_rollup(area: Area, start: date, end: date,
                teams: Mapping[int, TeamFigures]) -> list[AreaFigures]:
    """Rows for each child area of ``area`` (by name), then the total row of ``area``.

    ``teams`` is :func:`~core.review.figures.team_figures` of the same area and period.
    """
    children = db.session.execute(
        select(Area.id, Area.name, Area.kind).where(Area.parent_id == area.id)
        .order_by(Area.name, Area.id)
    ).all()
    rows = {cid: AreaFigures(cid, name, AreaKind(kind)) for cid, name, kind in children}
    total = AreaFigures(area.id, area.name, AreaKind(area.kind), total=True)
    bucket_of = _team_buckets(area) if children else {}
    for team in teams.values():
        total.add(team)
        child = rows.get(bucket_of.get(team.team_id))
        if child is not None:
            child.add(team)
    everything = {**rows, area.id: total}
    assigned = _assigned_farms(area, end)
    visited, located = _visited_farms(area, start, end)
    events = _distinct_events(area, start, end)
    for area_id, row in everything.items():
        row.farms_assigned, row.farms_stale = assigned.get(area_id, (0, 0))
        row.farms_visited = visited.get(area_id, 0)
        (row.events_held,) = events.get(area_id, (0,))
        row.farms, row.farms_covered = located.get(area_id, (0, 0))
    return [*rows.values(), total]
