"""Visit plans: scheduling a visit ahead, changing or cancelling it, and turning it into the
logged visit once made. Also the plans' calendar entries, for the members' personal feeds.

Plans follow the visits' rules: a team leader (or an administrator) writes the plans of their
own team, everyone who reads the team's visits reads its plans, the farm must be one the user
may log a visit at, and the members expected must belong to the team.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from core import rules
from core.audit.bulk import record_event
from core.audit.record import UPDATE
from core.contracts import CalendarEntry
from core.dates import local_zone
from core.extensions import db
from core.models import Farm, Member, PlanStatus, Team, User, Visit, VisitKind, VisitPlan, utcnow
from core.models.enums import label
from core.permissions import can_write_team_records, plan_scope
from core.services import Conflict, FieldErrors, clean_text
from core.services.visits import (
    VisitInput,
    add_visit,
    find_by_client_key,
    logged_meanwhile,
    team_and_farm,
    team_members,
)

#: longest purpose text of a plan
MAX_TOPIC = 2000
#: how long a plan with a start time lasts in calendars (plans carry no end)
TIMED_LENGTH = timedelta(hours=2)


@dataclass
class PlanInput:
    """What a page or API call submits to plan a visit (``status`` only when changing one)."""

    team_id: int | None
    farm_id: int | None
    planned_on: date | None
    start_time: time | None = None
    kind: VisitKind | str | None = None
    topic: str = ""
    member_ids: list[int] = field(default_factory=list)
    status: PlanStatus | str = PlanStatus.PLANNED


def _check(
    user: User, data: PlanInput, plan: VisitPlan | None = None
) -> tuple[Team, Farm, list[Member], PlanStatus]:
    """Validate ``data`` (a new plan, or a change of ``plan``); FieldErrors name every bad field."""
    errors: dict[str, list[str]] = {}
    team, farm = team_and_farm(
        errors, user, data.team_id, data.farm_id, _("You may only plan visits for your own team.")
    )
    status = _status(errors, data.status, plan)
    if data.planned_on is None:
        errors["planned_on"] = [_("Enter the day of the visit.")]
    elif data.planned_on < rules.today() and _needs_future_day(data, plan, status):
        errors["planned_on"] = [_("A visit cannot be planned for a day in the past.")]
    if data.start_time is not None and not isinstance(data.start_time, time):
        errors["start_time"] = [_("Enter a time of day, e.g. 09:30.")]
    if data.kind not in (None, ""):
        try:
            VisitKind(data.kind)
        except ValueError:
            errors["kind"] = [_("Choose a kind of visit from the list.")]
    clean_text(errors, "topic", data.topic, MAX_TOPIC)
    members = team_members(team, data.member_ids) if team is not None else []
    if members is None:
        errors["member_ids"] = [_("Only members of the team can be expected.")]
    if errors:
        raise FieldErrors(errors)
    return team, farm, members, status


def _status(errors: dict, value, plan: VisitPlan | None) -> PlanStatus:
    """The status asked for: a new plan is planned; a change may cancel or reinstate it."""
    try:
        status = PlanStatus(value)
    except ValueError:
        errors["status"] = [_("Choose planned or cancelled.")]
        return plan.status if plan is not None else PlanStatus.PLANNED
    if status == PlanStatus.DONE and (plan is None or plan.status != PlanStatus.DONE):
        errors["status"] = [_("A plan is done when its visit is logged.")]
    elif plan is None and status != PlanStatus.PLANNED:
        errors["status"] = [_("A new plan is always planned.")]
    return status


def _needs_future_day(data: PlanInput, plan: VisitPlan | None, status: PlanStatus) -> bool:
    """A past day is refused for a new plan, a moved one or a reinstated one; an overdue plan
    may still be changed otherwise (or cancelled)."""
    if plan is None:
        return True
    if status == PlanStatus.CANCELLED:
        return False
    return data.planned_on != plan.planned_on or plan.status == PlanStatus.CANCELLED


def _apply(plan: VisitPlan, data: PlanInput, team, farm, members, status) -> None:
    plan.team, plan.farm = team, farm
    plan.planned_on = data.planned_on
    plan.start_time = data.start_time
    plan.kind = VisitKind(data.kind) if data.kind not in (None, "") else None
    plan.topic = (data.topic or "").strip()
    plan.members = members
    plan.status = status


def create_plan(user: User, data: PlanInput) -> VisitPlan:
    """Plan a visit (admin, or the team's leader); the day must not be in the past."""
    team, farm, members, status = _check(user, data)
    plan = VisitPlan(created_by=user)
    _apply(plan, data, team, farm, members, status)
    db.session.add(plan)
    db.session.commit()
    return plan


def _require_writable(user: User, plan: VisitPlan) -> None:
    """FieldErrors unless ``user`` writes the plan's team; Conflict once its visit is logged."""
    if not can_write_team_records(user, plan.team_id):
        raise FieldErrors({"team_id": [_("You may only change plans of your own team.")]})
    if plan.status == PlanStatus.DONE:
        raise Conflict(_("The visit of this plan has been logged: the plan no longer changes."))


def update_plan(user: User, plan: VisitPlan, data: PlanInput) -> VisitPlan:
    """Change a plan (its revision rises); ``data.status`` may cancel or reinstate it."""
    _require_writable(user, plan)
    team, farm, members, status = _check(user, data, plan)
    _apply(plan, data, team, farm, members, status)
    db.session.commit()
    return plan


def cancel_plan(user: User, plan: VisitPlan) -> VisitPlan:
    """Call a plan off; it stays listed, and in calendars as cancelled. Cancelling twice is
    harmless."""
    _require_writable(user, plan)
    if plan.status != PlanStatus.CANCELLED:
        plan.status = PlanStatus.CANCELLED
        db.session.commit()
    return plan


def visit_prefill(plan: VisitPlan) -> dict:
    """The visit form's first values for the visit of ``plan`` (a visit is never dated ahead)."""
    return {
        "team_id": plan.team_id,
        "farm_id": plan.farm_id,
        "visited_on": min(plan.planned_on, rules.today()),
        "kind": plan.kind.value if plan.kind else None,
        "member_ids": [member.id for member in plan.members],
        "topics": plan.topic,
    }


def log_planned_visit(user: User, plan: VisitPlan, data: VisitInput) -> tuple[Visit, bool]:
    """Log the visit of ``plan`` and mark the plan done with it, in one transaction.

    Returns (visit, created). The visit follows the rules of every visit, for the plan's team.
    A resubmitted form (the same ``client_key``) returns the visit already logged; a plan
    that is done or cancelled raises ``Conflict``, so a plan never gives two visits.
    """
    existing = find_by_client_key(data.client_key)
    if existing is not None:
        if plan.visit_id == existing.id:
            return existing, False
        raise FieldErrors({"client_key": [_("This key belongs to another visit.")]})
    if not can_write_team_records(user, plan.team_id):
        raise FieldErrors({"team_id": [_("You may only log visits for your own team.")]})
    if plan.status == PlanStatus.DONE:
        raise Conflict(_("The visit of this plan has already been logged."))
    if plan.status == PlanStatus.CANCELLED:
        raise Conflict(_("This plan is cancelled: its visit cannot be logged."))
    data.team_id = plan.team_id
    visit = add_visit(user, data)
    try:
        db.session.flush()
    except IntegrityError:  # the same form sent twice at once: answer as for a resubmission
        winner = logged_meanwhile(data.client_key)
        if winner is None:
            raise
        db.session.refresh(plan)
        if plan.visit_id == winner.id:
            return winner, False
        raise FieldErrors({"client_key": [_("This key belongs to another visit.")]}) from None
    # Conditional: of two completions racing, only the first finds the plan still planned.
    done = db.session.execute(
        update(VisitPlan)
        .where(VisitPlan.id == plan.id, VisitPlan.status == PlanStatus.PLANNED)
        .values(
            status=PlanStatus.DONE,
            visit_id=visit.id,
            revision=VisitPlan.revision + 1,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("The visit of this plan has already been logged."))
    # the guarded UPDATE bypasses the ORM's flush: its change is recorded here
    record_event(
        UPDATE,
        VisitPlan.__tablename__,
        str(plan.id),
        {"status": [PlanStatus.PLANNED.value, PlanStatus.DONE.value], "visit_id": [None, visit.id]},
        team_id=plan.team_id,
        area_id=plan.team.village_id,
    )
    db.session.commit()
    return visit, True


# --- calendar entries -----------------------------------------------------------------------


def _instant(value: date | datetime) -> datetime:
    """An aware instant: a date is its local midnight."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=local_zone())
    return datetime.combine(value, time.min, tzinfo=local_zone())


def _local_day(value: date | datetime) -> date:
    """The local day of a date or an instant."""
    return _instant(value).astimezone(local_zone()).date()


def plan_span(plan: VisitPlan) -> tuple[date | datetime, date | datetime]:
    """Start and exclusive end of a plan in calendars: its whole day, or ``TIMED_LENGTH`` from
    its start time (local)."""
    if plan.start_time is None:
        return plan.planned_on, plan.planned_on + timedelta(days=1)
    start = datetime.combine(plan.planned_on, plan.start_time, tzinfo=local_zone())
    return start, start + TIMED_LENGTH


def _description(plan: VisitPlan) -> str:
    """The entry's text: team, kind, purpose, members expected, status."""
    lines = [plan.team.name]
    if plan.kind:
        lines.append(_("Kind of visit: %(kind)s", kind=label(plan.kind)))
    if plan.topic:
        lines.append(plan.topic)
    if plan.members:
        names = "、".join(member.name for member in plan.members)
        lines.append(_("Members expected: %(names)s", names=names))
    lines.append(_("Status: %(status)s", status=label(plan.status)))
    return "\n".join(lines)


def plan_entry(plan: VisitPlan) -> CalendarEntry:
    """The calendar entry of one plan (cancelled ones flagged so calendars drop them)."""
    start, end = plan_span(plan)
    url = None
    if has_request_context():
        url = url_for("plans.detail", plan_id=plan.id, _external=True)
    return CalendarEntry(
        uid=plan.uid,
        title=_("Visit: %(farm)s", farm=plan.farm.name),
        start=start,
        end=end,
        description=_description(plan),
        location=f"{plan.farm.village.name} {plan.farm.name}",
        categories=(_("Visit plan"),),
        sequence=plan.revision,
        cancelled=plan.status == PlanStatus.CANCELLED,
        url=url,
    )


def plan_entries(user: User, start: date | datetime, end: date | datetime) -> list[CalendarEntry]:
    """The calendar entries of the plans of ``user``'s own team touching ``start``..``end``.

    ``start`` is inclusive and ``end`` exclusive; each is a local date or an aware instant.
    Users without a team (administrators, reviewers) get none. Planned and done plans are
    ordinary entries; cancelled ones carry ``cancelled=True`` so subscribed calendars drop
    them. UIDs never change and ``sequence`` is the plan's revision.
    """
    if user.team_id is None:
        return []
    first, after = _instant(start), _instant(end)
    query = (
        select(VisitPlan)
        .where(
            plan_scope(user),
            VisitPlan.team_id == user.team_id,
            VisitPlan.planned_on >= _local_day(first) - timedelta(days=1),
            VisitPlan.planned_on <= _local_day(after),
        )
        .options(
            joinedload(VisitPlan.farm).joinedload(Farm.village),
            joinedload(VisitPlan.team),
            selectinload(VisitPlan.members),
        )
        .order_by(VisitPlan.planned_on, VisitPlan.start_time.nulls_first(), VisitPlan.id)
    )
    entries = []
    for plan in db.session.execute(query).unique().scalars():
        entry_start, entry_end = plan_span(plan)
        if _instant(entry_start) < after and _instant(entry_end) > first:
            entries.append(plan_entry(plan))
    return entries
