"""/api/v1/plans: visits scheduled ahead. Admins and the team's leader write; DELETE cancels.

A plan is cancelled (``PATCH {"status": "cancelled"}`` or ``DELETE``) rather than removed, so
subscribed calendars learn of it. It becomes ``done`` only through ``POST /plans/<id>/visit``,
which logs its visit.
"""

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api.activity_schemas import VisitSchema
from core.api.common import (
    COLLECTION,
    api_blueprint,
    caller,
    documents,
    filter_args,
    item_rule,
    paginate,
    patched,
    readable,
    require_team_writable,
    save,
    teams_in_area,
    writable_team_record,
)
from core.api.plan_schemas import (
    PlanVisitInputSchema,
    VisitPlanInputSchema,
    VisitPlanListArgsSchema,
    VisitPlanPatchSchema,
    VisitPlanSchema,
)
from core.models import Role, VisitPlan
from core.permissions import can_write_some_team_records, plan_scope
from core.services.plans import (
    PlanInput,
    cancel_plan,
    create_plan,
    log_planned_visit,
    update_plan,
    visit_prefill,
)
from core.services.visits import VisitInput

blp = api_blueprint(
    "api_plans",
    __name__,
    "Visits planned ahead. Admins write any; a leader writes their own team's. A plan is "
    "cancelled, never removed, and is done once its visit is logged.",
    may_write=can_write_some_team_records,
)


def _writable(plan_id: int) -> VisitPlan:
    """The plan ``plan_id`` when the caller may change it (404 / 403)."""
    return writable_team_record(VisitPlan, plan_id, plan_scope)


@blp.route(COLLECTION, strict_slashes=False)
class Plans(MethodView):
    """The plan collection."""

    @blp.arguments(VisitPlanListArgsSchema, location="query")
    @blp.response(200, VisitPlanSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List visit plans

        Soonest first. ``area``: plans of teams whose village lies in the area's subtree;
        ``team``, ``farm``, ``status``; ``from``/``to``: the planned day.
        """
        query = (
            select(VisitPlan)
            .where(plan_scope(caller()))
            .options(selectinload(VisitPlan.members))
            .order_by(VisitPlan.planned_on, VisitPlan.start_time.nulls_first(), VisitPlan.id)
        )
        if "area" in args:
            query = query.where(VisitPlan.team_id.in_(teams_in_area(args["area"])))
        query = filter_args(
            query, args, team=VisitPlan.team_id, farm=VisitPlan.farm_id, status=VisitPlan.status
        )
        if args.get("date_from"):
            query = query.where(VisitPlan.planned_on >= args["date_from"])
        if args.get("date_to"):
            query = query.where(VisitPlan.planned_on <= args["date_to"])
        return query

    @blp.arguments(VisitPlanInputSchema)
    @blp.response(201, VisitPlanSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Plan a visit (admin, or the team's leader)

        A leader may leave out ``team_id``. The day must be today or later.
        """
        user = caller()
        if data.get("team_id") is None:
            data["team_id"] = user.team_id if user.role == Role.LEADER else None
        require_team_writable(data.get("team_id"))
        return save(create_plan, user, PlanInput(**data))


@blp.route(item_rule("plan_id"))
class PlanById(MethodView):
    """One visit plan."""

    @blp.response(200, VisitPlanSchema)
    @documents(blp, 401, 403, 404)
    def get(self, plan_id):
        """Get a visit plan"""
        return readable(VisitPlan, plan_id, plan_scope)

    @blp.arguments(VisitPlanPatchSchema(partial=True))
    @blp.response(200, VisitPlanSchema)
    @documents(blp, 401, 403, 404, 409)
    def patch(self, data, plan_id):
        """Change a visit plan (admin, or the team's leader)

        Fields left out keep their value. ``status``: ``cancelled`` calls the plan off,
        ``planned`` reinstates a cancelled one (its day must not be past). A done plan
        answers 409.
        """
        plan = _writable(plan_id)
        require_team_writable(data.get("team_id"))
        members = [member.id for member in plan.members]
        return save(update_plan, caller(), plan, patched(PlanInput, plan, data, member_ids=members))

    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, plan_id):
        """Cancel a visit plan (admin, or the team's leader)

        The plan stays, cancelled, so calendars drop it; cancelling again changes nothing.
        A done plan answers 409.
        """
        save(cancel_plan, caller(), _writable(plan_id))


@blp.route(item_rule("plan_id", "/visit"))
class PlanVisit(MethodView):
    """The visit of a plan."""

    @blp.arguments(PlanVisitInputSchema)
    @blp.response(201, VisitSchema)
    @blp.alt_response(
        200,
        schema=VisitSchema,
        description="A retry: the visit already logged with this client_key",
        success=True,
    )
    @documents(blp, 401, 403, 404, 409)
    def post(self, data, plan_id):
        """Log the visit of a plan; the plan becomes done (admin, or the team's leader)

        Farm, kind, members and topics left out come from the plan. A plan gives one visit:
        a done or cancelled plan answers 409; posting again with the same ``client_key``
        answers 200 with the visit already logged.
        """
        plan = _writable(plan_id)
        prefill = visit_prefill(plan)
        del prefill["visited_on"]  # the day the visit was made is always given
        visit, created = save(log_planned_visit, caller(), plan, VisitInput(**(prefill | data)))
        return visit, 201 if created else 200
