"""Telling the other side of a rectification item about a follow-up step (inbox, and email).

A progress report goes to the reviewers who follow the item up: its creator, when they still
review its village, and the reviewers of the nearest area above the village that has any (the
township's before the county's). An acceptance or a send-back goes to the leaders of the unit:
the team's leader, or the leaders of the village's teams for an item of a village as a whole.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.models import (
    Rectification,
    RectificationStep,
    Role,
    StepKind,
    Team,
    User,
)
from core.notify.inbox import notify, path_for
from core.permissions import may_review_area


def following_reviewers(item: Rectification) -> list[User]:
    """The active reviewers told of a report: the item's creator (when they still review its
    village) and the reviewers of the nearest area above it that has any."""
    lineage = item.village.lineage
    reviewers = db.session.scalars(
        select(User)
        .where(
            User.role == Role.REVIEWER,
            User.active.is_(True),
            User.area_id.in_([area.id for area in lineage]),
        )
        .order_by(User.id)
    ).all()
    nearest = max((len(r.area.path) for r in reviewers), default=0)
    chosen = [r for r in reviewers if len(r.area.path) == nearest]
    creator = item.created_by
    if creator is not None and creator.active and may_review_area(creator, item.village):
        chosen.insert(0, creator)
    return chosen


def unit_leaders(item: Rectification) -> list[User]:
    """The active leaders of the unit: the team's, or those of the village's live teams."""
    if item.team_id is not None:
        teams = [item.team_id]
    else:
        teams = select(Team.id).where(Team.village_id == item.village_id, Team.deleted_at.is_(None))
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.LEADER, User.active.is_(True), User.team_id.in_(teams))
            .order_by(User.id)
        )
    )


def _subjects(item: Rectification):
    """The subject of each kind of step, lazily translated for each recipient."""
    title = item.title or item.requirement[:60]
    unit = item.unit_name
    return {
        StepKind.REPORT: _l(
            "Rectification progress to review: %(unit)s · %(title)s", unit=unit, title=title
        ),
        StepKind.ACCEPTED: _l(
            "Rectification accepted: %(unit)s · %(title)s", unit=unit, title=title
        ),
        StepKind.SENT_BACK: _l(
            "Rectification sent back: %(unit)s · %(title)s", unit=unit, title=title
        ),
    }


def tell_other_side(item: Rectification, step: RectificationStep) -> int:
    """Notify the reviewers of a report, or the unit's leaders of an acceptance or send-back
    (never the step's author), once per step. Commits; how many were notified."""
    users = following_reviewers(item) if step.kind == StepKind.REPORT else unit_leaders(item)
    users = [user for user in users if user.id != step.author_id]
    return notify(
        users,
        _subjects(item)[step.kind],
        step.text,
        url=path_for("rectifications.detail", item_id=item.id),
        key=f"rectification-step:{step.id}",
    )
