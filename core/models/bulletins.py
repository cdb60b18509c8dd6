"""Inspection bulletins (督查通报): numbered documents issued for an area and a period."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin
from core.models.users import User


class Bulletin(TimestampMixin, Base):
    """A bulletin: its content is built from the records of its area and period."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Bulletin")

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("area_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the issuing area (a township or the county); the bulletin covers its subtree
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: first day of the period covered
    starts_on: Mapped[date] = mapped_column(Date)
    #: last day of the period covered (inclusive)
    ends_on: Mapped[date] = mapped_column(Date)
    #: the day of issue
    issued_on: Mapped[date] = mapped_column(Date)
    #: the year of issue, which the number counts within
    year: Mapped[int] = mapped_column(Integer)
    #: the number within the area and year: 1, 2, ...
    number: Mapped[int] = mapped_column(Integer)
    #: who issued it
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the audit trail's position (the last ``audit_events.id``) when it was issued: the
    #: state of the data it was computed from; later changes have higher ids
    audit_position: Mapped[int | None] = mapped_column(Integer, default=None)

    area: Mapped[Area] = relationship()
    issued_by: Mapped[User | None] = relationship()
