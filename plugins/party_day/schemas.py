"""Marshmallow schemas of the party day API (named ``PartyDay*`` in OpenAPI)."""

from marshmallow import Schema, fields, validate

from core.plugin_api import AreaFilterSchema, DateRangeSchema, RecordSchema, ref, text


class PartyDaySchema(RecordSchema):
    """An online science party day of a village's party branch."""

    village_id = fields.Integer()
    held_on = fields.Date()
    start_time = fields.Time(allow_none=True, format="%H:%M")
    topic = fields.String()
    industry = fields.String()
    expert_name = fields.String()
    expert_topic = fields.String()
    present = fields.Integer()
    branch_size = fields.Integer()
    attendance_rate = fields.Float(
        metadata={"description": "present / branch_size, 0..1"}, dump_only=True
    )
    equipment_used = fields.String()
    notes = fields.String()


class PartyDayInputSchema(Schema):
    """A new party day."""

    village_id = ref("The village whose party branch held it", required=True)
    held_on = fields.Date(required=True, metadata={"description": "The day (not in the future)"})
    start_time = fields.Time(
        allow_none=True, format="%H:%M", metadata={"description": "Local start time, HH:MM"}
    )
    topic = text(200, required=True)
    industry = text(80)
    expert_name = text(120)
    expert_topic = text(200)
    present = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "Party members present (at most branch_size)"},
    )
    branch_size = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=1),
        metadata={"description": "Party members of the branch"},
    )
    equipment_used = text(200)
    notes = text(5000)


class PartyDayPatchSchema(PartyDayInputSchema):
    """Changes to a party day (fields left out keep their value)."""


class PartyDayListArgsSchema(AreaFilterSchema, DateRangeSchema):
    """Filters of the party day list: area subtree, village and days."""

    village = fields.Integer(
        validate=validate.Range(min=1), metadata={"description": "Only this village's"}
    )


class PartyDayEquipmentSchema(Schema):
    """A village's equipment and what it lacks for an online party day."""

    village_id = fields.Integer()
    village = fields.String(metadata={"description": "The village's name"})
    surveyed = fields.Boolean(metadata={"description": "False: no equipment recorded yet"})
    has_computer = fields.Boolean()
    has_display = fields.Boolean(metadata={"description": "A projector or TV"})
    has_network = fields.Boolean()
    notes = fields.String()
    ready = fields.Boolean(
        metadata={"description": "False: cannot hold an online party day without help"}
    )


class PartyDayEquipmentInputSchema(Schema):
    """A village's equipment (all fields; left out is false)."""

    has_computer = fields.Boolean(load_default=False)
    has_display = fields.Boolean(load_default=False)
    has_network = fields.Boolean(load_default=False)
    notes = text(500)


class PartyDayEquipmentArgsSchema(AreaFilterSchema):
    """Filters of the equipment list."""

    ready = fields.Boolean(metadata={"description": "Only ready (true) or lacking (false)"})
