"""The model campaign's section of the township review: three queries whatever the data size."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from core.plugin_api import Area, ReviewFigure, ReviewSection, ReviewTable, db
from plugins.model_campaign.models import Nomination, Round, Status, Tier
from plugins.model_campaign.services import tier_label

#: statuses counted as assessed (assessed, then decided either way)
ASSESSED = (Status.ASSESSED, Status.AWARDED, Status.NOT_AWARDED)


def _counts():
    """Aggregate columns: nominated (not withdrawn), assessed, awarded."""
    return (
        func.count(case((Nomination.status != Status.WITHDRAWN, 1))),
        func.count(case((Nomination.status.in_(ASSESSED), 1))),
        func.count(case((Nomination.status == Status.AWARDED, 1))),
    )


def progress(area: Area, round_id: int) -> tuple[dict, list]:
    """Counts per tier in ``area``'s subtree, and per child area and tier (two queries)."""
    nominee = aliased(Area)
    in_subtree = nominee.in_subtree_of(area)
    per_tier = {
        tier: counts
        for tier, *counts in db.session.execute(
            select(Nomination.tier, *_counts())
            .join(nominee, nominee.id == Nomination.area_id)
            .where(Nomination.round_id == round_id, in_subtree)
            .group_by(Nomination.tier)
        )
    }
    child = aliased(Area)
    per_child = db.session.execute(
        select(child.name, Nomination.tier, *_counts())
        .join(nominee, nominee.id == Nomination.area_id)
        .join(child, and_(child.parent_id == area.id, nominee.path.startswith(child.path)))
        .where(Nomination.round_id == round_id)
        .group_by(child.id, child.name, Nomination.tier)
        .order_by(child.name, Nomination.tier)
    ).all()
    return per_tier, per_child


def review_section(area: Area, start: date, end: date) -> ReviewSection:
    """Nominated, assessed and awarded per tier in the round of the period's year, per child
    area, and the awarded list."""
    round_ = db.session.scalar(select(Round).where(Round.year == start.year))
    title = _("Three-tier model campaign")
    if round_ is None:
        figure = ReviewFigure(_("Campaign round of %(year)s", year=start.year), _("none"))
        return ReviewSection("progress", title, figures=(figure,), order=130)
    per_tier, per_child = progress(area, round_.id)
    figures, rows = [], []
    for tier in Tier:
        nominated, assessed, awarded = per_tier.get(tier, (0, 0, 0))
        label = tier_label(tier)
        figures.append(ReviewFigure(_("%(tier)s: nominated", tier=label), nominated))
        figures.append(
            ReviewFigure(
                _("%(tier)s: assessed", tier=label), assessed, flagged=assessed < nominated
            )
        )
        figures.append(ReviewFigure(_("%(tier)s: awarded", tier=label), awarded))
        rows.append((label, nominated, assessed, awarded))
    columns = (_("Tier"), _("Nominated"), _("Assessed"), _("Awarded"))
    tables = [
        ReviewTable(_("%(round)s: progress per tier", round=round_.name), columns, tuple(rows))
    ]
    if per_child:
        tables.append(
            ReviewTable(
                _("Progress per area and tier"),
                (_("Area"),) + columns,
                tuple((name, tier_label(tier), n, a, w) for name, tier, n, a, w in per_child),
            )
        )
    nominee = aliased(Area)
    awarded = db.session.execute(
        select(Nomination.tier, nominee.name, Nomination.household_name)
        .join(nominee, nominee.id == Nomination.area_id)
        .where(
            Nomination.round_id == round_.id,
            Nomination.status == Status.AWARDED,
            nominee.in_subtree_of(area),
        )
        .order_by(Nomination.tier, nominee.name, Nomination.household_name)
    ).all()
    tables.append(
        ReviewTable(
            _("Awarded models"),
            (_("Tier"), _("Area"), _("Household")),
            tuple((tier_label(t), name, household) for t, name, household in awarded),
        )
    )
    return ReviewSection(
        "progress",
        f"{title} · {round_.name}",
        figures=tuple(figures),
        tables=tuple(tables),
        order=130,
    )
