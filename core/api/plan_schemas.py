"""Schemas of the visit plans: a visit scheduled ahead, and its completion by a logged visit."""

from marshmallow import Schema, fields, validate

from core.api.activity_schemas import IdSchema, VisitInputSchema, visit_text
from core.api.common import FIRST_DAY, LAST_DAY, ListFilterSchema, query_id
from core.api.fieldtypes import ref, ref_list, text
from core.api.schemas import RecordSchema
from core.models import PlanStatus, VisitKind
from core.services.plans import MAX_TOPIC
from core.services.visit_rules import MAX_VISIT_TEXT

TIME_NOTE = "Local time of day (HH:MM or HH:MM:SS); null for a whole-day plan"


class VisitPlanSchema(RecordSchema):
    """A visit of a team to a farm, scheduled ahead."""

    uid = fields.String(metadata={"description": "Stable calendar UID"})
    revision = fields.Integer(
        metadata={"description": "Raised on every change (iCalendar SEQUENCE)"}
    )
    status = fields.Enum(PlanStatus, by_value=True)
    team_id = fields.Integer()
    farm_id = fields.Integer()
    planned_on = fields.Date(metadata={"description": "The local day of the visit"})
    start_time = fields.Time(allow_none=True, metadata={"description": TIME_NOTE})
    kind = fields.Enum(VisitKind, by_value=True, allow_none=True)
    topic = fields.String(metadata={"description": "What the visit is for"})
    member_ids = fields.Pluck(
        IdSchema,
        "id",
        many=True,
        attribute="members",
        metadata={"description": "Members expected"},
    )
    visit_id = fields.Integer(
        allow_none=True, metadata={"description": "The visit logged from the plan, once done"}
    )
    created_by_id = fields.Integer(allow_none=True)


class VisitPlanInputSchema(Schema):
    """A visit to plan. A leader may leave out ``team_id``: it is their own team."""

    team_id = ref("The team that will make the visit (default: the leader's team)")
    farm_id = ref("The farm to visit", required=True)
    planned_on = fields.Date(
        required=True,
        validate=validate.Range(min=FIRST_DAY, max=LAST_DAY),
        metadata={"description": "The local day of the visit, today or later"},
    )
    start_time = fields.Time(allow_none=True, metadata={"description": TIME_NOTE})
    kind = fields.Enum(
        VisitKind,
        by_value=True,
        allow_none=True,
        metadata={"description": "The kind of visit intended, if known"},
    )
    topic = text(MAX_TOPIC)
    member_ids = ref_list("Members of the team expected", load_default=list)


class VisitPlanPatchSchema(VisitPlanInputSchema):
    """Changes to a plan (its revision rises). ``status``: ``cancelled`` calls it off,
    ``planned`` reinstates a cancelled plan; a plan is ``done`` only by logging its visit."""

    status = fields.Enum(PlanStatus, by_value=True)


class PlanVisitInputSchema(VisitInputSchema):
    """The visit of a plan, for the plan's team. Farm, kind, members and topics left out are
    taken from the plan."""

    farm_id = ref("The farm visited (default: the plan's)")
    kind = fields.Enum(VisitKind, by_value=True, metadata={"description": "Default: the plan's"})
    member_ids = ref_list("Members of the team present (default: the members expected)")
    topics = visit_text(MAX_VISIT_TEXT, metadata={"description": "Default: the plan's purpose"})

    class Meta:
        exclude = ("team_id",)


class VisitPlanListArgsSchema(ListFilterSchema):
    """Filters of the plan list (``area``: the team's village; ``from``/``to``: planned_on)."""

    farm = query_id("Only plans of visits to this farm")
    status = fields.Enum(PlanStatus, by_value=True)
