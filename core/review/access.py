"""Who opens the review, and of which areas: admins all, reviewers their area's subtree."""

from sqlalchemy import select

from core.extensions import db
from core.models import Area, Role, User


def may_review(user: User) -> bool:
    """Admins, and reviewers with an area, open the review; leaders and members do not."""
    return user.is_authenticated and (
        user.role == Role.ADMIN or (user.role == Role.REVIEWER and user.area_id is not None)
    )


def may_see_area(user: User, area: Area) -> bool:
    """True when ``user`` may review ``area``."""
    if not may_review(user):
        return False
    return user.role == Role.ADMIN or user.area.contains(area)


def default_area(user: User) -> Area | None:
    """A reviewer's own area; for an admin, the first root area (the county)."""
    if user.role == Role.REVIEWER:
        return user.area
    return db.session.scalars(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.name, Area.id).limit(1)
    ).first()
