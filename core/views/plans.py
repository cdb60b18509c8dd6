"""Visit plans: the list (upcoming first), the plan form, cancelling, and logging the visit of
a plan through the visit form, prefilled from the plan."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import rules
from core.extensions import db
from core.forms import optional_int, show_errors
from core.forms.choices import team_choices
from core.forms.plans import PlanFilterForm, PlanForm
from core.forms.visits import TeamChoiceForm, VisitForm, client_key
from core.models import PlanStatus, Role, Team, VisitPlan
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import (
    can_write_some_team_records,
    can_write_team_records,
    get_readable_or_404,
    is_admin,
    plan_scope,
    require,
    team_scope,
)
from core.services import Conflict, FieldErrors
from core.services.plans import (
    PlanInput,
    cancel_plan,
    create_plan,
    log_planned_visit,
    update_plan,
    visit_prefill,
)
from core.services.visits import find_by_client_key
from core.views.visits import confirm_saved, visit_input

bp = Blueprint("plans", __name__, url_prefix="/plans")


def _input(form: PlanForm, plan: VisitPlan | None = None) -> PlanInput:
    """The service's input from a validated form (a plan's status stays as it is)."""
    return PlanInput(
        team_id=form.team_id.data,
        farm_id=form.farm_id.data,
        planned_on=form.planned_on.data,
        start_time=form.start_time.data,
        kind=form.kind.data or None,
        topic=form.topic.data or "",
        member_ids=form.member_ids.data or [],
        status=plan.status if plan is not None else PlanStatus.PLANNED,
    )


def _scoped_teams() -> list[Team]:
    """Live teams the user may read, by name."""
    return (
        db.session.execute(
            select(Team)
            .where(team_scope(current_user), Team.deleted_at.is_(None))
            .order_by(Team.name)
        )
        .scalars()
        .all()
    )


def _team_for_new_plan() -> Team | None:
    """The team a new plan is for: the leader's own, or the one an admin chose."""
    require(can_write_some_team_records(current_user))
    try:
        asked = optional_int(request.form.get("team_id") or request.args.get("team"))
    except ValueError:
        asked = None
    if is_admin(current_user):
        team = db.session.get(Team, asked) if asked else None
    else:
        if asked is not None and asked != current_user.team_id:
            abort(403)  # a leader cannot plan for another team, even with a forged form
        team = current_user.team
    return team if team is not None and team.deleted_at is None else None


def _writable(plan_id: int) -> VisitPlan:
    """The plan ``plan_id`` when the user may change it (404 / 403)."""
    plan = get_readable_or_404(VisitPlan, plan_id, plan_scope(current_user))
    require(can_write_team_records(current_user, plan.team_id))
    return plan


@bp.route("")
@login_required
def index():
    """The plans the user may read: upcoming first (soonest first), then past ones."""
    filters = PlanFilterForm(request.args)
    sees_teams = current_user.role in (Role.ADMIN, Role.REVIEWER)
    filters.team.choices = team_choices(_scoped_teams(), blank=_("All teams")) if sees_teams else []
    filters.validate()
    query = select(VisitPlan).where(plan_scope(current_user))
    args: dict = {}
    if sees_teams and filters.team.data and not filters.team.errors:
        query = query.where(VisitPlan.team_id == filters.team.data)
        args["team"] = filters.team.data
    if filters.status.data and not filters.status.errors:
        query = query.where(VisitPlan.status == filters.status.data)
        args["status"] = filters.status.data
    if filters.date_from.data and not filters.date_from.errors:
        query = query.where(VisitPlan.planned_on >= filters.date_from.data)
        args["date_from"] = filters.date_from.data.isoformat()
    if filters.date_to.data and not filters.date_to.errors:
        query = query.where(VisitPlan.planned_on <= filters.date_to.data)
        args["date_to"] = filters.date_to.data.isoformat()
    upcoming = VisitPlan.planned_on >= rules.today()
    query = query.options(joinedload(VisitPlan.farm), joinedload(VisitPlan.team)).order_by(
        case((upcoming, 0), else_=1),
        case((upcoming, VisitPlan.planned_on)),
        VisitPlan.planned_on.desc(),
        VisitPlan.start_time.nulls_first(),
        VisitPlan.id,
    )
    page = page_of(query, DATED_PAGE_SIZE)
    return render_template(
        "plans/index.html",
        page=page,
        filters=filters,
        args=args,
        sees_teams=sees_teams,
        can_plan=can_write_some_team_records(current_user),
        today=rules.today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Plan a visit of the leader's team (an administrator chooses the team first)."""
    team = _team_for_new_plan()
    if team is None:
        if not is_admin(current_user):
            abort(403)
        chooser = TeamChoiceForm(request.args)
        chooser.team.choices = team_choices(_scoped_teams(), blank=_("Choose a team"))
        return render_template("plans/choose_team.html", form=chooser)
    form = PlanForm(data={"team_id": team.id, "planned_on": rules.today()})
    form.set_choices(current_user, team, rules.today())
    if form.validate_on_submit():
        try:
            plan = create_plan(current_user, _input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(
                _(
                    "Visit planned: %(farm)s on %(day)s.",
                    farm=plan.farm.name,
                    day=format_date(plan.planned_on),
                ),
                "success",
            )
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template(
        "plans/form.html", form=form, team=team, plan=None, can_change_team=is_admin(current_user)
    )


@bp.route("/<int:plan_id>")
@login_required
def detail(plan_id):
    """One plan, with edit, cancel and "log this visit" for those allowed."""
    plan = get_readable_or_404(VisitPlan, plan_id, plan_scope(current_user))
    return render_template(
        "plans/detail.html",
        plan=plan,
        can_write=can_write_team_records(current_user, plan.team_id),
        team_link="teams.detail" in current_app.view_functions,
        farm_link="farms.detail" in current_app.view_functions,
    )


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit(plan_id):
    """Change an open plan (its team stays); the calendar SEQUENCE rises."""
    plan = _writable(plan_id)
    if not plan.is_open:
        flash(_("Only a planned visit can be changed."), "info")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    form = PlanForm(
        obj=plan,
        data={
            "member_ids": [m.id for m in plan.members],
            "kind": plan.kind.value if plan.kind else "",
        },
    )
    form.team_id.data = plan.team_id  # fixed: a forged team_id is ignored
    form.set_choices(current_user, plan.team, rules.today())
    if form.validate_on_submit():
        try:
            update_plan(current_user, plan, _input(form, plan))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Plan saved."), "success")
            return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form, team=plan.team, plan=plan)


@bp.route("/<int:plan_id>/cancel", methods=["POST"])
@login_required
def cancel(plan_id):
    """Call a planned visit off; it stays listed (and in calendars) as cancelled."""
    plan = _writable(plan_id)
    try:
        cancel_plan(current_user, plan)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Planned visit cancelled."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/<int:plan_id>/log", methods=["GET", "POST"])
@login_required
def log(plan_id):
    """The visit form prefilled from the plan; saving logs the visit and marks the plan done."""
    plan = _writable(plan_id)
    form = VisitForm(data=visit_prefill(plan))
    key = client_key(form)
    if request.method == "POST" and plan.visit_id is not None:
        done = find_by_client_key(key)
        if done is not None and done.id == plan.visit_id:  # the same form sent again
            flash(_("This visit was already saved; it was not logged twice."), "info")
            confirm_saved(key)
            return redirect(url_for("visits.detail", visit_id=done.id))
    if not plan.is_open:
        flash(
            _("The visit of this plan has already been logged.")
            if plan.visit_id
            else _("This plan is cancelled: its visit cannot be logged."),
            "info",
        )
        return redirect(url_for("plans.detail", plan_id=plan.id))
    form.team_id.data = plan.team_id  # fixed: the plan's team makes the visit
    form.set_choices(current_user, plan.team, rules.today())
    if form.validate_on_submit():
        try:
            visit, _created = log_planned_visit(current_user, plan, visit_input(form, key))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except Conflict as exc:
            flash(str(exc), "info")
            return redirect(url_for("plans.detail", plan_id=plan.id))
        except IntegrityError:  # the unique client_key: another copy of the form came first
            db.session.rollback()
            flash(_("This visit was already saved; it was not logged twice."), "info")
            confirm_saved(key)
            return redirect(url_for("plans.detail", plan_id=plan.id))
        else:
            flash(
                _(
                    "Visit logged: %(farm)s, %(people)s people reached.",
                    farm=visit.farm.name,
                    people=visit.people_reached,
                ),
                "success",
            )
            confirm_saved(key)
            return redirect(url_for("visits.detail", visit_id=visit.id))
    return render_template(
        "visits/form.html",
        form=form,
        team=plan.team,
        visit=None,
        plan=plan,
        can_change_team=False,
    )
