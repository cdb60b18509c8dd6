"""Where the review opens when no area is asked for (who may open which area is decided by
``core.permissions.may_review`` and ``may_review_area``)."""

from sqlalchemy import select

from core.extensions import db
from core.models import Area, Role, User


def default_area(user: User) -> Area | None:
    """A reviewer's own area; for an admin, the first root area (the county)."""
    if user.role == Role.REVIEWER:
        return user.area
    return db.session.scalars(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.name, Area.id).limit(1)
    ).first()
