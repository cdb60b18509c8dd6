"""Demonstration farms and the members assigned to them (定点联系)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin
from core.models.enums import FarmKind, db_enum
from core.models.soft_delete import SoftDeleteMixin
from core.models.teams import Member


class Farm(SoftDeleteMixin, TimestampMixin, Base):
    """An industry base, large grower/breeder or leading agricultural enterprise."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Farm")

    __tablename__ = "farms"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: display name, e.g. 傅家边草莓基地
    name: Mapped[str] = mapped_column(String(120))
    #: which of the three kinds of demonstration farm
    kind: Mapped[FarmKind] = mapped_column(db_enum(FarmKind))
    #: the village the farm lies in
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the industry or crop, e.g. 梅子 / 草莓 / 生猪
    industry: Mapped[str] = mapped_column(String(80), default="")
    #: the person to ask for on site
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    #: phone of the contact
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    #: free notes
    notes: Mapped[str] = mapped_column(Text, default="")

    village: Mapped[Area] = relationship()
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="farm", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Farm {self.id} {self.name}>"


class Assignment(TimestampMixin, Base):
    """A member's standing link to a farm; each member should have 1 or 2."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Farm assignment")

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("member_id", "farm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the member
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    #: the farm the member is linked to
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"), index=True)
    #: when the link started
    since: Mapped[date | None] = mapped_column(Date)

    member: Mapped[Member] = relationship(back_populates="assignments")
    farm: Mapped[Farm] = relationship(back_populates="assignments")
