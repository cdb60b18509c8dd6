"""Schemas of campaign targets and the progress against them."""

from marshmallow import Schema, ValidationError, fields

from core.api.fieldtypes import LocalDateTime
from core.models import VenueKind
from core.services.campaign_targets import MAX_EVENTS, MAX_PEOPLE, MAX_VISITS, out_of_range_message

VENUES = ", ".join(kind.value for kind in VenueKind)


class TargetNumber(fields.Integer):
    """A target: a whole number from 0 to the figure's maximum (0: no target), refused with
    the service's translated message."""

    def __init__(self, name: str, maximum: int, description: str, **kwargs):
        self._figure = name
        super().__init__(
            strict=True,
            load_default=0,
            metadata={"description": f"{description} (0 to {maximum}; 0: no target)"},
            **kwargs,
        )
        self.maximum = maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= self.maximum:
            raise ValidationError(out_of_range_message(self._figure))
        return value


class EventTargetsSchema(Schema):
    """Target events per venue kind (五进)."""

    village = TargetNumber("events_village", MAX_EVENTS, "Events in villages")
    market_town = TargetNumber("events_market_town", MAX_EVENTS, "Events in market towns")
    school = TargetNumber("events_school", MAX_EVENTS, "Events in schools")
    government = TargetNumber("events_government", MAX_EVENTS, "Events in government offices")
    enterprise = TargetNumber("events_enterprise", MAX_EVENTS, "Events in enterprises")


class TargetInputSchema(Schema):
    """A township's targets for the campaign; every figure left out is 0 (no target)."""

    events = fields.Nested(EventTargetsSchema, load_default=dict)
    visits = TargetNumber("visits", MAX_VISITS, "Visits logged by the township's teams")
    people_reached = TargetNumber("people_reached", MAX_PEOPLE, "People those visits reach")


class TargetFigureSchema(Schema):
    """One figure: its target and what was done."""

    target = fields.Integer(metadata={"description": "0: no target set"})
    done = fields.Integer()
    percent = fields.Integer(
        allow_none=True, metadata={"description": "done / target in whole percent; null: none"}
    )
    met = fields.Boolean(allow_none=True, metadata={"description": "null without a target"})


class TownshipProgressSchema(Schema):
    """A township's targets for the campaign and its teams' progress during it."""

    area_id = fields.Integer()
    area_name = fields.String()
    editable = fields.Boolean(metadata={"description": "True when the caller may set them"})
    has_targets = fields.Boolean(metadata={"description": "False until someone sets them"})
    met = fields.Boolean(
        allow_none=True,
        metadata={"description": "Every figure with a target met; null without any target"},
    )
    events = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(TargetFigureSchema),
        metadata={"description": f"Events held per venue kind: {VENUES}"},
    )
    events_held = fields.Integer(metadata={"description": "Events held at every venue"})
    visits = fields.Nested(TargetFigureSchema)
    people_reached = fields.Nested(TargetFigureSchema)
    updated_at = LocalDateTime(
        allow_none=True, metadata={"description": "When the targets last changed"}
    )


class TargetCampaignSchema(Schema):
    """The campaign."""

    id = fields.Integer()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "Last day (inclusive)"})


class CampaignProgressSchema(Schema):
    """Every township in the caller's scope, with targets and progress."""

    campaign = fields.Nested(TargetCampaignSchema)
    reference_day = fields.Date(
        metadata={"description": "Events count as held up to this day: min(ends_on, today)"}
    )
    townships = fields.List(fields.Nested(TownshipProgressSchema))
