"""Inspections (督查) of a team or a village, and their photos."""

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin
from core.models.enums import LABELS, db_enum
from core.models.soft_delete import HiddenWhenDeleted
from core.models.teams import Team
from core.models.users import User


class InspectionKind(StrEnum):
    """Whether the inspected unit knew the date in advance."""

    SCHEDULED = "scheduled"
    UNANNOUNCED = "unannounced"


LABELS.update(
    {
        (InspectionKind, InspectionKind.SCHEDULED): _l("Scheduled inspection"),
        (InspectionKind, InspectionKind.UNANNOUNCED): _l("Unannounced inspection"),
    }
)


class Inspection(HiddenWhenDeleted, TimestampMixin, Base):
    """A reviewer's check of one team, or of a village as a whole."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Inspection")

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village inspected (for a team: the team's village); scopes the record
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the team inspected; NULL when the village as a whole was inspected
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: scheduled or unannounced
    kind: Mapped[InspectionKind] = mapped_column(db_enum(InspectionKind))
    #: the day of the inspection (local date)
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    #: what the inspector found
    findings: Mapped[str] = mapped_column(Text, default="")
    #: the reviewer (or admin) who recorded it
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    village: Mapped[Area] = relationship()
    team: Mapped[Team | None] = relationship()
    inspector: Mapped[User | None] = relationship()
    photos: Mapped[list["InspectionPhoto"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", order_by="InspectionPhoto.id"
    )

    @property
    def unit_name(self) -> str:
        """The inspected unit: the team's name, or the village's."""
        return self.team.name if self.team is not None else self.village.name


class InspectionPhoto(TimestampMixin, Base):
    """A photo taken during an inspection, stored under instance/uploads/inspections/."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Inspection photo")

    __tablename__ = "inspection_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the inspection
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True
    )
    #: random file name under instance/uploads/inspections/
    filename: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))
    #: size in bytes
    size: Mapped[int] = mapped_column(Integer, default=0)

    inspection: Mapped[Inspection] = relationship(back_populates="photos")
