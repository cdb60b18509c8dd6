"""The noticeboards section of the township review: four queries, whatever the data size."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import aliased

from core.plugin_api import Area, Member, ReviewFigure, ReviewSection, ReviewTable, Team, db, today
from plugins.noticeboards.models import Board, BoardUpdate, Training, training_attendees
from plugins.noticeboards.services import is_stale, stale_days


def review_section(area: Area, start: date, end: date) -> ReviewSection:
    """Boards, updates, stale boards and publicist training in ``area``'s subtree."""
    subtree = Area.subtree_ids(area)
    ref = min(end, today())
    days = stale_days()
    last = (
        select(BoardUpdate.board_id, func.max(BoardUpdate.updated_on).label("day"))
        .where(BoardUpdate.updated_on <= ref)
        .group_by(BoardUpdate.board_id)
        .subquery()
    )
    village = aliased(Area)
    boards = db.session.execute(
        select(
            Board.name,
            village.name,
            Member.name,
            Member.is_young_official,
            Board.created_at,
            last.c.day,
        )
        .join(village, village.id == Board.village_id)
        .outerjoin(Member, Member.id == Board.publicist_id)
        .outerjoin(last, last.c.board_id == Board.id)
        .where(Board.village_id.in_(subtree))
        .order_by(village.name, Board.name)
    ).all()
    stale = [
        row
        for row in boards
        if row[4].date() <= ref and is_stale(row[5] or row[4].date(), ref, days)
    ]
    updates, boards_updated = db.session.execute(
        select(func.count(BoardUpdate.id), func.count(distinct(BoardUpdate.board_id)))
        .join(Board, Board.id == BoardUpdate.board_id)
        .where(Board.village_id.in_(subtree), BoardUpdate.updated_on.between(start, end))
    ).one()
    in_area = (
        select(training_attendees.c.member_id)
        .join(Member, Member.id == training_attendees.c.member_id)
        .join(Team, Team.id == Member.team_id)
        .where(Team.village_id.in_(subtree))
    )
    trained = db.session.scalar(
        select(func.count(distinct(training_attendees.c.member_id)))
        .join(Training, Training.id == training_attendees.c.training_id)
        .where(Training.held_on.between(start, end), training_attendees.c.member_id.in_(in_area))
    )
    sessions, hours = db.session.execute(
        select(func.count(Training.id), func.coalesce(func.sum(Training.hours), 0)).where(
            Training.held_on.between(start, end),
            exists(in_area.where(training_attendees.c.training_id == Training.id)),
        )
    ).one()
    figures = (
        ReviewFigure(_("Noticeboards"), len(boards)),
        ReviewFigure(_("Boards updated in the period"), boards_updated),
        ReviewFigure(_("Board updates in the period"), updates),
        ReviewFigure(
            _("Boards not updated for %(days)s days", days=days), len(stale), flagged=bool(stale)
        ),
        ReviewFigure(_("Publicists trained in the period"), trained),
        ReviewFigure(_("Training sessions"), sessions),
        ReviewFigure(_("Training hours"), f"{float(hours):g}"),
    )
    table = ReviewTable(
        _("Stale boards"),
        (_("Board"), _("Village"), _("Publicist"), _("Last update")),
        tuple(
            (name, village_name, publicist or "", day.isoformat() if day else _("Never"))
            for name, village_name, publicist, _young, _created, day in stale
        ),
    )
    return ReviewSection(
        "noticeboards",
        _("Noticeboards and publicists"),
        figures=figures,
        tables=(table,),
        order=120,
    )
