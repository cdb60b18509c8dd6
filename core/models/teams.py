"""Outreach teams (党员科普服务队) and their members (队员)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin
from core.models.soft_delete import SoftDeleteMixin


class Team(SoftDeleteMixin, TimestampMixin, Base):
    """A village's volunteer science-outreach service team."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Team")

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: display name, e.g. 戴家村党员科普服务队
    name: Mapped[str] = mapped_column(String(120))
    #: the village the team serves
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the member who leads the team (队长); NULL until one is chosen
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", use_alter=True), index=True
    )
    #: free notes
    notes: Mapped[str] = mapped_column(Text, default="")

    village: Mapped[Area] = relationship()
    leader: Mapped["Member | None"] = relationship(foreign_keys=[leader_id], post_update=True)
    members: Mapped[list["Member"]] = relationship(
        foreign_keys="Member.team_id",
        primaryjoin="and_(Member.team_id == Team.id, Member.deleted_at.is_(None))",
        order_by="Member.name",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name}>"


class Member(SoftDeleteMixin, TimestampMixin, Base):
    """A volunteer; may belong to a team."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Member")

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: full name
    name: Mapped[str] = mapped_column(String(80))
    #: the team the member serves in; NULL for an unattached volunteer
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: phone number, for the leader's contact list
    phone: Mapped[str] = mapped_column(String(32), default="")
    #: a member of the Party (党员)
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=True)
    #: a college-graduate young village official (大学生村干部)
    is_young_official: Mapped[bool] = mapped_column(Boolean, default=False)
    #: an agricultural expert or technician
    is_expert: Mapped[bool] = mapped_column(Boolean, default=False)
    #: speciality, e.g. 果树栽培
    speciality: Mapped[str] = mapped_column(String(120), default="")

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    assignments: Mapped[list["Assignment"]] = relationship(  # noqa: F821
        back_populates="member", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.name}>"
