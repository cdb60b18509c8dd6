"""The reading rooms plugin's tables (prefixed ``reading_rooms_``)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Base, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from core.plugin_api import Area


class Room(TimestampMixin, Base):
    """A reading room (书屋): at most one per township or village."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Reading room")

    __tablename__ = "reading_rooms_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the township or village the room serves (one room per area)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), unique=True)
    #: display name, e.g. 戴家村党建科普网络书屋
    name: Mapped[str] = mapped_column(String(120))
    #: where the room is, e.g. 村委会二楼
    place: Mapped[str] = mapped_column(String(200), default="")
    #: opening hours and other notes
    opening_notes: Mapped[str] = mapped_column(String(500), default="")
    #: the day the room was named a county-level model room (县级示范书屋); NULL if it is not one
    model_since: Mapped[date | None] = mapped_column(Date, default=None)

    area: Mapped["Area"] = relationship()

    @property
    def is_model(self) -> bool:
        """True when the room is a county-level model room."""
        return self.model_since is not None


class UsageRecord(TimestampMixin, Base):
    """The usage of one room over one period (usually a month)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Reading-room usage")

    __tablename__ = "reading_rooms_usage"
    __table_args__ = (UniqueConstraint("room_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the room
    room_id: Mapped[int] = mapped_column(
        ForeignKey("reading_rooms_rooms.id", ondelete="CASCADE"), index=True
    )
    #: first day of the period
    period_start: Mapped[date] = mapped_column(Date, index=True)
    #: last day of the period (inclusive)
    period_end: Mapped[date] = mapped_column(Date)
    #: reads (阅读量) in the period
    reads: Mapped[int] = mapped_column(Integer, default=0)
    #: downloads (下载量) in the period
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    #: active readers (活跃读者) in the period
    active_readers: Mapped[int] = mapped_column(Integer, default=0)
    #: who entered or last imported the record (NULL for the CLI and demo data)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    room: Mapped[Room] = relationship()

    @property
    def usage(self) -> int:
        """Reads plus downloads: what the inspection report ranks by."""
        return self.reads + self.downloads


class Report(Base):
    """A stored inspection report (督查通报): the ranked rooms of one period, frozen."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Reading-room report")

    __tablename__ = "reading_rooms_reports"
    __table_args__ = (UniqueConstraint("period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: first day of the period reported
    period_start: Mapped[date] = mapped_column(Date)
    #: last day of the period reported (inclusive)
    period_end: Mapped[date] = mapped_column(Date)
    #: when the snapshot was taken
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the usage threshold applied to the period (reads + downloads)
    threshold: Mapped[int] = mapped_column(Integer)
    #: the ranked rows: room id, area id, names, reads, downloads, active readers, usage, low
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Commendation(Base):
    """A room commended at year end (年终表彰), confirmed by an admin from the ranking."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Reading-room commendation")

    __tablename__ = "reading_rooms_commendations"
    __table_args__ = (UniqueConstraint("year", "room_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the year ranked
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: the room commended
    room_id: Mapped[int] = mapped_column(ForeignKey("reading_rooms_rooms.id", ondelete="CASCADE"))
    #: its place in the year's ranking (1 = most used)
    rank: Mapped[int] = mapped_column(Integer)
    #: its usage (reads + downloads) in the year when confirmed
    usage: Mapped[int] = mapped_column(Integer)
    #: when an admin confirmed the proposal
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the admin who confirmed it
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    #: the audit trail's position (the last ``audit_events.id``) when it was confirmed: the
    #: state of the usage figures it was computed from; later changes have higher ids
    audit_position: Mapped[int | None] = mapped_column(Integer, default=None)

    room: Mapped[Room] = relationship()
