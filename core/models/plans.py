"""Visit plans: a visit a team leader schedules ahead; once made, it becomes a logged visit."""

import uuid
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, Time
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from core.models.base import Base, TimestampMixin
from core.models.enums import PlanStatus, VisitKind, db_enum
from core.models.farms import Farm
from core.models.revisions import RevisionMixin
from core.models.teams import Member, Team
from core.models.visits import Visit

visit_plan_members = Table(
    "visit_plan_members",
    Base.metadata,
    Column("plan_id", ForeignKey("visit_plans.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id"), primary_key=True),
)


def new_plan_uid() -> str:
    """A calendar UID that never changes for the life of the plan."""
    return f"plan-{uuid.uuid4()}@kepu"


class VisitPlan(RevisionMixin, TimestampMixin, Base):
    """A visit of a team to a farm, scheduled ahead and published in the members' calendars."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Planned visit")

    __tablename__ = "visit_plans"
    __table_args__ = (
        # lists and feeds read a team's plans over a range of days
        Index("ix_visit_plans_team_day", "team_id", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable calendar UID
    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_plan_uid)
    #: the team that will make the visit
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    #: the farm to visit
    farm_id: Mapped[int] = mapped_column(ForeignKey("farms.id"), index=True)
    #: the local day of the visit
    planned_on: Mapped[date] = mapped_column(Date)
    #: the local time of day it starts; NULL for a whole-day entry
    start_time: Mapped[time | None] = mapped_column(Time)
    #: the kind of visit intended, if already known (prefills the visit log)
    kind: Mapped[VisitKind | None] = mapped_column(db_enum(VisitKind))
    #: what the visit is for (prefills the visit's topics)
    topic: Mapped[str] = mapped_column(Text, default="")
    #: planned, done (a visit was logged from it) or cancelled
    status: Mapped[PlanStatus] = mapped_column(db_enum(PlanStatus), default=PlanStatus.PLANNED)
    #: the visit logged from this plan once it is done
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), unique=True
    )
    #: the user who made the plan
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    team: Mapped[Team] = relationship()
    farm: Mapped[Farm] = relationship()
    members: Mapped[list[Member]] = relationship(
        secondary=visit_plan_members, order_by="Member.name"
    )
    visit: Mapped[Visit | None] = relationship(backref=backref("plan", uselist=False))
    created_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def is_open(self) -> bool:
        """True while the plan may still be changed, cancelled or logged."""
        return self.status == PlanStatus.PLANNED


@sa_event.listens_for(Session, "before_flush")
def _reopen_plans_of_deleted_visits(session, flush_context, instances) -> None:
    """A visit deleted as logged by mistake gives its plan back: planned again, no visit."""
    soft_deleted = [
        obj
        for obj in session.dirty
        if isinstance(obj, Visit)
        and obj.deleted_at is not None
        and sa_inspect(obj).attrs.deleted_at.history.added
    ]
    for obj in [*session.deleted, *soft_deleted]:
        if isinstance(obj, Visit) and obj.plan is not None:
            plan = obj.plan
            plan.visit = None
            plan.status = PlanStatus.PLANNED
            plan.revision = (plan.revision or 0) + 1  # set here: other listeners may have run
