"""The party day section of the township review: five queries, whatever the data size."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, ReviewFigure, ReviewSection, ReviewTable, db, path_for
from plugins.party_day.models import Case, CaseRound, Equipment, PartyDay, Viewing, ViewingVillage
from plugins.party_day.services import missing, quarter_label, quarter_of, quarters_between


def percent(present: int, size: int) -> str:
    """An attendance rate as text, e.g. ``83%`` (empty when nothing was counted)."""
    return f"{round(100 * present / size)}%" if size else ""


def village_quarters(area: Area, start: date, end: date):
    """The villages of ``area``'s subtree and, per village and quarter of the period, the party
    days held and the members present and expected."""
    villages = db.session.scalars(
        select(Area)
        .where(Area.kind == AreaKind.VILLAGE, Area.id.in_(Area.subtree_ids(area)))
        .order_by(Area.name, Area.id)
    ).all()
    counts: dict[tuple[int, tuple[int, int]], list[int]] = {}
    rows = db.session.execute(
        select(PartyDay.village_id, PartyDay.held_on, PartyDay.present, PartyDay.branch_size).where(
            PartyDay.village_id.in_(Area.subtree_ids(area)),
            PartyDay.held_on.between(start, end),
        )
    ).tuples()
    for village_id, held_on, present, size in rows:
        cell = counts.setdefault((village_id, quarter_of(held_on)), [0, 0, 0])
        cell[0], cell[1], cell[2] = cell[0] + 1, cell[1] + present, cell[2] + size
    return villages, counts


def review_section(area: Area, start: date, end: date) -> ReviewSection:
    """Party days per village and quarter, attendance and equipment in ``area``'s subtree."""
    villages, counts = village_quarters(area, start, end)
    quarters = quarters_between(start, end)
    equipment = {
        row.village_id: row
        for row in db.session.scalars(
            select(Equipment).where(Equipment.village_id.in_([v.id for v in villages]))
        )
    }
    held = sum(cell[0] for cell in counts.values())
    present = sum(cell[1] for cell in counts.values())
    size = sum(cell[2] for cell in counts.values())
    every_quarter = [v for v in villages if all((v.id, q) in counts for q in quarters)]
    unready = [v for v in villages if missing(equipment.get(v.id))]
    no_computer = [v for v in villages if not getattr(equipment.get(v.id), "has_computer", False)]
    list_url = path_for(
        "party_day.index", area=area.id, **{"from": start.isoformat(), "to": end.isoformat()}
    )
    watched, members = db.session.execute(
        select(
            func.count(func.distinct(ViewingVillage.village_id)), func.sum(ViewingVillage.present)
        )
        .join(Viewing, Viewing.id == ViewingVillage.viewing_id)
        .where(
            ViewingVillage.village_id.in_(Area.subtree_ids(area)),
            ViewingVillage.present > 0,
            Viewing.held_on.between(start, end),
        )
    ).one()
    entered, won = db.session.execute(
        select(func.count(Case.id), func.count(Case.id).filter(Case.winner.is_(True)))
        .join(CaseRound, CaseRound.id == Case.round_id)
        .where(
            Case.village_id.in_(Area.subtree_ids(area)),
            CaseRound.year.between(start.year, end.year),
        )
    ).one()
    figures = (
        ReviewFigure(_("Villages"), len(villages)),
        ReviewFigure(_("Party days held in the period"), held, url=list_url),
        ReviewFigure(
            _("Villages with a party day in every quarter"),
            len(every_quarter),
            flagged=len(every_quarter) < len(villages),
        ),
        ReviewFigure(_("Attendance rate"), percent(present, size) or "-"),
        ReviewFigure(
            _("Villages without a computer"),
            len(no_computer),
            flagged=bool(no_computer),
            url=path_for("party_day.equipment", area=area.id, lacking=1),
        ),
        ReviewFigure(
            _("Villages that cannot hold one without help"), len(unready), flagged=bool(unready)
        ),
        ReviewFigure(
            _("Villages that watched a county-wide viewing"),
            watched,
            url=path_for("party_day.viewings"),
        ),
        ReviewFigure(_("Party members watching county-wide viewings"), members or 0),
        ReviewFigure(
            _("Best-case competition: cases entered"), entered, url=path_for("party_day.rounds")
        ),
        ReviewFigure(_("Best-case competition: winning cases"), won),
    )
    per_quarter = ReviewTable(
        _("Party days per village and quarter"),
        (_("Village"), *(quarter_label(*q) for q in quarters), _("Attendance rate")),
        tuple(
            (
                v.name,
                *(counts.get((v.id, q), [0])[0] for q in quarters),
                percent(
                    sum(counts.get((v.id, q), [0, 0, 0])[1] for q in quarters),
                    sum(counts.get((v.id, q), [0, 0, 0])[2] for q in quarters),
                ),
            )
            for v in villages
        ),
    )
    lacking = ReviewTable(
        _("Villages without the equipment for an online party day"),
        (_("Village"), _("Lacks")),
        tuple((v.name, "、".join(missing(equipment.get(v.id)))) for v in unready),
    )
    return ReviewSection(
        "party_day",
        _("Online science party days"),
        figures=figures,
        tables=(per_quarter, lacking),
        order=140,
    )
