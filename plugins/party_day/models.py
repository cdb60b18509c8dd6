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


class Viewing(HiddenWhenDeleted, TimestampMixin, Base):
    """A county-wide viewing (集中观摩): one online party day watched in many villages."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("County-wide viewing")

    __tablename__ = "party_day_viewings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the area organising it (usually the county); its villages take part
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the day it was held (or will be)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    #: the local start time; NULL when only the day is known
    start_time: Mapped[time | None] = mapped_column(Time)
    #: title, e.g. 全县农村党员网上科技党日集中观摩
    title: Mapped[str] = mapped_column(String(200))
    #: where it is broadcast from, e.g. 永阳镇戴家村、洪蓝镇傅家边村
    hosts: Mapped[str] = mapped_column(String(300), default="")
    #: notes
    notes: Mapped[str] = mapped_column(Text, default="")
    #: raised on every change (the calendar entry's SEQUENCE)
    revision: Mapped[int] = mapped_column(Integer, default=0)

    area: Mapped["Area"] = relationship()


class ViewingVillage(TimestampMixin, Base):
    """A village's attendance at a county-wide viewing."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Viewing attendance")

    __tablename__ = "party_day_viewing_villages"
    __table_args__ = (UniqueConstraint("viewing_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the viewing
    viewing_id: Mapped[int] = mapped_column(ForeignKey("party_day_viewings.id"), index=True)
    #: the village watching
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: party members watching there
    present: Mapped[int] = mapped_column(Integer)

    village: Mapped["Area"] = relationship()


class CaseRound(TimestampMixin, Base):
    """A year's best party day case competition (最佳党日案例竞赛)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Case competition")

    __tablename__ = "party_day_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the year (one round a year)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    #: name, e.g. 2026年度基层党支部最佳党日活动案例竞赛
    name: Mapped[str] = mapped_column(String(200))
    #: how many winning cases are proposed (20 in the source)
    winners_wanted: Mapped[int] = mapped_column(Integer, default=20)
    #: when the county confirmed the winners; NULL while open (confirmation is final)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: who confirmed
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the audit trail's position when the winners were confirmed
    audit_position: Mapped[int | None] = mapped_column(Integer, default=None)

    criteria: Mapped[list["CaseCriterion"]] = relationship(
        order_by="CaseCriterion.position", back_populates="round"
    )
    confirmed_by: Mapped["User | None"] = relationship()


class CaseCriterion(Base):
    """A criterion reviewers score cases on, e.g. 形式创新 (0-25)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Case criterion")

    __tablename__ = "party_day_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the round
    round_id: Mapped[int] = mapped_column(ForeignKey("party_day_rounds.id"), index=True)
    #: what is judged
    title: Mapped[str] = mapped_column(String(120))
    #: the highest score
    max_score: Mapped[int] = mapped_column(Integer)
    #: order on the scoring form
    position: Mapped[int] = mapped_column(Integer, default=0)

    round: Mapped[CaseRound] = relationship(back_populates="criteria")


class Case(HiddenWhenDeleted, TimestampMixin, Base):
    """A party branch's case entered in a competition round."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Party day case")

    __tablename__ = "party_day_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the round
    round_id: Mapped[int] = mapped_column(ForeignKey("party_day_rounds.id"), index=True)
    #: the village whose branch entered it
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: title, e.g. 梅果党支部“田头课堂”
    title: Mapped[str] = mapped_column(String(200))
    #: what the branch did and what came of it
    summary: Mapped[str] = mapped_column(Text)
    #: who entered it
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the rank stored when the round was confirmed; NULL before
    final_rank: Mapped[int | None] = mapped_column(Integer)
    #: true for a winning case, set when the round is confirmed
    winner: Mapped[bool] = mapped_column(Boolean, default=False)

    round: Mapped[CaseRound] = relationship()
    village: Mapped["Area"] = relationship()
    photos: Mapped[list["CasePhoto"]] = relationship(order_by="CasePhoto.id", back_populates="case")


class CasePhoto(TimestampMixin, Base):
    """A photo of a case, stored under instance/uploads/party_day/."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Case photo")

    __tablename__ = "party_day_case_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the case
    case_id: Mapped[int] = mapped_column(ForeignKey("party_day_cases.id"), index=True)
    #: random file name under instance/uploads/party_day/
    filename: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))

    case: Mapped[Case] = relationship(back_populates="photos")


class CaseScore(TimestampMixin, Base):
    """One reviewer's score of one case on one criterion."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Case score")

    __tablename__ = "party_day_scores"
    __table_args__ = (UniqueConstraint("case_id", "criterion_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the case
    case_id: Mapped[int] = mapped_column(ForeignKey("party_day_cases.id"), index=True)
    #: the criterion
    criterion_id: Mapped[int] = mapped_column(ForeignKey("party_day_criteria.id"))
    #: the reviewer (or admin) scoring
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: 0..the criterion's max_score
    score: Mapped[int] = mapped_column(Integer)
