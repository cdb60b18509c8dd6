"""What a bulletin says, built from the records of its area and period.

The content is computed when the bulletin is shown (figures of the period, confirmed
assessments, rectification items), in the language active at the time: the views render it in
Chinese unless English is asked for. Every table is a ``ReviewTable``, so the page, the
standalone document and the workbook show the same numbers.

- figures: ``team_figures`` of the area for the period, one row per team, and the total row
  of the review (``area_rollup``): an event several teams organise, or a farm linked to
  several teams, is counted once in the total, as in the review, not once per team;
- commendations and criticisms: the decisions of the *confirmed* assessments of the area and
  the areas below it, for the years the period touches;
- rectification items: those of the area's units that are open, or whose deadline falls in
  the period;
- inspections: those of the area's units made in the period.
"""

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from core.bulletin.issue import number_text
from core.contracts import ReviewTable
from core.extensions import db
from core.models import (
    AnnualAssessment,
    Area,
    AssessmentStatus,
    Bulletin,
    Inspection,
    Outcome,
    Rectification,
    RectificationStatus,
)
from core.models.enums import label
from core.review.figures import team_figures
from core.review.rollup import area_rollup
from core.services.rectifications import is_overdue

#: TeamFigures fields of the figures table, in order, after the team and village
FIGURE_FIELDS = (
    "members",
    "members_without_farms",
    "farms_assigned",
    "farms_visited",
    "farms_stale",
    "visits",
    "people_reached",
    "households_reached",
    "events_held",
)


@dataclass
class BulletinContent:
    """A bulletin's heading and tables."""

    bulletin: Bulletin
    number: str
    title: str
    figures: ReviewTable
    commendations: ReviewTable
    criticisms: ReviewTable
    rectifications: ReviewTable
    inspections: ReviewTable

    @property
    def tables(self) -> list[tuple[str, ReviewTable]]:
        """(key, table) of every table, in the document's order."""
        return [
            ("figures", self.figures),
            ("commendations", self.commendations),
            ("criticisms", self.criticisms),
            ("rectifications", self.rectifications),
            ("inspections", self.inspections),
        ]


def figures_table(bulletin: Bulletin) -> ReviewTable:
    """One row per team of the area with the period's figures, then a total row.

    The total row is the review's total of the area for the period (the last row of
    :func:`~core.review.rollup.area_rollup`), never the sum of the team rows: events held and
    farms are counted distinct there, so an event of two teams shows in both teams' rows and
    once in the total."""
    start, end = bulletin.starts_on, bulletin.ends_on
    figures = team_figures(bulletin.area, start, end)
    columns = (
        _("Team"),
        _("Village"),
        _("Members"),
        _("Members without a farm"),
        _("Farms assigned"),
        _("Farms visited"),
        _("Farms not visited for long"),
        _("Visits"),
        _("People reached"),
        _("Households reached"),
        _("Events held"),
    )
    rows = [
        (f.team_name, f.area_name, *(getattr(f, name) for name in FIGURE_FIELDS))
        for f in figures.values()
    ]
    if rows:
        total = area_rollup(bulletin.area, start, end, figures)[-1]
        name = _("Total: %(area)s", area=bulletin.area.name)  # as the review's total row
        # counts as int: on PostgreSQL some come back as Decimal, which a workbook writes as text
        rows.append((name, "", *(int(getattr(total, f)) for f in FIGURE_FIELDS)))
    return ReviewTable(_("Figures per team"), columns, tuple(rows))


def _decisions(bulletin: Bulletin, outcome: Outcome, title: str) -> ReviewTable:
    """The teams given ``outcome`` by the confirmed assessments the bulletin covers."""
    assessments = db.session.scalars(
        select(AnnualAssessment)
        .where(
            AnnualAssessment.status == AssessmentStatus.CONFIRMED,
            AnnualAssessment.area_id.in_(Area.subtree_ids(bulletin.area)),
            AnnualAssessment.year >= bulletin.starts_on.year,
            AnnualAssessment.year <= bulletin.ends_on.year,
        )
        .options(joinedload(AnnualAssessment.area))
        .order_by(AnnualAssessment.year, AnnualAssessment.area_id)
    ).all()
    rows = []
    for a in assessments:
        for r in a.results:
            if r.outcome == outcome:
                why = r.reason or r.proposed_reason
                rows.append((a.year, a.area.name, r.team_name, r.rank, f"{r.total:.1f}", why))
    columns = (_("Year"), _("Assessed area"), _("Team"), _("Rank"), _("Total score"), _("Reason"))
    return ReviewTable(title, columns, tuple(rows))


def rectifications_table(bulletin: Bulletin) -> ReviewTable:
    """Items of the area's units that are open, or due within the period."""
    items = db.session.scalars(
        select(Rectification)
        .where(
            Rectification.village_id.in_(Area.subtree_ids(bulletin.area)),
            or_(
                Rectification.status == RectificationStatus.OPEN,
                Rectification.deadline.between(bulletin.starts_on, bulletin.ends_on),
            ),
        )
        .options(joinedload(Rectification.team), joinedload(Rectification.village))
        .order_by(Rectification.deadline, Rectification.id)
    ).all()
    rows = []
    for item in items:
        state = _("Overdue") if is_overdue(item) else label(item.status)
        rows.append(
            (
                item.unit_name,
                item.title or item.requirement,
                format_date(item.deadline),
                state,
                format_date(item.done_on) if item.done_on else "",
            )
        )
    columns = (_("Unit"), _("What must be put right"), _("Deadline"), _("Status"), _("Done on"))
    return ReviewTable(_("Rectification deadlines"), columns, tuple(rows))


def inspections_table(bulletin: Bulletin) -> ReviewTable:
    """Inspections of the area's units made in the period."""
    rows = db.session.scalars(
        select(Inspection)
        .where(
            Inspection.village_id.in_(Area.subtree_ids(bulletin.area)),
            Inspection.inspected_on.between(bulletin.starts_on, bulletin.ends_on),
        )
        .options(joinedload(Inspection.team), joinedload(Inspection.village))
        .order_by(Inspection.inspected_on, Inspection.id)
    ).all()
    columns = (_("Date"), _("Unit"), _("Kind"), _("Findings"))
    return ReviewTable(
        _("Inspections"),
        columns,
        tuple((format_date(i.inspected_on), i.unit_name, label(i.kind), i.findings) for i in rows),
    )


def build(bulletin: Bulletin) -> BulletinContent:
    """The content of ``bulletin`` in the current language."""
    return BulletinContent(
        bulletin=bulletin,
        number=number_text(bulletin),
        title=_("Inspection bulletin of %(area)s", area=bulletin.area.name),
        figures=figures_table(bulletin),
        commendations=_decisions(bulletin, Outcome.COMMEND, _("Commendations")),
        criticisms=_decisions(bulletin, Outcome.CRITICISE, _("Criticisms")),
        rectifications=rectifications_table(bulletin),
        inspections=inspections_table(bulletin),
    )
