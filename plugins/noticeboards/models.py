"""The noticeboards plugin's tables (all prefixed ``noticeboards_``)."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Base, HiddenWhenDeleted, TimestampMixin, UTCDateTime, utcnow

if TYPE_CHECKING:  # core classes stay out of this module's namespace (only plugin tables here)
    from core.plugin_api import Area, Member, User

#: kinds of training: on site, or through the remote-education network (远程教育)
TRAINING_KINDS = ("on_site", "remote")


class Station(TimestampMixin, Base):
    """A science service station (科普服务站) at a village's activity venue."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Science station")

    __tablename__ = "noticeboards_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village the station serves
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: display name, e.g. 戴家村科普服务站
    name: Mapped[str] = mapped_column(String(120))
    #: where it is, e.g. 村党员活动室
    place: Mapped[str] = mapped_column(String(200), default="")

    village: Mapped["Area"] = relationship()


class Board(TimestampMixin, Base):
    """A science noticeboard (科普宣传栏), usually combined with the party-affairs board."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Noticeboard")

    __tablename__ = "noticeboards_boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village of the board (the station's village when it belongs to a station)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the station the board belongs to; NULL for a board directly under the village
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("noticeboards_stations.id"), index=True
    )
    #: display name, e.g. 科普党务宣传栏
    name: Mapped[str] = mapped_column(String(120))
    #: where the board stands, e.g. 村部广场东侧
    location: Mapped[str] = mapped_column(String(200), default="")
    #: the science publicist (科普宣传员) who keeps the board up to date; NULL when none
    publicist_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)

    village: Mapped["Area"] = relationship()
    station: Mapped[Station | None] = relationship()
    publicist: Mapped["Member | None"] = relationship()


class BoardUpdate(HiddenWhenDeleted, TimestampMixin, Base):
    """One update of a board's content."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Noticeboard update")

    __tablename__ = "noticeboards_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the board updated
    board_id: Mapped[int] = mapped_column(ForeignKey("noticeboards_boards.id"), index=True)
    #: the day the new content went up
    updated_on: Mapped[date] = mapped_column(Date, index=True)
    #: title of the new content
    title: Mapped[str] = mapped_column(String(200))
    #: a summary of the content
    summary: Mapped[str] = mapped_column(Text, default="")
    #: random file name of the photo under instance/uploads/noticeboards/; NULL without one
    photo: Mapped[str | None] = mapped_column(String(64))
    #: the photo's media type (image/jpeg, image/png or image/webp)
    photo_type: Mapped[str | None] = mapped_column(String(32))
    #: who recorded the update
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    board: Mapped[Board] = relationship()
    recorded_by: Mapped["User | None"] = relationship()


class Reminder(Base):
    """A reminder sent to a stale board's publicist (kept until the in-app inbox exists)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Noticeboard reminder")

    __tablename__ = "noticeboards_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the stale board
    board_id: Mapped[int] = mapped_column(ForeignKey("noticeboards_boards.id"), index=True)
    #: the publicist reminded
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    #: the first day the board counted as stale
    due_since: Mapped[date] = mapped_column(Date)
    #: when the reminder was sent; it stays open until an update is recorded after this
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    board: Mapped[Board] = relationship()
    member: Mapped["Member"] = relationship()


#: the publicists who attended a training
training_attendees = Table(
    "noticeboards_training_attendees",
    Base.metadata,
    Column(
        "training_id",
        ForeignKey(
            "noticeboards_trainings.id",
            ondelete="CASCADE",
            name="fk_noticeboards_training_attendees_training_id",
        ),
        primary_key=True,
    ),
    Column("member_id", ForeignKey("members.id"), primary_key=True, index=True),
)


class Training(HiddenWhenDeleted, TimestampMixin, Base):
    """A training session for science publicists."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Training")

    __tablename__ = "noticeboards_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the day of the training
    held_on: Mapped[date] = mapped_column(Date, index=True)
    #: what was taught
    topic: Mapped[str] = mapped_column(String(200))
    #: length in hours
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    #: who taught
    trainer: Mapped[str] = mapped_column(String(120), default="")
    #: ``on_site`` or ``remote`` (remote-education network, 远程教育)
    kind: Mapped[str] = mapped_column(String(16))

    attendees: Mapped[list["Member"]] = relationship(
        secondary=training_attendees, order_by="Member.name"
    )
