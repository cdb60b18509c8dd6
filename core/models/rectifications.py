"""Rectification items (限期整改): what a criticised unit must put right, by when; the
follow-up steps (the unit's progress reports, the reviewer's acceptance or send-back) and
their photos."""

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.assessments import AssessmentResult
from core.models.base import Base, TimestampMixin
from core.models.enums import LABELS, db_enum
from core.models.inspections import Inspection
from core.models.soft_delete import HiddenWhenDeleted
from core.models.teams import Team
from core.models.users import User


class RectificationStatus(StrEnum):
    """Stored status; "overdue" is computed (open past the deadline), never stored."""

    OPEN = "open"
    DONE = "done"


LABELS.update(
    {
        (RectificationStatus, RectificationStatus.OPEN): _l("Open"),
        (RectificationStatus, RectificationStatus.DONE): _l("Done"),
    }
)


class Rectification(HiddenWhenDeleted, TimestampMixin, Base):
    """One thing a unit must put right by a deadline, followed up to done."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Rectification item")

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the village of the unit (for a team: the team's village); scopes the record
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the team concerned; NULL when the village as a whole must act
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: what must be put right
    requirement: Mapped[str] = mapped_column(Text)
    #: the last day to put it right (local date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    #: open or done
    status: Mapped[RectificationStatus] = mapped_column(
        db_enum(RectificationStatus), default=RectificationStatus.OPEN, index=True
    )
    #: the criticism it comes from, if any
    result_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_results.id"), index=True)
    #: the inspection finding it comes from, if any
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    #: the day it was found done
    done_on: Mapped[date | None] = mapped_column(Date)
    #: how it was put right
    done_note: Mapped[str] = mapped_column(Text, default="")
    #: who recorded it done
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: who created it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: free title shown in lists, e.g. 队员不足10人
    title: Mapped[str] = mapped_column(String(200), default="")
    #: the unit reported progress that no reviewer has accepted or sent back yet (待审核)
    awaiting_review: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )

    village: Mapped[Area] = relationship()
    team: Mapped[Team | None] = relationship()
    result: Mapped[AssessmentResult | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    steps: Mapped[list["RectificationStep"]] = relationship(
        back_populates="item", order_by="RectificationStep.id"
    )

    @property
    def unit_name(self) -> str:
        """The unit concerned: the team's name, or the village's."""
        return self.team.name if self.team is not None else self.village.name


class StepKind(StrEnum):
    """What a follow-up step records."""

    REPORT = "report"
    ACCEPTED = "accepted"
    SENT_BACK = "sent_back"


LABELS.update(
    {
        (StepKind, StepKind.REPORT): _l("Progress report"),
        (StepKind, StepKind.ACCEPTED): _l("Accepted"),
        (StepKind, StepKind.SENT_BACK): _l("Sent back"),
    }
)


class RectificationStep(TimestampMixin, Base):
    """One step of an item's follow-up: the unit's progress report (整改进展), or the reviewer's
    acceptance or send-back. Kept for good: no page or call removes one."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Rectification step")

    __tablename__ = "rectification_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the item followed up
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectifications.id"), index=True)
    #: the item's village (copied so the audit trail scopes the step like its item)
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the item's team, NULL for a village as a whole (copied, as ``village_id``)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: report, accepted or sent_back
    kind: Mapped[StepKind] = mapped_column(db_enum(StepKind))
    #: what was done (a report), the acceptance note, or the reason for sending it back
    text: Mapped[str] = mapped_column(Text, default="")
    #: who wrote it
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[Rectification] = relationship(back_populates="steps")
    author: Mapped[User | None] = relationship()
    photos: Mapped[list["RectificationPhoto"]] = relationship(
        back_populates="step", order_by="RectificationPhoto.id"
    )


class RectificationPhoto(TimestampMixin, Base):
    """A photo of a progress report, stored under instance/uploads/rectifications/."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Rectification photo")

    __tablename__ = "rectification_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the report it shows
    step_id: Mapped[int] = mapped_column(ForeignKey("rectification_steps.id"), index=True)
    #: random file name under instance/uploads/rectifications/
    filename: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))
    #: size in bytes
    size: Mapped[int] = mapped_column(Integer, default=0)

    step: Mapped[RectificationStep] = relationship(back_populates="photos")
