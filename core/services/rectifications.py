"""Rectification items (限期整改): creating them, following them up, and the overdue ones.

An item is open or done (stored); it is *overdue* when it is open past its deadline, computed
against ``rules.today()`` and never stored. An open item *awaits review* (stored) while a
progress report of its unit is neither accepted nor sent back
(``core.services.rectification_steps``). Reviewers (inside their area) and admins create
and follow up items; the leader and members of the team concerned read them (see
``core.permissions.unit_scope``).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import joinedload

from core import rules
from core.extensions import db
from core.models import (
    AssessmentResult,
    Inspection,
    Outcome,
    Rectification,
    RectificationStatus,
    User,
)
from core.permissions import may_review_area, rectification_scope
from core.services import FieldErrors, clean_text
from core.services.inspections import resolve_unit

#: longest requirement and completion note
MAX_TEXT = 5000


class StatusFilter(StrEnum):
    """What the lists filter on: the stored statuses, the computed "overdue", and the open
    items whose progress report awaits review."""

    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    AWAITING = "awaiting"


def overdue_clause(on: date | None = None) -> ColumnElement[bool]:
    """A WHERE clause keeping the items open past their deadline on ``on`` (today)."""
    return and_(
        Rectification.status == RectificationStatus.OPEN,
        Rectification.deadline < (on or rules.today()),
    )


def is_overdue(item: Rectification, on: date | None = None) -> bool:
    """True when ``item`` is open past its deadline."""
    return item.status == RectificationStatus.OPEN and item.deadline < (on or rules.today())


def status_clause(status: StatusFilter | str) -> ColumnElement[bool]:
    """A WHERE clause for a list's status filter."""
    if status == StatusFilter.OVERDUE:
        return overdue_clause()
    if status == StatusFilter.AWAITING:
        return and_(
            Rectification.status == RectificationStatus.OPEN,
            Rectification.awaiting_review.is_(True),
        )
    return Rectification.status == RectificationStatus(status)


def overdue_rectifications(user: User) -> list[Rectification]:
    """The items ``user`` may read that are open past their deadline, oldest deadline first.

    The home page lists them, and the weekly digest includes them.
    """
    return list(
        db.session.scalars(
            select(Rectification)
            .where(rectification_scope(user), overdue_clause())
            .options(joinedload(Rectification.team), joinedload(Rectification.village))
            .order_by(Rectification.deadline, Rectification.id)
        )
    )


@dataclass
class RectificationInput:
    """What a page or API call submits for an item.

    The unit is a team or a village; it is taken from the criticism (``result_id``) or the
    inspection (``inspection_id``) when one is named.
    """

    requirement: str
    deadline: date | None
    team_id: int | None = None
    village_id: int | None = None
    title: str = ""
    result_id: int | None = None
    inspection_id: int | None = None


def _source_unit(errors: dict, user: User, data: RectificationInput) -> None:
    """Fill the unit of ``data`` from its criticism or inspection, noting bad references."""
    if data.result_id:
        result = db.session.get(AssessmentResult, data.result_id)
        if result is None or result.outcome != Outcome.CRITICISE:
            errors["result_id"] = [_("Choose a criticism of a confirmed assessment.")]
        else:
            data.team_id, data.village_id = result.team_id, None
    if data.inspection_id:
        inspection = db.session.get(Inspection, data.inspection_id)
        if inspection is None or not may_review_area(user, inspection.village):
            errors["inspection_id"] = [_("Choose an inspection inside your area.")]
        elif not data.result_id:
            data.team_id, data.village_id = inspection.team_id, inspection.village_id


def create_rectification(user: User, data: RectificationInput) -> Rectification:
    """Create an open item for a unit inside ``user``'s area. Commits."""
    errors: dict[str, list[str]] = {}
    _source_unit(errors, user, data)
    team, village = resolve_unit(errors, data.team_id, data.village_id)
    if village is not None and not may_review_area(user, village):
        errors["team_id" if team else "village_id"] = [
            _("Choose a team or a village inside your area.")
        ]
    title = clean_text(errors, "title", data.title, 200)
    requirement = clean_text(errors, "requirement", data.requirement, MAX_TEXT, required=True)
    if data.deadline is None:
        errors["deadline"] = [_("Enter the deadline.")]
    elif data.deadline < rules.today():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        raise FieldErrors(errors)
    item = Rectification(
        team=team,
        village=village,
        title=title,
        requirement=requirement,
        deadline=data.deadline,
        result_id=data.result_id or None,
        inspection_id=data.inspection_id or None,
        created_by=user,
    )
    db.session.add(item)
    db.session.commit()
    return item


def update_rectification(
    item: Rectification, title: str, requirement: str, deadline: date | None
) -> Rectification:
    """Change what an item asks and its deadline (caller checked permission). Commits.

    A deadline may be moved (extended, or corrected), never to a day already past.
    """
    errors: dict[str, list[str]] = {}
    title = clean_text(errors, "title", title, 200)
    requirement = clean_text(errors, "requirement", requirement, MAX_TEXT, required=True)
    if deadline is None:
        errors["deadline"] = [_("Enter the deadline.")]
    elif deadline != item.deadline and deadline < rules.today():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if errors:
        raise FieldErrors(errors)
    item.title, item.requirement, item.deadline = title, requirement, deadline
    db.session.commit()
    return item


def mark_done(
    user: User, item: Rectification, note: str, done_on: date | None = None
) -> Rectification:
    """Record an item as put right, with a note saying how (required); a report awaiting
    review no longer does. Commits."""
    errors: dict[str, list[str]] = {}
    note = clean_text(errors, "done_note", note, MAX_TEXT, required=True)
    done_on = done_on or rules.today()
    if done_on > rules.today():
        errors["done_on"] = [_("The day cannot be in the future.")]
    if item.status == RectificationStatus.DONE:
        errors["status"] = [_("This item is already done.")]
    if errors:
        raise FieldErrors(errors)
    item.status, item.done_on, item.done_note, item.done_by = (
        RectificationStatus.DONE,
        done_on,
        note,
        user,
    )
    item.awaiting_review = False
    db.session.commit()
    return item


def reopen(item: Rectification) -> Rectification:
    """Open a done item again (it was not really put right). Commits."""
    item.status, item.done_on, item.done_note, item.done_by = (
        RectificationStatus.OPEN,
        None,
        "",
        None,
    )
    item.awaiting_review = False
    db.session.commit()
    return item


def delete_rectification(item: Rectification, user: User | None) -> None:
    """Delete an item created by mistake (caller checked permission): soft, with who and when,
    so an admin can restore it. Commits."""
    item.soft_delete(user)
    db.session.commit()
