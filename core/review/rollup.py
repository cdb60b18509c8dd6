"""Team figures rolled up per area: each child area of the chosen area, and the total.

Sums of per-team numbers (members, visits, people ...) are added up from
:class:`~core.review.figures.TeamFigures` (one pass over the teams, never over visits or
farms). Numbers that must not count a farm or an event twice when two teams share it are
counted DISTINCT in SQL, grouped by area: five queries whatever the size of the area.
Areas are grouped by joining each village to the chosen area and to the child it lies in,
read from its materialized path (see :func:`_buckets`), after the rows were reduced to
distinct (team, farm) or (team, event) pairs.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, Select, case, cast, func, literal, or_, select, union_all

from core.extensions import db
from core.models import Area, AreaKind, Event, Farm, Team, Visit, VisitKind, event_teams
from core.review.figures import (
    TeamFigures,
    assigned_pairs,
    held_events,
    subtree_teams,
    whole_tree,
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
    visits_by_kind: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in VisitKind})
    visits: int = 0
    visits_with_photos: int = 0
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
        self.visits_with_photos += team.visits_with_photos
        self.people_reached += team.people_reached
        self.households_reached += team.households_reached
        if team.last_activity and (
            self.last_activity is None or team.last_activity > self.last_activity
        ):
            self.last_activity = team.last_activity


def _position(text_column, part: str):
    """1-based position of ``part`` in ``text_column`` (0 if absent), on either engine."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.strpos(text_column, part)
    return func.instr(text_column, part)


def _buckets(area: Area):
    """Subquery (area_id, bucket) placing every area of ``area``'s subtree in the total
    (``area`` itself) and, below ``area``, in the child it lies in.

    The child's id is the first segment of the path after ``area``'s ("/1/4/27/" under "/1/"
    lies in 4): an equality the rows join on with a hash, where comparing each village path
    with each child path (``LIKE child.path || '%'``) would cost villages x children."""
    below = Area.in_subtree_of(area)
    rest = func.substr(Area.path, len(area.path) + 1)
    child = cast(func.substr(rest, 1, _position(rest, "/") - 1), Integer)
    return union_all(
        select(Area.id.label("area_id"), literal(area.id).label("bucket")).where(below),
        select(Area.id, child).where(below, Area.path != area.path),
    ).subquery("buckets")


def _per_bucket(area: Area, base, team_column, item_column, *flags) -> Select:
    """Distinct (bucket, item, flags...) of ``base`` (a subquery with a team id), as a subquery
    with the columns ``bucket``, ``item`` and ``flag0``...: counting its rows per bucket counts
    distinct items with a hash aggregate (``count(DISTINCT ...)`` would sort every pair)."""
    buckets = _buckets(area)
    return (
        select(
            buckets.c.bucket,
            item_column.label("item"),
            *(flag.label(f"flag{i}") for i, flag in enumerate(flags)),
        )
        .select_from(base)
        .join(Team, Team.id == team_column)
        .join(buckets, buckets.c.area_id == Team.village_id)
        .distinct()
        .subquery("per_bucket")
    )


def _team_buckets(area: Area) -> dict[int, int]:
    """team id -> the child area of ``area`` it lies in."""
    buckets = _buckets(area)
    rows = db.session.execute(
        select(Team.id, buckets.c.bucket)
        .join(buckets, buckets.c.area_id == Team.village_id)
        .where(Team.deleted_at.is_(None), buckets.c.bucket != area.id)
    )
    return dict(rows.tuples().all())


def _assigned_farms(area: Area, end: date) -> dict:
    """bucket -> (distinct farms linked to the area's teams, of which stale)."""
    pairs = assigned_pairs(subtree_teams(area), end)
    # whether a farm is stale does not depend on the team: one flag per (bucket, farm)
    farms = _per_bucket(area, pairs, pairs.c.team_id, pairs.c.farm_id, pairs.c.stale)
    rows = db.session.execute(
        select(farms.c.bucket, func.count(), func.count(case((farms.c.flag0, 1)))).group_by(
            farms.c.bucket
        )
    )
    return {bucket: (n, stale) for bucket, n, stale in rows}


def _distinct_events(area: Area, start: date, end: date) -> dict:
    """bucket -> distinct events held by the area's teams."""
    teams = subtree_teams(area)
    organisers = (
        select(event_teams.c.team_id, event_teams.c.event_id)
        .where(
            event_teams.c.team_id.in_(teams),
            event_teams.c.event_id.in_(select(Event.id).where(*held_events(teams, start, end))),
        )
        .subquery()
    )
    events = _per_bucket(area, organisers, organisers.c.team_id, organisers.c.event_id)
    rows = db.session.execute(select(events.c.bucket, func.count()).group_by(events.c.bucket))
    return {bucket: (n,) for bucket, n in rows}


def _visited_farms(area: Area, start: date, end: date) -> tuple[dict, dict]:
    """bucket -> farms visited by the area's teams, and bucket -> (live farms located there,
    of which visited in the period by any team). One statement: the period's distinct
    (team, farm) pairs are read once (a CTE) and counted both ways. For a top-level area every
    pair is read, unfiltered (see :func:`~core.review.figures.whole_tree`): the joins to the
    area's teams and farms below keep the right ones."""
    teams = subtree_teams(area)
    pairs = select(Visit.team_id, Visit.farm_id).where(
        Visit.visited_on >= start, Visit.visited_on <= end
    )
    if not whole_tree(area):
        pairs = pairs.where(
            or_(
                Visit.team_id.in_(teams),
                Visit.farm_id.in_(
                    select(Farm.id).where(Farm.village_id.in_(Area.subtree_ids(area)))
                ),
            )
        )
    pairs = pairs.distinct().cte("visited")
    ours = select(pairs).where(pairs.c.team_id.in_(teams)).subquery("ours")
    farms = _per_bucket(area, ours, ours.c.team_id, ours.c.farm_id)
    by_team = select(
        literal("teams").label("what"),
        farms.c.bucket.label("bucket"),
        func.count().label("a"),
        literal(0).label("b"),
    ).group_by(farms.c.bucket)
    # the area's live farms and the visited ones, counted per village first (a few thousand
    # rows), then added up per bucket
    seen = select(pairs.c.farm_id).distinct().subquery("seen")
    located = (
        select(
            Farm.village_id.label("village_id"),
            func.count(Farm.id).label("n"),
            func.count(seen.c.farm_id).label("seen"),
        )
        .outerjoin(seen, seen.c.farm_id == Farm.id)
        .where(Farm.deleted_at.is_(None))
        .group_by(Farm.village_id)
    )
    if not whole_tree(area):
        located = located.where(Farm.village_id.in_(Area.subtree_ids(area)))
    located = located.subquery("located")
    buckets = _buckets(area)
    by_farm = (
        select(literal("farms"), buckets.c.bucket, func.sum(located.c.n), func.sum(located.c.seen))
        .select_from(located)
        .join(buckets, buckets.c.area_id == located.c.village_id)
        .group_by(buckets.c.bucket)
    )
    visited, located = {}, {}
    for what, bucket_id, a, b in db.session.execute(union_all(by_team, by_farm)):
        if what == "teams":
            visited[bucket_id] = int(a)  # a Decimal on PostgreSQL (a union with sums)
        else:
            located[bucket_id] = (int(a), int(b))
    return visited, located


def area_rollup(
    area: Area, start: date, end: date, teams: Mapping[int, TeamFigures]
) -> list[AreaFigures]:
    """Rows for each child area of ``area`` (by name), then the total row of ``area``.

    ``teams`` is :func:`~core.review.figures.team_figures` of the same area and period.
    """
    children = db.session.execute(
        select(Area.id, Area.name, Area.kind)
        .where(Area.parent_id == area.id)
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
