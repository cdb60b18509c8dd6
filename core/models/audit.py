"""The audit trail (留痕): one append-only row per record created, changed or deleted."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """What changed in one record, when, by whom and from where.

    Written by ``core.audit.record`` in the transaction of the change; never updated. Ids are
    plain numbers, not foreign keys, so the trail outlives the rows it names.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: when the change was flushed (UTC)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the signed-in user (page or API); NULL for commands and jobs
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: the API token of an API call
    token_id: Mapped[int | None] = mapped_column(Integer)
    #: outside requests, what made the change: ``command: kepu users create``, ``job: core.x``
    actor: Mapped[str] = mapped_column(String(200), default="")
    #: the client's address (requests only)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    #: the request's id (``X-Request-ID``), as in the request log
    request_id: Mapped[str] = mapped_column(String(64), default="")
    #: create, update or delete (a soft delete is a delete)
    action: Mapped[str] = mapped_column(String(10))
    #: the table of the record, e.g. ``visits`` or ``noticeboards_boards``
    object_type: Mapped[str] = mapped_column(String(64))
    #: the record's primary key, as text
    object_id: Mapped[str] = mapped_column(String(64))
    #: the area the record belongs to (a team's village), if any
    area_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: the team the record belongs to, if any
    team_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: ``{field: [before, after]}``; secrets as ``"***"``
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
