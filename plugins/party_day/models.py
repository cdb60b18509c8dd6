"""The party day plugin's tables (all prefixed ``party_day_``)."""

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Base, HiddenWhenDeleted, TimestampMixin, UTCDateTime, utcnow

if TYPE_CHECKING:  # core classes stay out of this module's namespace (only plugin tables here)
    from core.plugin_api import Area, User


class PartyDay(HiddenWhenDeleted, TimestampMixin, Base):
    """One online science party day (网上科技党日) of a village's party branch."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Party day")

    __tablename__ = "party_day_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village whose party branch held it
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the day it was held
    held_on: Mapped[date] = mapped_column(Date, index=True)
    #: the local start time; NULL when only the day is known
    start_time: Mapped[time | None] = mapped_column(Time)
    #: the topic, e.g. 青梅病虫害绿色防控
    topic: Mapped[str] = mapped_column(String(200))
    #: the village's leading industry the topic is linked to, e.g. 青梅 (free text)
    industry: Mapped[str] = mapped_column(String(80), default="")
    #: the expert who answered online, if any (free text, e.g. 南京农业大学 王教授)
    expert_name: Mapped[str] = mapped_column(String(120), default="")
    #: what the expert session was about
    expert_topic: Mapped[str] = mapped_column(String(200), default="")
    #: party members present
    present: Mapped[int] = mapped_column(Integer)
    #: party members of the branch (present is at most this)
    branch_size: Mapped[int] = mapped_column(Integer)
    #: the equipment used, e.g. 村部电脑和投影仪
    equipment_used: Mapped[str] = mapped_column(String(200), default="")
    #: what happened, questions asked
    notes: Mapped[str] = mapped_column(Text, default="")
    #: raised on every change (the calendar entry's SEQUENCE)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    #: who recorded it
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    village: Mapped["Area"] = relationship()
    recorded_by: Mapped["User | None"] = relationship()

    @property
    def attendance_rate(self) -> float:
        """Present out of the branch's members, 0..1 (0 for an empty branch)."""
        return self.present / self.branch_size if self.branch_size else 0.0


class Equipment(TimestampMixin, Base):
    """A village's equipment for online party days (the county's equipment survey)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Village equipment")

    __tablename__ = "party_day_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village (one record per village)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), unique=True)
    #: a computer the branch may use (村干部自配电脑 included)
    has_computer: Mapped[bool] = mapped_column(Boolean, default=False)
    #: a projector or a TV to show the screen to the members
    has_display: Mapped[bool] = mapped_column(Boolean, default=False)
    #: an internet connection at the venue
    has_network: Mapped[bool] = mapped_column(Boolean, default=False)
    #: notes, e.g. the funding scheme (县镇村分别出资, 企业主联系, 机关赠送)
    notes: Mapped[str] = mapped_column(String(500), default="")

    village: Mapped["Area"] = relationship()

    @property
    def ready(self) -> bool:
        """True when the village can hold an online party day without help."""
        return self.has_computer and self.has_display and self.has_network


class Reminder(Base):
    """A village reminded of its missing party day of a quarter (once per village and quarter)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Party day reminder")

    __tablename__ = "party_day_reminders"
    __table_args__ = (UniqueConstraint("village_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village without a party day
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the quarter's year
    year: Mapped[int] = mapped_column(Integer)
    #: the quarter, 1-4
    quarter: Mapped[int] = mapped_column(Integer)
    #: when its leaders were reminded
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
