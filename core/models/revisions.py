"""Records published in calendar feeds carry a revision that rises on every change.

Calendar clients replace an entry only when its SEQUENCE rises, so the revision must follow
every real change, whoever makes it (a page, the API, a job): one ``before_flush`` listener
raises it for every model that inherits :class:`RevisionMixin`.
"""

from sqlalchemy import Integer
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column


class RevisionMixin:
    """A ``revision`` column raised on every change (the iCalendar SEQUENCE)."""

    #: raised on every change; becomes the calendar SEQUENCE
    revision: Mapped[int] = mapped_column(Integer, default=0)


@sa_event.listens_for(Session, "before_flush")
def _bump_revisions(session, flush_context, instances) -> None:
    """Raise ``revision`` of every changed revisioned row (unless the change set it itself)."""
    for obj in session.dirty:
        if not isinstance(obj, RevisionMixin) or not session.is_modified(obj):
            continue
        history = sa_inspect(obj).attrs.revision.history
        if not history.has_changes():
            obj.revision = (obj.revision or 0) + 1
