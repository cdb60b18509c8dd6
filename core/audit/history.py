"""The history of one record, read from the trail: who created, changed, deleted or restored it.

:func:`record_history` lists a record's events oldest first with who made each one, and the
ids its changes refer to (the members present at a visit, its farm, its team) replaced by
names; :func:`last_change` is the newest event of a record and :func:`last_changes` that of
many records at once (a page of a list). Each costs a fixed number of queries, however long
the history or the page.

Unlike the audit page, none of this carries the address or the request id of a change: the
history is shown to everyone who may read the record.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select

from core.database import read_rows
from core.extensions import db
from core.models import AuditEvent, Farm, Member, Team, User

#: fields whose recorded values are ids of other records, by table: the model whose ``name``
#: stands for them in a history (a list of ids for a many-to-many collection). Members, farms
#: and teams are only marked deleted, so a deleted one is still found by its id.
REFERENCES: dict[str, dict[str, type]] = {
    "visits": {"members_present": Member, "farm_id": Farm, "team_id": Team},
}


@dataclass(frozen=True)
class HistoryEntry:
    """One event of a record's history."""

    #: the position of the event on the trail
    id: int
    #: when it was saved (aware, UTC)
    at: datetime
    #: create, update, delete or restore
    action: str
    #: the user who made it (None for a command or a job)
    user_id: int | None
    #: that user's username (None for a command or a job, or a user no longer found)
    username: str | None
    #: that user's display name, else the username
    user_name: str | None
    #: outside requests, the command or job that made it (``job: core.x``)
    actor: str
    #: ``{field: [before, after]}`` as recorded
    changes: dict[str, list] = field(default_factory=dict)
    #: the same with referenced ids replaced by names (``members_present``: lists of names)
    shown: dict[str, list] = field(default_factory=dict)

    @property
    def who(self) -> str:
        """Who made it, for people: the user's name, ``#id`` for a user not found, else the
        command's or job's label."""
        if self.user_id is not None:
            return self.user_name or f"#{self.user_id}"
        return self.actor

    @property
    def by(self) -> str:
        """Who made it, for programs: the username, ``#id`` for a user not found, else the
        command's or job's label."""
        if self.user_id is not None:
            return self.username or f"#{self.user_id}"
        return self.actor


def _events(*where) -> list[HistoryEntry]:
    """The events matching ``where``, oldest first, with their user's names (one query)."""
    rows = db.session.execute(
        select(AuditEvent, User.username, User.display_name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(*where)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [
        HistoryEntry(
            id=event.id,
            at=event.at,
            action=event.action,
            user_id=event.user_id,
            username=username,
            user_name=display_name or username,
            actor=event.actor or "",
            changes=dict(event.changes or {}),
        )
        for event, username, display_name in rows
    ]


def _ids(value) -> list[int]:
    """The integer ids in a recorded value (one id, a list of ids, or None)."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _names(model: type, ids: set[int]) -> dict[int, str]:
    """``{id: name}`` of the ``model`` rows ``ids``, deleted ones included (one query)."""
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _named(value, names: dict[int, str]):
    """A recorded value with its ids replaced by names (``#id`` for a row not found)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return names.get(value, f"#{value}")
    return value


def _with_names(object_type: str, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """``entries`` with ``shown`` filled: one query per referenced model, whatever their
    number."""
    references = REFERENCES.get(object_type, {})
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for name, pair in entry.changes.items():
            model = references.get(name)
            if model is not None:
                for value in pair:
                    wanted.setdefault(model, set()).update(_ids(value))
    names = {model: _names(model, ids) for model, ids in wanted.items()}
    result = []
    for entry in entries:
        shown = {}
        for name, pair in entry.changes.items():
            model = references.get(name)
            shown[name] = [_named(v, names[model]) for v in pair] if model else list(pair)
        result.append(replace(entry, shown=shown))
    return result


def record_history(object_type: str, object_id) -> list[HistoryEntry]:
    """The events of the record ``object_id`` of the table ``object_type``, oldest first.

    Who made each one comes with the events (one query); the ids the changes name are replaced
    by names in ``shown`` (one more query per referenced model, see :data:`REFERENCES`). The
    caller checks that the reader may see the record.
    """
    entries = _events(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
    return _with_names(object_type, entries)


def records_events(object_type: str, object_ids: Iterable) -> list[HistoryEntry]:
    """The events of the records ``object_ids`` of the table ``object_type`` (a visit's
    photos, say), oldest first, with who made each one: one query, whatever their number. The
    ids their changes name stay ids; the caller checks that the reader may see the records."""
    ids = sorted({str(object_id) for object_id in object_ids})
    if not ids:
        return []
    return _events(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))


def last_change(object_type: str, object_id) -> HistoryEntry | None:
    """The newest event (create, update, delete or restore) of one record, with who made it;
    None when the trail holds none (a record older than the trail). One query."""
    return last_changes(object_type, [object_id]).get(str(object_id))


def last_changes(object_type: str, object_ids: Iterable) -> dict[str, HistoryEntry]:
    """The newest event of each record ``object_ids`` of ``object_type``, by id as text
    (records without events are left out). One query for any number of records; ``changes``
    are left out (``{}``), only who and when count here."""
    ids = sorted({str(object_id) for object_id in object_ids})
    if not ids:
        return {}
    newest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(ids))
        .group_by(AuditEvent.object_id)
    )
    rows = read_rows(
        select(
            AuditEvent.id,
            AuditEvent.object_id,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.user_id,
            AuditEvent.actor,
            User.username,
            User.display_name,
        )
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.id.in_(newest.scalar_subquery()))
    ).all()
    return {
        row.object_id: HistoryEntry(
            id=row.id,
            at=row.at,
            action=row.action,
            user_id=row.user_id,
            username=row.username,
            user_name=row.display_name or row.username,
            actor=row.actor or "",
        )
        for row in rows
    }
