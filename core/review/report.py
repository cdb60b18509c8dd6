"""One review, assembled: figures, roll-ups, events, charts and the plugins' sections.

The page, the print view, the CSV/XLSX exports and the API all read a :class:`Review`, so they
show the same numbers. Its :meth:`Review.tables` are the tables of the page, in order, each
with the same cells the exports write.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from flask import current_app
from flask_babel import gettext as _

from core.contracts import ReviewSection
from core.errors import describe_error
from core.models import Area, User, VenueKind, VisitKind
from core.models.base import utcnow
from core.models.enums import label
from core.plugins import call_each, record_failure
from core.review import charts
from core.review.figures import (
    EventCount,
    TeamFigures,
    events_by_campaign_and_venue,
    reference_day,
    team_figures,
    visits_per_month,
)
from core.review.periods import Period
from core.review.rollup import AreaFigures, area_rollup

#: link builders: (review, kind, row) -> URL or None; the view supplies them (url_for)
Linker = Callable[..., str | None]


@dataclass(frozen=True)
class Table:
    """A table of the review: what the page shows and the exports write, cell for cell."""

    #: stable key: file names, anchors, ``?table=`` of the CSV export
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    #: URL per cell (same shape as rows; None where there is no link); empty: no links
    links: tuple[tuple[str | None, ...], ...] = ()
    #: true per cell that breaks a rule (same shape as rows); empty: none
    flags: tuple[tuple[bool, ...], ...] = ()

    def cells(self):
        """Rows of (value, url, flagged) triples, for templates."""
        for i, row in enumerate(self.rows):
            links = self.links[i] if self.links else (None,) * len(row)
            flags = self.flags[i] if self.flags else (False,) * len(row)
            yield tuple(zip(row, links, flags, strict=True))


@dataclass(frozen=True)
class PluginSection:
    """A plugin's section, or the note that it is unavailable."""

    plugin: str
    section: ReviewSection | None = None
    error: str | None = None

    @property
    def anchor(self) -> str:
        """The section's HTML id."""
        key = self.section.key if self.section else "unavailable"
        return f"section-{self.plugin}-{key}"

    def tables(self) -> list[Table]:
        """The section's figures and tables as review tables (keys prefixed by the plugin)."""
        if self.section is None:
            return []
        s, prefix = self.section, f"{self.plugin}-{self.section.key}"
        out = []
        if s.figures:
            out.append(
                Table(
                    f"{prefix}-figures",
                    str(s.title),
                    (_("Figure"), _("Value")),
                    tuple((str(f.label), _plain(f.value)) for f in s.figures),
                )
            )
        for i, t in enumerate(s.tables, 1):
            out.append(
                Table(
                    f"{prefix}-{i}",
                    str(t.title),
                    tuple(str(c) for c in t.columns),
                    tuple(tuple(_plain(v) for v in row) for row in t.rows),
                )
            )
        return out


def _plain(value):
    """A cell value as exports write it: numbers stay numbers, the rest becomes text."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)


@dataclass
class Review:
    """The review of ``area`` for ``period``, as seen by ``user``."""

    area: Area
    period: Period
    user: User
    generated_at: datetime = field(default_factory=utcnow)
    teams: list[TeamFigures] = field(default_factory=list)
    areas: list[AreaFigures] = field(default_factory=list)
    events: list[EventCount] = field(default_factory=list)
    months: dict = field(default_factory=dict)
    sections: list[PluginSection] = field(default_factory=list)

    @cached_property
    def reference_day(self) -> date:
        """The day staleness and held events are judged on."""
        return reference_day(self.period.end)

    @property
    def total(self) -> AreaFigures:
        """The row of the chosen area."""
        return self.areas[-1]

    def charts(self) -> list[charts.Chart]:
        """The three trend charts."""
        top = int(current_app.config["REVIEW_CHART_TOP"])
        return [
            charts.visits_by_month(self.months, self.period.start, self.period.end),
            charts.people_by_team(self.teams, top),
            charts.coverage(self.areas),
        ]

    def core_tables(self, link: Linker | None = None, teams: slice = slice(None)) -> list[Table]:
        """The core's tables: areas, teams (``teams``: one page of them), events per campaign
        and venue."""
        return [area_table(self, link), team_table(self, link, teams), event_table(self, link)]

    def tables(self, link: Linker | None = None) -> list[Table]:
        """Every table: the core's, the charts' numbers, then each plugin section's."""
        out = self.core_tables(link)
        out += [Table(c.key, c.title, c.columns, c.rows) for c in self.charts()]
        for section in self.sections:
            out += section.tables()
        return out


def build(area: Area, period: Period, user: User) -> Review:
    """Compute the review (a fixed number of queries) and collect the plugins' sections."""
    review = Review(area, period, user)
    figures = team_figures(area, period.start, period.end)
    review.teams = list(figures.values())
    review.areas = area_rollup(area, period.start, period.end, figures)
    review.events = events_by_campaign_and_venue(area, period.start, period.end)
    review.months = visits_per_month(area, period.start, period.end)
    review.sections = plugin_sections(area, period, user)
    return review


def plugin_sections(area: Area, period: Period, user: User) -> list[PluginSection]:
    """Each enabled plugin's sections; a plugin that raised (or returned something else than
    sections) gets one unavailable entry with its name."""
    app = current_app._get_current_object()
    out = []
    for result in call_each(
        app, "review_sections", area=area, start=period.start, end=period.end, user=user
    ):
        if result.failed:
            out.append(PluginSection(result.plugin, error=result.error))
            continue
        values = result.value if isinstance(result.value, list | tuple) else [result.value]
        if not all(isinstance(v, ReviewSection) for v in values):
            error = TypeError("review_sections returned something else than ReviewSection")
            record_failure(app, result.plugin, "review_sections", error)
            out.append(PluginSection(result.plugin, error=describe_error(error)))
            continue
        out += [PluginSection(result.plugin, section=v) for v in values]
    return sorted(
        out,
        key=lambda s: (
            s.section.order if s.section else 1000,
            s.plugin,
            s.section.key if s.section else "",
        ),
    )


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _day(value: date | None):
    return value.isoformat() if value else ""


def team_columns() -> tuple[str, ...]:
    """Headings of the team table."""
    return (
        _("Team"),
        _("Village"),
        _("Members"),
        _("Reaches the minimum size"),
        _("Members without farms"),
        _("Members with more than the maximum"),
        _("Farms assigned"),
        _("Farms visited"),
        _("Stale farms"),
        *(label(k) for k in VisitKind),
        _("Visits"),
        _("Visits with photos"),
        _("People reached"),
        _("Households reached"),
        _("Events held"),
        _("Last activity"),
    )


def team_table(review: Review, link: Linker | None, teams: slice = slice(None)) -> Table:
    """One row per team (of the ``teams`` slice)."""
    rows, links, flags = [], [], []
    for t in review.teams[teams]:
        rows.append(
            (
                t.team_name,
                t.area_name,
                t.members,
                _yes_no(t.meets_min_size),
                t.members_without_farms,
                t.members_over_max,
                t.farms_assigned,
                t.farms_visited,
                t.farms_stale,
                *(t.visits_by_kind[k.value] for k in VisitKind),
                t.visits,
                t.visits_with_photos,
                t.people_reached,
                t.households_reached,
                t.events_held,
                _day(t.last_activity),
            )
        )
        flags.append(
            (
                False,
                False,
                not t.meets_min_size,
                not t.meets_min_size,
                t.members_without_farms > 0,
                t.members_over_max > 0,
                False,
                False,
                t.farms_stale > 0,
                *(False for _k in VisitKind),
                False,
                False,
                False,
                False,
                False,
                False,
            )
        )
        if link is not None:
            links.append(tuple(link(review, column, t) for column in _TEAM_LINKS))
    title = _("Teams")
    return Table("teams", title, team_columns(), tuple(rows), tuple(links), tuple(flags))


#: what each column of the team table links to (the linker decides the URL)
_TEAM_LINKS = (
    "team",
    None,
    "team",
    "team",
    "team",
    "team",
    "farms",
    "farms_visited",
    "stale",
    *(f"kind:{k.value}" for k in VisitKind),
    "visits",
    "visits_with_photos",
    "visits",
    "visits",
    "team_events",
    "team",
)


def area_columns() -> tuple[str, ...]:
    """Headings of the area table."""
    return (
        _("Area"),
        _("Teams"),
        _("Teams reaching the minimum size"),
        _("Members"),
        _("Members without farms"),
        _("Members with more than the maximum"),
        _("Farms in the area"),
        _("Farms covered"),
        _("Share covered"),
        _("Farms assigned"),
        _("Farms visited"),
        _("Stale farms"),
        *(label(k) for k in VisitKind),
        _("Visits"),
        _("Visits with photos"),
        _("People reached"),
        _("Households reached"),
        _("Events held"),
        _("Last activity"),
    )


_AREA_LINKS = (
    "area",
    "area_teams",
    "area_teams",
    "area_teams",
    "area_teams",
    "area_teams",
    "area_farms",
    None,
    None,
    "area_assigned",
    "area_visits",
    "area_stale",
    *(f"area_kind:{k.value}" for k in VisitKind),
    "area_visits",
    "area_visits_with_photos",
    "area_visits",
    "area_visits",
    "area_events",
    None,
)


def area_table(review: Review, link: Linker | None) -> Table:
    """One row per child area, then the total."""
    rows, links, flags = [], [], []
    for a in review.areas:
        name = _("Total: %(area)s", area=a.area_name) if a.total else a.area_name
        share = f"{100 * a.coverage:.1f}%" if a.coverage is not None else ""
        rows.append(
            (
                name,
                a.teams,
                a.teams_meeting_min,
                a.members,
                a.members_without_farms,
                a.members_over_max,
                a.farms,
                a.farms_covered,
                share,
                a.farms_assigned,
                a.farms_visited,
                a.farms_stale,
                *(a.visits_by_kind[k.value] for k in VisitKind),
                a.visits,
                a.visits_with_photos,
                a.people_reached,
                a.households_reached,
                a.events_held,
                _day(a.last_activity),
            )
        )
        flags.append(
            (
                False,
                False,
                a.teams_meeting_min < a.teams,
                False,
                a.members_without_farms > 0,
                a.members_over_max > 0,
                False,
                False,
                False,
                False,
                False,
                a.farms_stale > 0,
                *(False for _k in VisitKind),
                False,
                False,
                False,
                False,
                False,
                False,
            )
        )
        if link is not None:
            links.append(tuple(link(review, column, a) for column in _AREA_LINKS))
    return Table("areas", _("Areas"), area_columns(), tuple(rows), tuple(links), tuple(flags))


def event_table(review: Review, link: Linker | None) -> Table:
    """Events held per campaign (rows) and venue kind (columns), with totals."""
    venues = [v.value for v in VenueKind]
    campaigns: dict[int | None, tuple[str, dict[str, int]]] = {}
    for c in review.events:
        name = c.campaign_name or _("No campaign")
        campaigns.setdefault(c.campaign_id, (name, {}))[1][c.venue_kind] = c.events
    rows, links = [], []
    for cid, (name, counts) in campaigns.items():
        rows.append((name, *(counts.get(v, 0) for v in venues), sum(counts.values())))
        if link is not None:
            links.append(
                (
                    None,
                    *(link(review, "events", (cid, v)) for v in venues),
                    link(review, "events", (cid, None)),
                )
            )
    totals = [sum(r[i] for r in rows) for i in range(1, len(venues) + 2)]
    rows.append((_("Total"), *totals))
    if link is not None:
        links.append(
            (
                None,
                *(link(review, "events", (False, v)) for v in venues),
                link(review, "events", (False, None)),
            )
        )
    columns = (_("Campaign"), *(label(VenueKind(v)) for v in venues), _("Events held"))
    return Table(
        "events", _("Events held per campaign and venue"), columns, tuple(rows), tuple(links)
    )
