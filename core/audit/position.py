"""The trail's position: what a confirmed result cites as the state of its data.

A confirmed assessment, an issued bulletin or an award keeps the id of the last audit event
when it was made (:func:`current_position`). Every later change has a higher id, so
:func:`changes_since` counts the changes to the records of an area made after it.
"""

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.record import SKIPPED_TABLES
from core.database import read_rows
from core.extensions import db
from core.models import Area, AuditEvent

#: the records whose changes alter what a result was computed from (a plugin's records are
#: counted too: every table not listed here as a result itself or skipped by the trail)
RESULT_TABLES = frozenset(
    {
        "assessments",
        "assessment_results",
        "manual_scores",
        "bulletins",
        "users",
        "api_tokens",
        "password_resets",
        "calendar_feeds",
        "plugin_states",
    }
)


#: the newest audit event, built once and read without the ORM (a conditional feed request is
#: little more than this read)
_NEWEST = (
    select(AuditEvent.__table__.c.id, AuditEvent.__table__.c.at)
    .order_by(AuditEvent.__table__.c.id.desc())
    .limit(1)
)


def latest_change() -> tuple[int, datetime | None]:
    """The newest audit event's id and time ((0, None) while the trail is empty): what every
    recorded write moves, read with one indexed query (a feed's validators)."""
    row = read_rows(_NEWEST).first()
    return (row.id, row.at) if row is not None else (0, None)


def current_position() -> int:
    """The id of the newest audit event (0 while the trail is empty)."""
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0


def changes_since(position: int | None, area: Area | None) -> int | None:
    """How many changes to the records of ``area``'s subtree (all areas for None) came after
    ``position``; None when no position was kept (a result older than the trail)."""
    if position is None:
        return None
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.id > position,
        AuditEvent.object_type.not_in(RESULT_TABLES | SKIPPED_TABLES),
    )
    if area is not None:
        query = query.where(AuditEvent.area_id.in_(Area.subtree_ids(area).scalar_subquery()))
    return db.session.scalar(query)


def stamp_position(*records) -> int | None:
    """Flush, then store the trail's position on ``records`` (rows with an ``audit_position``
    column, all of one model): the id of the newest audit event, the result's own included.

    The stamp is written with a Core UPDATE, which the trail does not record: the result's own
    changes stay at or before the position it names, so ``changes_since`` and the audit page's
    ``?after=`` show only what changed later. Not committed; None when there is no record.
    """
    if not records:
        return None
    db.session.flush()
    position = current_position()
    table = type(records[0]).__table__
    db.session.execute(
        update(table)
        .where(table.c.id.in_([record.id for record in records]))
        .values(audit_position=position)
    )
    for record in records:
        set_committed_value(record, "audit_position", position)
    return position
