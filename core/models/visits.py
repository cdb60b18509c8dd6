"""Visits: what a team did at a farm on a day (走访 / 服务记录)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, TimestampMixin
from core.models.enums import VisitKind, db_enum
from core.models.farms import Farm
from core.models.soft_delete import LIVE_ONLY, HiddenWhenDeleted
from core.models.teams import Member, Team

visit_members = Table(
    "visit_members",
    Base.metadata,
    Column("visit_id", ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id"), primary_key=True),
)


class Visit(HiddenWhenDeleted, TimestampMixin, Base):
    """One logged activity of a team at a farm."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Visit")

    __tablename__ = "visits"
    __table_args__ = (
        # The review sums visits of a period per team and kind and counts the farms each team
        # visited: every column those queries read, so that they scan only the period's part of
        # this index (an index-only scan, never the table). Staleness needs the visits per farm.
        # Partial indexes of the live visits: every query of visits reads only those (see
        # core.models.soft_delete), so deleted ones cost nothing. deleted_at is in the columns
        # although always NULL there: SQLite reads the table to check it otherwise, and the
        # scans would no longer be index-only.
        Index(
            "ix_visits_period_team",
            "visited_on",
            "team_id",
            "farm_id",
            "kind",
            "people_reached",
            "households_reached",
            "deleted_at",
            **LIVE_ONLY,
        ),
        Index("ix_visits_farm_date", "farm_id", "visited_on", "deleted_at", **LIVE_ONLY),
        # The review's last visit per team: one index probe per team, not the whole history.
        Index("ix_visits_team_date", "team_id", "visited_on", "deleted_at", **LIVE_ONLY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the team that made the visit
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: the farm visited
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"))
    #: the day of the visit (local date)
    visited_on: Mapped[date] = mapped_column(Date)
    #: party-spirit education, policy study, technical training, on-site guidance or lecture
    kind: Mapped[VisitKind] = mapped_column(db_enum(VisitKind))
    #: farmers and others reached
    people_reached: Mapped[int] = mapped_column(Integer, default=0)
    #: households reached (带动一个家庭)
    households_reached: Mapped[int] = mapped_column(Integer, default=0)
    #: subjects covered
    topics: Mapped[str] = mapped_column(Text, default="")
    #: material handed out (发放一种资料)
    material: Mapped[str] = mapped_column(String(200), default="")
    #: questions raised by farmers, for the expert desk
    questions: Mapped[str] = mapped_column(Text, default="")
    #: free notes
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the user who logged it
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: a key chosen by the client so that a resubmitted form never logs the visit twice
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    team: Mapped[Team] = relationship()
    farm: Mapped[Farm] = relationship()
    members_present: Mapped[list[Member]] = relationship(
        secondary=visit_members, order_by="Member.name"
    )
    logged_by: Mapped["User | None"] = relationship()  # noqa: F821
    photos: Mapped[list["VisitPhoto"]] = relationship(
        back_populates="visit", order_by="VisitPhoto.id"
    )


class VisitPhoto(HiddenWhenDeleted, TimestampMixin, Base):
    """A photo of a visit (工作留痕), stored under instance/uploads/visits/.

    Part of the visit's evidence, counted by the review: removing one hides it (soft, with who
    and when) and keeps its file, so an admin can restore it.
    """

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Visit photo")

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the visit
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    #: random file name under instance/uploads/visits/
    filename: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))
    #: size in bytes
    size: Mapped[int] = mapped_column(Integer, default=0)

    visit: Mapped[Visit] = relationship(back_populates="photos")
