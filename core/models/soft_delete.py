"""Soft deletion: rows that history or the review refers to are hidden, never removed.

Two mixins. :class:`SoftDeleteMixin` marks a row deleted (when and by whom) and leaves the
filtering to the queries that read it (teams, members, farms and events, whose lists and
history decide for themselves whether a deleted row still counts). :class:`HiddenWhenDeleted`
rows (visits, inspections, rectification items, plugin records such as noticeboard updates)
vanish from every ORM query once deleted, as they did when they were removed: a listener on
the session adds ``deleted_at IS NULL`` to every SELECT of them, joins, subqueries and
relationship loads included. A query that must see them asks with
``.execution_options(include_deleted=True)``; code that runs queries it does not write itself
(a paginator counting over a subquery) runs inside ``with including_deleted(session):``.
"""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Integer, event, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

from core.models.base import UTCDateTime, utcnow

#: the execution option that lets a query see hidden deleted rows
INCLUDE_DELETED = "include_deleted"
#: the keywords of a partial index of the live rows (both engines), e.g.
#: ``Index("ix_visits_farm_date", "farm_id", "visited_on", **LIVE_ONLY)``
LIVE_ONLY = {
    "sqlite_where": text("deleted_at IS NULL"),
    "postgresql_where": text("deleted_at IS NULL"),
}


class SoftDeleteMixin:
    """Rows that history refers to are hidden, never removed; who deleted them is kept."""

    #: when the row was deleted; NULL while it is live
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the user who deleted it (no foreign key, like the trail's user ids: users are never
    #: removed, and the key would tie every table to ``users`` in a cycle)
    deleted_by_id: Mapped[int | None] = mapped_column(Integer, default=None)

    @property
    def is_deleted(self) -> bool:
        """True once the row has been soft-deleted."""
        return self.deleted_at is not None

    def soft_delete(self, by=None) -> None:
        """Hide the row from lists while keeping it for history; ``by`` is the user (or None
        for a command or job, which the audit trail names)."""
        self.deleted_at = utcnow()
        self.deleted_by_id = getattr(by, "id", None)

    def restore(self) -> None:
        """Bring a soft-deleted row back."""
        self.deleted_at = None
        self.deleted_by_id = None


@contextmanager
def including_deleted(session) -> Iterator[None]:
    """Let every query of ``session`` inside the block see deleted rows."""
    before = session.info.get(INCLUDE_DELETED, False)
    session.info[INCLUDE_DELETED] = True
    try:
        yield
    finally:
        session.info[INCLUDE_DELETED] = before


class HiddenWhenDeleted(SoftDeleteMixin):
    """A soft-deletable row that no ORM query sees once deleted, unless it asks with
    ``include_deleted=True``."""


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted_rows(state: ORMExecuteState) -> None:
    """Add ``deleted_at IS NULL`` for every :class:`HiddenWhenDeleted` entity of a SELECT."""
    if (
        state.is_select
        and not state.is_column_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
        and not state.session.info.get(INCLUDE_DELETED, False)
    ):
        state.statement = _live_only(state.statement)


def _live_only(statement):
    """``statement`` with the criteria, made once per statement object."""
    try:
        live = _LIVE_STATEMENTS.get(statement)
    except TypeError:  # a statement that cannot be weakly referenced: made each time
        return statement.options(_LIVE_ONLY_CRITERIA)
    if live is None:
        live = _LIVE_STATEMENTS[statement] = statement.options(_LIVE_ONLY_CRITERIA)
    return live


#: each statement with the criteria added, kept while the statement lives: a statement built
#: once and run often (a hot path's) keeps one copy whose cache key SQLAlchemy computes once,
#: where a new copy per run would cost its whole key again
_LIVE_STATEMENTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

#: the criteria, built once (an option built per query costs as much as a small query)
_LIVE_ONLY_CRITERIA = with_loader_criteria(
    HiddenWhenDeleted, lambda cls: cls.deleted_at.is_(None), include_aliases=True
)
