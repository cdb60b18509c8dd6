"""The home page: what needs the signed-in user's attention."""

from functools import cache

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from core import rules
from core.extensions import db
from core.models import Bulletin, Event, EventStatus, PlanStatus, Team, Visit, VisitPlan
from core.models.base import utcnow
from core.permissions import (
    bulletin_names,
    can_write_some_team_records,
    may_review,
    plan_scope,
    team_scope,
    visit_scope,
)
from core.services.rectifications import overdue_rectifications

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Flags of the user's teams, recent visits and upcoming events."""
    teams = (
        db.session.execute(
            select(Team)
            .where(team_scope(current_user), Team.deleted_at.is_(None))
            .order_by(Team.name)
        )
        .scalars()
        .all()
    )
    flags = rules.team_flags(t.id for t in teams)
    flagged = [t for t in teams if flags[t.id].count]
    recent = (
        db.session.execute(
            select(Visit)
            .where(visit_scope(current_user))
            .options(joinedload(Visit.farm))  # each line names its farm
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(5)
        )
        .scalars()
        .all()
    )
    upcoming = (
        db.session.execute(
            select(Event)
            .where(
                Event.deleted_at.is_(None),
                Event.status == EventStatus.SCHEDULED,
                Event.ends_at >= utcnow(),
            )
            .order_by(Event.starts_at)
            .limit(5)
        )
        .scalars()
        .all()
    )
    plans = _team_plans()
    return render_template(
        "home.html",
        overdue=overdue_rectifications(current_user),
        plans=plans,
        team_bulletins=_team_bulletins(),
        teams=teams,
        flags=flags,
        flagged=flagged,
        recent=recent,
        upcoming=upcoming,
        can_log=can_write_some_team_records(current_user),
        thresholds=rules.thresholds(),
    )


def _team_bulletins() -> list[Bulletin] | None:
    """The latest bulletins naming the user's team or village; None for reviewers, admins
    and users without a team (reviewers find every bulletin of their area on its page)."""
    if current_user.team_id is None or may_review(current_user):
        return None
    # bulletin_scope of a user of a team: the bulletins naming the team or its village
    params = {"team_id": current_user.team_id, "village_id": current_user.team.village_id}
    return list(db.session.scalars(_TEAM_BULLETINS(), params))


@cache
def _TEAM_BULLETINS():  # noqa: N802 - a constant built on first use
    """The three latest bulletins naming ``:team_id`` or its village ``:village_id`` (built
    once: the circulation rules make a statement that costs more to build than to run)."""
    return (
        select(Bulletin)
        .where(bulletin_names(bindparam("team_id"), bindparam("village_id")))
        .options(joinedload(Bulletin.area))
        .order_by(Bulletin.issued_on.desc(), Bulletin.id.desc())
        .limit(3)
    )


def _team_plans() -> list[VisitPlan] | None:
    """The next planned visits of the user's own team; None for users without a team."""
    if current_user.team_id is None:
        return None
    return (
        db.session.execute(
            select(VisitPlan)
            .where(
                plan_scope(current_user),
                VisitPlan.team_id == current_user.team_id,
                VisitPlan.status == PlanStatus.PLANNED,
                VisitPlan.planned_on >= rules.today(),
            )
            .options(joinedload(VisitPlan.farm))  # each line names its farm
            .order_by(VisitPlan.planned_on, VisitPlan.start_time.nulls_first(), VisitPlan.id)
            .limit(5)
        )
        .scalars()
        .all()
    )
