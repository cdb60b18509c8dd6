"""The model campaign's tables (all prefixed ``model_campaign_``).

Scores are stored in tenths of a point (integers), so every engine adds them up exactly.
"""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.plugin_api import Base, TimestampMixin, UTCDateTime, db_enum, utcnow

if TYPE_CHECKING:  # core classes stay out of this module's namespace (only plugin tables here)
    from core.plugin_api import Area, Member, User


class Tier(StrEnum):
    """The three tiers of the campaign."""

    TOWNSHIP = "township"
    VILLAGE = "village"
    HOUSEHOLD = "household"


class Status(StrEnum):
    """Where a nomination stands in the workflow."""

    NOMINATED = "nominated"
    ASSESSED = "assessed"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    WITHDRAWN = "withdrawn"


class Criterion(TimestampMixin, Base):
    """A criterion a tier's nominations are scored on; deactivated, never deleted, once used."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Model campaign criterion")

    __tablename__ = "model_campaign_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the tier the criterion applies to
    tier: Mapped[Tier] = mapped_column(db_enum(Tier), index=True)
    #: short title, e.g. 组织领导有力
    title: Mapped[str] = mapped_column(String(120))
    #: what the assessors look for
    description: Mapped[str] = mapped_column(Text, default="")
    #: the highest score (whole points)
    max_score: Mapped[int] = mapped_column(Integer, default=10)
    #: multiplier of the score in the weighted total (whole number, 1 for a plain sum)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    #: position in the tier's list, lower first
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: inactive criteria are no longer scored but stay on old assessments
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Round(TimestampMixin, Base):
    """A yearly round of the campaign, e.g. 2026年度三级联创."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Model campaign round")

    __tablename__ = "model_campaign_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the campaign year, one round per year
    year: Mapped[int] = mapped_column(Integer, unique=True)
    #: display name
    name: Mapped[str] = mapped_column(String(120))


class Nomination(TimestampMixin, Base):
    """A township, village or household nominated as a model in a round."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Nomination")

    __tablename__ = "model_campaign_nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the round
    round_id: Mapped[int] = mapped_column(ForeignKey("model_campaign_rounds.id"), index=True)
    #: township, village or household
    tier: Mapped[Tier] = mapped_column(db_enum(Tier), index=True)
    #: the nominated township or village; for a household, its village
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: the household's name, e.g. 王家富户 (empty for the other tiers)
    household_name: Mapped[str] = mapped_column(String(80), default="")
    #: the member of an outreach team who heads the household, if any
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    #: why it is nominated
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the evidence (achievements, figures, records)
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: links to evidence, one per line
    links: Mapped[str] = mapped_column(Text, default="")
    #: nominated, assessed, awarded, not awarded or withdrawn
    status: Mapped[Status] = mapped_column(db_enum(Status), default=Status.NOMINATED, index=True)
    #: the reason given with the last decision (required when not awarded)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    #: who nominated it
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship()
    area: Mapped["Area"] = relationship()
    member: Mapped["Member | None"] = relationship()
    nominated_by: Mapped["User | None"] = relationship()
    # classes given as lambdas, not names: the core has tables of the same class names, and a
    # name would be ambiguous in the shared registry
    assessments: Mapped[list["Assessment"]] = relationship(
        lambda: Assessment, back_populates="nomination", order_by=lambda: Assessment.id
    )
    transitions: Mapped[list["Transition"]] = relationship(
        lambda: Transition, back_populates="nomination", order_by=lambda: Transition.id
    )
    photos: Mapped[list["NominationPhoto"]] = relationship(
        lambda: NominationPhoto, back_populates="nomination", order_by=lambda: NominationPhoto.id
    )

    @property
    def nominee(self) -> str:
        """The name of what is nominated: the area, or the household and its village."""
        if self.tier == Tier.HOUSEHOLD:
            return f"{self.household_name}（{self.area.name}）"
        return self.area.name


class Assessment(TimestampMixin, Base):
    """One assessor's scores of a nomination (an assessor re-scoring replaces their scores)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Nomination scores")

    __tablename__ = "model_campaign_assessments"
    __table_args__ = (UniqueConstraint("nomination_id", "assessor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the nomination scored
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("model_campaign_nominations.id"), index=True
    )
    #: who scored it
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: weighted sum of the scores, in tenths of a point
    total_tenths: Mapped[int] = mapped_column(Integer, default=0)
    #: weighted sum of the criteria's highest scores, in tenths of a point
    max_tenths: Mapped[int] = mapped_column(Integer, default=0)
    #: the assessor's comments
    comments: Mapped[str] = mapped_column(Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="assessments")
    assessor: Mapped["User"] = relationship()
    scores: Mapped[list["Score"]] = relationship(
        lambda: Score,
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by=lambda: Score.id,
    )

    @property
    def total(self) -> float:
        """The weighted total in points."""
        return self.total_tenths / 10

    @property
    def max_total(self) -> float:
        """The highest possible weighted total in points."""
        return self.max_tenths / 10

    @property
    def percent(self) -> float:
        """The total as a percentage of the highest possible total."""
        return round(100 * self.total_tenths / self.max_tenths, 1) if self.max_tenths else 0.0


class Score(Base):
    """The score of one criterion in an assessment."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Nomination score")

    __tablename__ = "model_campaign_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assessment
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("model_campaign_assessments.id"), index=True
    )
    #: the criterion scored (kept: criteria are never deleted once scored)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("model_campaign_criteria.id"))
    #: the score in tenths of a point (0..max_score*10)
    tenths: Mapped[int] = mapped_column(Integer)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    @property
    def value(self) -> float:
        """The score in points."""
        return self.tenths / 10


class Transition(Base):
    """A change of a nomination's status: who, when, from, to and why."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Nomination decision")

    __tablename__ = "model_campaign_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the nomination
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("model_campaign_nominations.id"), index=True
    )
    #: who made the change
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: when
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the status before; NULL for the nomination itself
    from_status: Mapped[Status | None] = mapped_column(db_enum(Status))
    #: the status after
    to_status: Mapped[Status] = mapped_column(db_enum(Status))
    #: the reason given
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the audit trail's position (the last ``audit_events.id``) when it was made: the
    #: state of the data it was computed from; later changes have higher ids
    audit_position: Mapped[int | None] = mapped_column(Integer, default=None)

    nomination: Mapped[Nomination] = relationship(back_populates="transitions")
    user: Mapped["User | None"] = relationship()


class NominationPhoto(TimestampMixin, Base):
    """A photo of a nomination's evidence, stored under instance/uploads/model_campaign/."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Nomination photo")

    __tablename__ = "model_campaign_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the nomination whose evidence it is
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("model_campaign_nominations.id"), index=True
    )
    #: random file name under instance/uploads/model_campaign/
    filename: Mapped[str] = mapped_column(String(64))
    #: image/jpeg, image/png or image/webp
    media_type: Mapped[str] = mapped_column(String(32))
    #: size in bytes
    size: Mapped[int] = mapped_column(Integer, default=0)

    nomination: Mapped[Nomination] = relationship(back_populates="photos")
