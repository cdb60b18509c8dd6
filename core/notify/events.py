"""Telling an event's organising teams that it was cancelled or moved (inbox, and email)."""

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.dates import to_local
from core.extensions import db
from core.models import Event, User
from core.notify.inbox import notify, path_for


def tell_organisers(event: Event, what: str | None, by: User | None) -> int:
    """Notify the users of the event's organising teams (not ``by``, who made the change)
    that it was ``"cancelled"`` or ``"moved"`` (nothing for None); email follows when mail
    is configured. Once per revision of the event. Commits; how many were notified."""
    team_ids = [team.id for team in event.teams]
    if what is None or not team_ids:
        return 0
    users = db.session.scalars(
        select(User).where(User.team_id.in_(team_ids), User.active.is_(True))
    ).all()
    users = [user for user in users if by is None or user.id != by.id]
    if what == "cancelled":
        subject = _l("Event cancelled: %(title)s", title=event.title)
    else:
        subject = _l("Event moved: %(title)s", title=event.title)
    starts, place = to_local(event.starts_at), event.place or ""

    def body(user: User) -> str:
        """When and where, in the user's language and the local zone."""
        return " · ".join(filter(None, [format_datetime(starts, "short"), place]))

    return notify(
        users,
        subject,
        body,
        url=path_for("events.detail", event_id=event.id),
        key=f"event-{what}:{event.id}:{event.revision}",
    )
