"""The year-end special assessment (年终专项考核): its rubric, its per-team results.

A draft assessment is computed live from the figures (only the hand-entered scores are
stored); a confirmed one is frozen: its criteria, scores, ranks and decisions are stored.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin, UTCDateTime
from core.models.enums import LABELS, db_enum
from core.models.teams import Team
from core.models.users import User


class Direction(StrEnum):
    """Whether a higher or a lower figure is better."""

    HIGHER = "higher"
    LOWER = "lower"


class AssessmentStatus(StrEnum):
    """A draft is recomputed on every view; a confirmed assessment is frozen."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"


class Outcome(StrEnum):
    """What the assessment says of a team."""

    COMMEND = "commend"
    CRITICISE = "criticise"
    NONE = "none"


LABELS.update(
    {
        (Direction, Direction.HIGHER): _l("Higher is better"),
        (Direction, Direction.LOWER): _l("Lower is better"),
        (AssessmentStatus, AssessmentStatus.DRAFT): _l("Draft"),
        (AssessmentStatus, AssessmentStatus.CONFIRMED): _l("Confirmed"),
        (Outcome, Outcome.COMMEND): _l("Commendation"),
        (Outcome, Outcome.CRITICISE): _l("Criticism"),
        (Outcome, Outcome.NONE): _l("Neither"),
    }
)


class RubricCriterion(TimestampMixin, Base):
    """A criterion of the rubric: computed from a team figure, or scored by hand."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Rubric criterion")

    __tablename__ = "assessment_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: display name, e.g. 走访次数
    name: Mapped[str] = mapped_column(String(120))
    #: what the reviewers look for
    description: Mapped[str] = mapped_column(Text, default="")
    #: the figure it is computed from (see core.services.assessments.METRICS), or "manual"
    metric: Mapped[str] = mapped_column(String(32))
    #: weight in the total (whole points; the total divides by the sum of the weights)
    weight: Mapped[int] = mapped_column(Integer, default=10)
    #: whether a higher or a lower figure is better
    direction: Mapped[Direction] = mapped_column(db_enum(Direction), default=Direction.HIGHER)
    #: position in the rubric, lower first
    position: Mapped[int] = mapped_column(Integer, default=0)


class AnnualAssessment(TimestampMixin, Base):
    """The assessment of one year for one area (a township or the county)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Year-end assessment")

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("year", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assessed year
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: the area whose subtree's teams are assessed
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: draft or confirmed
    status: Mapped[AssessmentStatus] = mapped_column(
        db_enum(AssessmentStatus), default=AssessmentStatus.DRAFT
    )
    #: "top_n" or "top_percent": how commendations are proposed
    commend_mode: Mapped[str] = mapped_column(String(16), default="top_n")
    #: how many teams (top_n) or what percentage of them (top_percent) are commended
    commend_value: Mapped[int] = mapped_column(Integer, default=3)
    #: how many of the last teams are proposed for criticism
    criticise_bottom: Mapped[int] = mapped_column(Integer, default=1)
    #: the rubric as it was at confirmation: [{id, name, metric, weight, direction}]
    criteria_snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: the confirming reviewer's general remarks
    remarks: Mapped[str] = mapped_column(Text, default="")
    #: when it was confirmed
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: who confirmed it
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the audit trail's position (the last ``audit_events.id``) when it was confirmed: the
    #: state of the data it was computed from; later changes have higher ids
    audit_position: Mapped[int | None] = mapped_column(Integer, default=None)

    area: Mapped[Area] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
    manual_scores: Mapped[list["ManualScore"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    results: Mapped[list["AssessmentResult"]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="[AssessmentResult.rank, AssessmentResult.team_name]",
    )

    @property
    def is_confirmed(self) -> bool:
        """True once frozen."""
        return self.status == AssessmentStatus.CONFIRMED


class ManualScore(Base):
    """A hand-entered score (0-100) of a team on a manual criterion."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Hand score")

    __tablename__ = "assessment_manual_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "team_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assessment
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: the team scored
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    #: the manual criterion
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_criteria.id", ondelete="CASCADE"), index=True
    )
    #: the score, 0 to 100
    score: Mapped[int] = mapped_column(Integer)

    assessment: Mapped[AnnualAssessment] = relationship(back_populates="manual_scores")


class AssessmentResult(Base):
    """A team's frozen result in a confirmed assessment."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Assessment result")

    __tablename__ = "assessment_results"
    __table_args__ = (UniqueConstraint("assessment_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the assessment
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    #: the team
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    #: the team's name at confirmation
    team_name: Mapped[str] = mapped_column(String(120))
    #: per criterion id (as a string): {"raw": figure or None, "score": 0-100}
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: the weighted total, 0-100
    total: Mapped[float] = mapped_column(Float, default=0.0)
    #: rank, 1 for the best (equal totals share a rank)
    rank: Mapped[int] = mapped_column(Integer)
    #: true when the team broke a rule (below the minimum size, members without farms)
    rule_breaks: Mapped[bool] = mapped_column(Boolean, default=False)
    #: what the computation proposed
    proposed: Mapped[Outcome] = mapped_column(db_enum(Outcome))
    #: why it was proposed
    proposed_reason: Mapped[str] = mapped_column(Text, default="")
    #: what the reviewer decided
    outcome: Mapped[Outcome] = mapped_column(db_enum(Outcome))
    #: the reviewer's reason (required when the outcome differs from the proposal)
    reason: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[AnnualAssessment] = relationship(back_populates="results")
    team: Mapped[Team] = relationship()
