"""Deleted records, and bringing them back (admins).

Every soft-deletable model, core or plugin, takes part without code of its own: the records
are found through the models that derive from :class:`~core.models.soft_delete.SoftDeleteMixin`.
Restoring goes through the ORM, so the trail records it (action ``restore``) and the calendar
and plugins hear of a restored event as of any changed one.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from core.audit.labels import record_label
from core.extensions import db
from core.models import Team, User
from core.models.soft_delete import INCLUDE_DELETED, SoftDeleteMixin
from core.services import Conflict

#: attributes that name a record, in the order they are looked for
_NAME_FIELDS = ("title", "name", "topic", "household_name", "requirement", "findings")
#: attributes that date a record, in the order they are looked for
_DATE_FIELDS = ("visited_on", "inspected_on", "held_on", "updated_on", "starts_at", "deadline")
#: the longest part of a summary
_SUMMARY_LENGTH = 60


def restorable_models() -> dict[str, type]:
    """Every soft-deletable model by table name (core and installed plugins), sorted."""
    models = {
        mapper.local_table.name: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, SoftDeleteMixin)
    }
    return dict(sorted(models.items()))


def deleted_query(model: type) -> Select:
    """SELECT the deleted rows of ``model``, the latest deletion first."""
    return (
        select(model)
        .where(model.deleted_at.is_not(None))
        .order_by(model.deleted_at.desc(), model.id.desc())
        .execution_options(**{INCLUDE_DELETED: True})
    )


def deleted_count(model: type) -> int:
    """How many rows of ``model`` are deleted (one query)."""
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.deleted_at.is_not(None))
        .execution_options(**{INCLUDE_DELETED: True})
    )


def find_deleted(model: type, record_id: int):
    """The deleted row ``record_id`` of ``model``, or None (live or missing)."""
    return db.session.scalar(deleted_query(model).where(model.id == record_id))


@dataclass(frozen=True)
class DeletedRow:
    """One deleted record as the page and the API show it."""

    object_type: str
    label: str
    id: int
    summary: str
    deleted_at: datetime
    deleted_by: str


def deleted_rows(object_type: str, records: list) -> list[DeletedRow]:
    """``records`` (deleted rows of one table) with their summaries and who deleted them."""
    ids = {r.deleted_by_id for r in records if r.deleted_by_id is not None}
    names = (
        dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    label = record_label(object_type)
    return [
        DeletedRow(
            object_type=object_type,
            label=label,
            id=record.id,
            summary=summary(record),
            deleted_at=record.deleted_at,
            deleted_by=names.get(record.deleted_by_id, "")
            if record.deleted_by_id is not None
            else "",
        )
        for record in records
    ]


def summary(record) -> str:
    """A short description of any record: its name or title, its day, its team and farm."""
    parts = []
    for name in _DATE_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, datetime | date):
            parts.append(value.isoformat()[:10])
            break
    for name in _NAME_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            parts.append(text if len(text) <= _SUMMARY_LENGTH else text[:_SUMMARY_LENGTH] + "…")
            break
    for name in ("team", "farm", "board"):
        related = getattr(record, name, None) if name in _relationships(record) else None
        if related is not None and getattr(related, "name", None):
            parts.append(related.name)
    return " · ".join(parts) or f"#{record.id}"


def _relationships(record) -> set[str]:
    """The names of the record's relationships (only those are followed for a summary)."""
    return set(db.inspect(type(record)).relationships.keys())


def restore_record(record) -> None:
    """Bring a deleted record back (the caller checked admin). Refused while the team it
    belongs to is deleted: restore the team first. Commits."""
    team_id = getattr(record, "team_id", None)
    if team_id is not None and not isinstance(record, Team):
        team = db.session.get(Team, team_id)
        if team is not None and team.is_deleted:
            raise Conflict(
                _("Its team %(team)s is deleted: restore the team first.", team=team.name)
            )
    record.restore()
    db.session.commit()
