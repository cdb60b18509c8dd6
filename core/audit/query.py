"""Reading the trail: who reads which rows, the filters, and the rows as plain values."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, false, select, true

from core.audit.labels import record_label
from core.audit.record import SKIPPED_TABLES
from core.dates import local_zone
from core.extensions import db
from core.models import Area, AuditEvent, Role, User


def may_read_audit(user: User) -> bool:
    """Admins, reviewers with an area and leaders of a team read (part of) the trail."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REVIEWER:
        return user.area is not None
    return user.role == Role.LEADER and user.team_id is not None


def audit_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``AuditEvent``: everything for admins, a reviewer's area subtree, a
    leader's team; nothing for anyone else."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER and user.area is not None:
        return AuditEvent.area_id.in_(Area.subtree_ids(user.area).scalar_subquery())
    if user.role == Role.LEADER and user.team_id is not None:
        return AuditEvent.team_id == user.team_id
    return false()


@dataclass(frozen=True)
class AuditFilters:
    """The filters of the page, the CSV and the API (None: not filtered)."""

    user_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    area: Area | None = None
    date_from: date | None = None
    date_to: date | None = None
    #: only changes after this position of the trail (what a confirmed result cites)
    after: int | None = None


def audit_query(user: User, filters: AuditFilters) -> Select:
    """SELECT the trail ``user`` may read, narrowed by ``filters``, newest first."""
    query = select(AuditEvent).where(audit_scope(user))
    if filters.user_id is not None:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.area is not None:
        query = query.where(
            AuditEvent.area_id.in_(Area.subtree_ids(filters.area).scalar_subquery())
        )
    if filters.after is not None:
        query = query.where(AuditEvent.id > filters.after)
    zone = local_zone()
    if filters.date_from is not None:
        query = query.where(AuditEvent.at >= datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, zone)
        query = query.where(AuditEvent.at < end)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def object_types() -> list[str]:
    """The names of the tables the trail records (core and plugins), sorted."""
    return sorted(name for name in db.metadata.tables if name not in SKIPPED_TABLES)


def usernames(events: list[AuditEvent]) -> dict[int, str]:
    """The usernames of the users named by ``events``, by id (one query)."""
    ids = {event.user_id for event in events if event.user_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def who(event: AuditEvent, names: dict[int, str]) -> str:
    """Who made the change: the username (or ``#id``), else the command's or job's label."""
    if event.user_id is not None:
        return names.get(event.user_id, f"#{event.user_id}")
    return event.actor


def csv_rows(events: list[AuditEvent], names: dict[int, str], header: list[str]) -> list[list]:
    """The trail as CSV rows: ``header`` then one row per event, times in the local zone."""
    zone = local_zone()
    rows = [header]
    for event in events:
        rows.append(
            [
                event.at.astimezone(zone).replace(microsecond=0).isoformat(),
                who(event, names),
                event.token_id,
                event.remote_addr,
                event.request_id,
                event.action,
                record_label(event.object_type),
                event.object_type,
                event.object_id,
                event.area_id,
                event.team_id,
                "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in (event.changes or {}).items()),
            ]
        )
    return rows
