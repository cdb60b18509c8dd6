"""Marshmallow schemas of the party day API (named ``PartyDay*`` in OpenAPI)."""

from marshmallow import Schema, fields, validate

from core.plugin_api import (
    AreaFilterSchema,
    DateRangeSchema,
    LocalDateTime,
    RecordSchema,
    photos_body,
    query_id,
    ref,
    text,
)


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

    village = query_id("Only this village's")


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


class PartyDayViewingSchema(RecordSchema):
    """A county-wide viewing with its attendance per village."""

    area_id = fields.Integer()
    held_on = fields.Date()
    start_time = fields.Time(allow_none=True, format="%H:%M")
    title = fields.String()
    hosts = fields.String()
    notes = fields.String()
    attendance = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        attribute="api_attendance",
        dump_only=True,
        metadata={"description": "Party members watching, by village id (recorded villages)"},
    )


class PartyDayViewingInputSchema(Schema):
    """A new viewing."""

    area_id = ref("The area organising it (the county or a township)", required=True)
    held_on = fields.Date(required=True)
    start_time = fields.Time(allow_none=True, format="%H:%M")
    title = text(200, required=True)
    hosts = text(300)
    notes = text(5000)


class PartyDayAttendanceInputSchema(Schema):
    """A village's attendance at a viewing."""

    present = fields.Integer(
        strict=True, required=True, metadata={"description": "Party members watching"}
    )


class PartyDayCriterionInputSchema(Schema):
    """A criterion of a new round."""

    title = text(120, required=True)
    max_score = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1000))


class PartyDayCriterionSchema(PartyDayCriterionInputSchema):
    """A criterion of a round."""

    id = fields.Integer()


class PartyDayRoundSchema(RecordSchema):
    """A year's best party day case competition."""

    year = fields.Integer()
    name = fields.String()
    winners_wanted = fields.Integer()
    confirmed_at = LocalDateTime(allow_none=True)
    criteria = fields.List(fields.Nested(PartyDayCriterionSchema))


class PartyDayRoundInputSchema(Schema):
    """A new round (criteria default to the county's four)."""

    year = fields.Integer(strict=True, required=True)
    name = text(200, required=True)
    winners_wanted = fields.Integer(strict=True, load_default=20)
    criteria = fields.List(
        fields.Nested(PartyDayCriterionInputSchema),
        metadata={"description": "Default: the four criteria of the county"},
    )


class PartyDayRankedSchema(Schema):
    """A case's place in its round's ranking."""

    case_id = fields.Integer(attribute="case.id")
    village_id = fields.Integer(attribute="case.village_id")
    title = fields.String(attribute="case.title")
    total = fields.Float(allow_none=True, metadata={"description": "Mean of reviewers' totals"})
    reviewers = fields.Integer()
    rank = fields.Integer(allow_none=True)
    proposed = fields.Boolean(metadata={"description": "Proposed winner (winner once confirmed)"})


class PartyDayConfirmSchema(Schema):
    """The winners confirmed (default: the proposed ones)."""

    winners = fields.List(
        fields.Integer(strict=True), metadata={"description": "Ids of the winning cases"}
    )


class PartyDayPhotoSchema(Schema):
    """A photo of a case."""

    id = fields.Integer()
    media_type = fields.String()


class PartyDayCaseSchema(RecordSchema):
    """A case entered in a round."""

    round_id = fields.Integer()
    village_id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    final_rank = fields.Integer(allow_none=True)
    winner = fields.Boolean()
    photos = fields.List(fields.Nested(PartyDayPhotoSchema))


class PartyDayCaseInputSchema(Schema):
    """A new case (photos are added with POST .../photos)."""

    round_id = ref("The round", required=True)
    village_id = ref("The village whose branch enters it", required=True)
    title = text(200, required=True)
    summary = text(20000, required=True)


class PartyDayCaseListArgsSchema(AreaFilterSchema):
    """Filters of the case list."""

    round = query_id("Only this round's")
    winner = fields.Boolean(metadata={"description": "Only winning (or other) cases"})


class PartyDayScoresInputSchema(Schema):
    """The caller's scores of a case, by criterion id."""

    scores = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)


#: the request body of a photo upload, for the OpenAPI document
PHOTOS_BODY = photos_body(
    "One or more images in the multipart/form-data file field ``photos``: "
    "JPEG, PNG or WebP, at most 4 per case and 4096 KB each."
)
