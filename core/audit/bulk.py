"""Recording writes the ORM's flush never sees: bulk statements and whole-database events.

:mod:`core.audit.record` writes one row per object an ORM flush touched. A few writes go past
the unit of work on purpose: the demo builder inserts thousands of rows with one Core
``INSERT`` per table (recording each row would double its build time), and a restore replaces
the whole database. They record one row per statement or event here instead:

- :func:`record_bulk`: one row for a bulk statement on one table: the action, the table,
  the ids as a ``first-last`` range when they fit (else empty) and ``{"rows": [before,
  after]}`` (a create of 120 rows: ``[None, 120]``, a delete: ``[120, 0]``);
- :func:`record_event`: one row for an event that names no single record, e.g. a restore
  (``object_type`` ``backup``, the archive's name as the id).

Who and when are found by :func:`core.audit.record.who_acts`, as for every row: the user, API
token, address and request id of a request; else the label of a job
(:data:`core.audit.context.current_actor`) or of the ``kepu`` command
(:func:`core.audit.record.command_label`). The row is written on the session's connection,
so it commits and rolls back with the statement it records. These rows name no team or area
(a bulk statement spans many): only those who read the whole trail (admins) see them.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert

from core.audit.record import CREATE, DELETE, SKIPPED_TABLES, UPDATE, who_acts
from core.extensions import db
from core.models import AuditEvent, utcnow

#: the width of ``audit_events.object_id``
ID_WIDTH = 64


def record_bulk(
    table_name: str,
    ids: Sequence[Any] = (),
    action: str = CREATE,
    *,
    count: int | None = None,
    fields: Sequence[str] = (),
) -> None:
    """Record one bulk statement on ``table_name`` as one audit row (nothing for no rows).

    ``ids`` are the primary keys the statement wrote (empty for a link table without ids);
    ``count`` the number of rows when it is not ``len(ids)``; ``fields`` the columns a bulk
    update set (recorded as ``{"fields": [None, [...]]}``). Tables the trail skips
    (:data:`core.audit.record.SKIPPED_TABLES`) are not recorded.
    """
    rows = len(ids) if count is None else count
    if not rows or table_name in SKIPPED_TABLES:
        return
    before, after = {CREATE: (None, rows), DELETE: (rows, 0)}.get(action, (rows, rows))
    changes: dict[str, list] = {"rows": [before, after]}
    if fields and action == UPDATE:
        changes["fields"] = [None, sorted(fields)]
    record_event(action, table_name, _id_range(ids), changes)


def record_event(
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, list],
    *,
    team_id: int | None = None,
    area_id: int | None = None,
) -> None:
    """Write one audit row in the session's transaction; the caller commits.

    ``changes`` is ``{name: [before, after]}`` of JSON values, as in every audit row;
    ``object_id`` is cut to the column's 64 characters; ``team_id`` and ``area_id`` scope
    the row (none: only admins read it).
    """
    row = {
        **who_acts(),
        "at": utcnow(),
        "action": action,
        "object_type": object_type[:ID_WIDTH],
        "object_id": (object_id or "")[:ID_WIDTH],
        "changes": changes,
        "team_id": team_id,
        "area_id": area_id,
    }
    db.session.execute(insert(AuditEvent.__table__), [row])


def _id_range(ids: Sequence[Any]) -> str:
    """``first-last`` of the ids (a single id alone), or empty when it would not fit."""
    if not ids:
        return ""
    first, last = min(ids), max(ids)
    text = str(first) if first == last else f"{first}-{last}"
    return text if len(text) <= ID_WIDTH else ""
