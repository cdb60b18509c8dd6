"""Recording the trail: an ``after_flush`` listener on every ORM session.

After a flush the session still holds what it flushed: the new objects (with their ids now),
the changed ones with each attribute's history, the deleted ones with their values. One row
per object is written with one Core INSERT on the flush's own connection, so the trail commits
and rolls back with the change. Core and plugin models share the metadata, so a plugin's
records are recorded without any code of its own. Writes that bypass the ORM unit of work
(``session.execute(update(...))``, Core statements, migrations) are not seen.
"""

import json
import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import click
from flask import g, has_request_context, request
from sqlalchemy import Integer, bindparam, event, func, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper, Session

from core.audit.context import current_actor
from core.logs import request_id, request_user_id
from core.models import AuditEvent, Base, Member, Team, utcnow

#: tables never recorded: the trail itself, and technical state that changes by itself and
#: says nothing about who did what (scheduler runs, lease and job store, the calendar render
#: cache, the delivery state of notifications, Alembic's version)
SKIPPED_TABLES = frozenset(
    {
        "audit_events",
        "job_runs",
        "scheduler_leases",
        "apscheduler_jobs",
        "calendar_cache",
        "notifications",
        "alembic_version",
    }
)
#: fields never recorded, in any table: instants the row keeps itself (the event has its own
#: time) and the calendar revision that rises on every change
NOISE_FIELDS = frozenset({"created_at", "updated_at", "revision"})
#: fields never recorded in one table: they change on every use, not by anyone's decision
NOISE_TABLE_FIELDS = {"api_tokens": frozenset({"last_used_at"})}
#: fields whose values are secrets: recorded as changed, with the value ``***``
SECRET_FIELD = re.compile(r"(?:^|_)(?:password|secret|token|hash)(?:_|$)", re.IGNORECASE)
MASK = "***"
CREATE, UPDATE, DELETE, RESTORE = "create", "update", "delete", "restore"


def init_app(app) -> None:
    """Listen to every ORM session's flushes (once per process, whatever the number of apps),
    and make every column keep its value from before a change."""
    if not event.contains(Session, "after_flush", record_flush):
        event.listen(Session, "after_flush", record_flush)
    if not event.contains(Mapper, "mapper_configured", keep_previous_values):
        event.listen(Mapper, "mapper_configured", keep_previous_values)
    for mapper in Base.registry.mappers:
        if mapper.configured:  # the others get it when configured, at their first use:
            keep_previous_values(mapper, mapper.class_)  # start-up need not configure them


def keep_previous_values(mapper: Mapper, cls) -> None:
    """Load a column's stored value before it is replaced when it was not loaded (expired
    after a commit): without it the change would record ``before`` as unknown (None)."""
    for prop in mapper.column_attrs:
        attribute = getattr(cls, prop.key)
        if not event.contains(attribute, "set", _keep):
            event.listen(attribute, "set", _keep, active_history=True)


def _keep(target, value, oldvalue, initiator):
    """No-op ``set`` listener: registering it with ``active_history`` is what loads the value."""
    return value


def record_flush(session: Session, flush_context) -> None:
    """Write one audit row per object the flush created, changed or deleted."""
    rows = []
    for obj in session.new:
        rows.append(_row(obj, CREATE))
    for obj in session.dirty:
        if session.is_modified(obj):
            rows.append(_row(obj, UPDATE))
    for obj in session.deleted:
        rows.append(_row(obj, DELETE))
    rows = [row for row in rows if row is not None]
    if not rows:
        return
    who = who_acts()
    now = utcnow()
    for row in rows:
        row.update(who, at=now)
    connection = session.connection(bind_arguments={"mapper": sa_inspect(AuditEvent)})
    connection.execute(_insert_statement(), rows)


def _insert_statement():
    """The INSERT of the trail: the team found from a member, the area from the team, in SQL
    (no query of its own)."""
    member_team = (
        select(Member.team_id).where(Member.id == bindparam("member_ref")).scalar_subquery()
    )
    team = func.coalesce(bindparam("given_team", type_=Integer), member_team)
    team_area = select(Team.village_id).where(Team.id == team).scalar_subquery()
    return insert(AuditEvent.__table__).values(
        team_id=team,
        area_id=func.coalesce(bindparam("given_area", type_=Integer), team_area),
    )


def _row(obj, action: str) -> dict | None:
    """The audit row of one object (without who and when), or None when nothing is recorded."""
    state = sa_inspect(obj)
    mapper = state.mapper
    table = mapper.local_table
    name = getattr(table, "name", None)
    if name is None or name in SKIPPED_TABLES:
        return None
    changes = _changes(state, action, name)
    if action == UPDATE:
        if not changes:
            return None
        deleted_at = changes.get("deleted_at")
        if deleted_at and deleted_at[0] is None and deleted_at[1] is not None:
            action = DELETE  # a soft delete
        elif deleted_at and deleted_at[0] is not None and deleted_at[1] is None:
            action = RESTORE
    identity = state.identity or mapper.primary_key_from_instance(obj)
    values = state.dict
    given_team = values.get("team_id") if "team_id" in table.c else None
    given_area = values.get("village_id") if "village_id" in table.c else None
    if given_area is None and "area_id" in table.c:
        given_area = values.get("area_id")
    if name == "teams":
        given_team = values.get("id")
    elif name == "areas":
        given_area = values.get("id")
    return {
        "action": action,
        "object_type": name,
        "object_id": ",".join(str(part) for part in identity)[:64],
        "changes": changes,
        "given_team": given_team,
        "given_area": given_area,
        "member_ref": values.get("member_id") if "member_id" in table.c else None,
    }


def _changes(state, action: str, table: str) -> dict[str, list]:
    """``{field: [before, after]}`` of the object's columns and many-to-many collections."""
    skipped = NOISE_FIELDS | NOISE_TABLE_FIELDS.get(table, frozenset())
    primary = {column.key for column in state.mapper.primary_key}
    changes = {}
    for prop in state.mapper.column_attrs:
        column = prop.columns[0]
        if column.key in skipped or column.key in primary:
            continue
        if action == UPDATE:
            history = state.attrs[prop.key].history
            if not history.added and not history.deleted:
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if not history.deleted and SECRET_FIELD.search(column.key):
                before = MASK  # not loaded before the change: a secret was replaced
        else:
            value = state.dict.get(prop.key)
            if value is None:
                continue
            before, after = (None, value) if action == CREATE else (value, None)
        if before == after:
            continue
        changes[column.key] = _pair(column.key, before, after)
    for prop in state.mapper.relationships:
        if prop.secondary is None or not prop.uselist:
            continue
        history = state.attrs[prop.key].history
        if action == UPDATE and not history.has_changes():
            continue
        kept = list(history.unchanged or ())
        before = sorted(_ids([*kept, *(history.deleted or ())]))
        after = sorted(_ids([*kept, *(history.added or ())]))
        if action == CREATE:
            before = []
        elif action == DELETE:
            after = []
        if before != after:
            changes[prop.key] = [before, after]
    return changes


def _ids(objects) -> list:
    """The ids of related objects."""
    return [getattr(obj, "id", None) for obj in objects]


def _pair(field: str, before, after) -> list:
    """``[before, after]`` as JSON values; a secret field's values masked."""
    if SECRET_FIELD.search(field):
        return [None if before is None else MASK, None if after is None else MASK]
    return [_json(before), _json(after)]


def _json(value):
    """``value`` as a JSON value: enums by value, days and instants in ISO 8601."""
    if value is None or isinstance(value, bool | int | float | str) and not isinstance(value, Enum):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def who_acts() -> dict:
    """Who makes the change and from where: the user, token, address and request id of a
    request; a job's or command's label outside."""
    label = current_actor.get()
    who = {"user_id": None, "token_id": None, "actor": label, "remote_addr": "", "request_id": ""}
    if has_request_context():
        who["user_id"] = request_user_id()
        who["token_id"] = g.get("api_token_id")
        who["remote_addr"] = (request.remote_addr or "")[:64]
        who["request_id"] = (request_id() or "")[:64]
    elif not label:
        who["actor"] = command_label()
    return who


def command_label() -> str:
    """``command: kepu users create`` inside a ``kepu`` command, else empty."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return ""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return ("command: " + " ".join(["kepu", *reversed(names)]))[:200]
