"""The expert desk's section of the township review: one query, figures computed in Python."""

from datetime import date
from statistics import median

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.plugin_api import (
    Area,
    DigestSection,
    ReviewFigure,
    ReviewSection,
    ReviewTable,
    User,
    db,
    today,
)
from plugins.expert_desk.models import Expert, Question
from plugins.expert_desk.services import OPEN_STATUSES


def period_rows(area: Area, start: date, end: date) -> list:
    """(village, expert, status, asked_on, answered_on, due_on, solved) of the questions asked
    in ``area``'s subtree between ``start`` and ``end`` (merged duplicates left out)."""
    village = aliased(Area)
    return db.session.execute(
        select(
            village.name,
            Expert.name,
            Question.status,
            Question.asked_on,
            Question.answered_on,
            Question.due_on,
            Question.solved,
        )
        .join(village, village.id == Question.village_id)
        .outerjoin(Expert, Expert.id == Question.expert_id)
        .where(
            Question.village_id.in_(Area.subtree_ids(area)),
            Question.asked_on.between(start, end),
            Question.status != "merged",
        )
        .order_by(village.name)
    ).all()


def figures_of(rows, ref: date) -> dict:
    """Asked, answered, overdue, median days to answer and share solved of ``rows``."""
    answered = [r for r in rows if r.answered_on is not None]
    days = [(r.answered_on - r.asked_on).days for r in answered]
    rated = [r for r in answered if r.solved is not None]
    solved = sum(1 for r in rated if r.solved)
    return {
        "asked": len(rows),
        "answered": len(answered),
        "overdue": sum(1 for r in rows if r.status in OPEN_STATUSES and r.due_on < ref),
        "median_days": f"{median(days):g}" if days else "–",
        "solved": f"{round(100 * solved / len(rated))}%" if rated else "–",
    }


def _table(title, heading, rows, key, ref):
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(key(row) or _("Not routed"), []).append(row)
    lines = []
    for name in sorted(groups):
        f = figures_of(groups[name], ref)
        lines.append((name, f["asked"], f["answered"], f["overdue"], f["median_days"], f["solved"]))
    return ReviewTable(
        title,
        (heading, _("Asked"), _("Answered"), _("Overdue"), _("Median days to answer"), _("Solved")),
        tuple(lines),
    )


def review_section(area: Area, start: date, end: date) -> ReviewSection:
    """Questions asked, answered, overdue, median days to answer, share solved: in all, per
    village and per expert."""
    rows = period_rows(area, start, end)
    ref = min(end, today())
    f = figures_of(rows, ref)
    figures = (
        ReviewFigure(_("Questions asked"), f["asked"]),
        ReviewFigure(_("Questions answered"), f["answered"]),
        ReviewFigure(_("Questions overdue"), f["overdue"], flagged=bool(f["overdue"])),
        ReviewFigure(_("Median days to answer"), f["median_days"]),
        ReviewFigure(_("Share solved (of those with feedback)"), f["solved"]),
    )
    return ReviewSection(
        "expert_desk",
        _("Expert Q&A desk"),
        figures=figures,
        tables=(
            _table(_("Questions per village"), _("Village"), rows, lambda r: r[0], ref),
            _table(_("Questions per expert"), _("Expert"), rows, lambda r: r[1], ref),
        ),
        order=125,
    )


def digest_section(user: User, start: date, end: date) -> DigestSection | None:
    """A reviewer's weekly lines: questions asked and answered in the week, and each question
    of the area waiting past its due date now (none: no section)."""
    if user.area is None:
        return None
    rows = period_rows(user.area, start, end)
    f = figures_of(rows, today())
    village = aliased(Area)
    overdue = db.session.execute(
        select(Question.id, village.name, Question.subject, Question.text, Question.due_on)
        .join(village, village.id == Question.village_id)
        .where(
            Question.village_id.in_(Area.subtree_ids(user.area)),
            Question.status.in_(OPEN_STATUSES),
            Question.due_on < today(),
        )
        .order_by(Question.due_on, Question.id)
    ).all()
    if not rows and not overdue:
        return None
    lines = [_("%(asked)s questions asked, %(answered)s answered", **f)]
    lines += [
        _(
            "Overdue since %(day)s: #%(id)s %(village)s, %(subject)s",
            day=due.isoformat(),
            id=qid,
            village=name,
            subject=subject or text[:30],
        )
        for qid, name, subject, text, due in overdue
    ]
    return DigestSection(_("Expert Q&A desk"), tuple(lines), order=125)
