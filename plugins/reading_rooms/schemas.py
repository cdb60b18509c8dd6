"""Marshmallow schemas of the reading rooms API (names prefixed for the OpenAPI document)."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.plugin_api import MAX_ID, DateRangeSchema, query_id
from plugins.reading_rooms.services import MAX_COUNT

_ID = validate.Range(min=1, max=MAX_ID)
_COUNT = validate.Range(min=0, max=MAX_COUNT)


class ReadingRoomSchema(Schema):
    """A reading room."""

    id = fields.Integer(dump_only=True)
    area_id = fields.Integer(metadata={"description": "The township or village served"})
    area = fields.String(attribute="area.name", dump_only=True)
    name = fields.String()
    place = fields.String()
    opening_notes = fields.String()
    model_since = fields.Date(
        allow_none=True, metadata={"description": "County-level model room since this day"}
    )


class ReadingRoomInputSchema(Schema):
    """A new reading room."""

    area_id = fields.Integer(required=True, validate=_ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    place = fields.String(load_default="", validate=validate.Length(max=200))
    opening_notes = fields.String(load_default="", validate=validate.Length(max=500))


class ReadingRoomPatchSchema(Schema):
    """Changes to a reading room; ``model_since`` null withdraws the model-room title."""

    area_id = fields.Integer(validate=_ID)
    name = fields.String(validate=validate.Length(min=1, max=120))
    place = fields.String(validate=validate.Length(max=200))
    opening_notes = fields.String(validate=validate.Length(max=500))
    model_since = fields.Date(allow_none=True)


class ReadingRoomListArgsSchema(Schema):
    """Filters of the room list."""

    area = query_id("Only rooms inside this area's subtree")


class ReadingRoomUsageSchema(Schema):
    """A usage record of a room for a period."""

    id = fields.Integer(dump_only=True)
    room_id = fields.Integer(required=True, validate=_ID)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    reads = fields.Integer(required=True, validate=_COUNT)
    downloads = fields.Integer(required=True, validate=_COUNT)
    active_readers = fields.Integer(required=True, validate=_COUNT)
    replace = fields.Boolean(
        load_default=False,
        load_only=True,
        metadata={
            "description": "Overwrite the figures of a room and period recorded already "
            "(without it such an entry answers 409 with the recorded figures)"
        },
    )

    @validates_schema
    def _in_order(self, data, **kwargs):
        """The period must not end before it starts."""
        if (
            data.get("period_start")
            and data.get("period_end")
            and data["period_end"] < data["period_start"]
        ):
            raise ValidationError(str(_l("The period ends before it starts.")), "period_end")


class ReadingRoomUsageArgsSchema(DateRangeSchema):
    """Filters of the usage list: a room, and records inside the date range."""

    room = query_id("Only records of this room")


class ReadingRoomReportRowSchema(Schema):
    """A ranked room of an inspection report."""

    rank = fields.Integer()
    room_id = fields.Integer()
    area_id = fields.Integer()
    room = fields.String()
    area = fields.String()
    township = fields.String()
    reads = fields.Integer()
    downloads = fields.Integer()
    usage = fields.Integer()
    active_readers = fields.Integer()
    model = fields.Boolean()
    low = fields.Boolean()


class ReadingRoomReportSchema(Schema):
    """An inspection report: the rooms of a period ranked, low ones flagged."""

    id = fields.Integer(allow_none=True, metadata={"description": "Set for a stored report"})
    period_start = fields.Date()
    period_end = fields.Date()
    generated_at = fields.DateTime(allow_none=True)
    threshold = fields.Integer()
    rows = fields.List(fields.Nested(ReadingRoomReportRowSchema))


class ReadingRoomStoredReportSchema(Schema):
    """A stored report in the list (without its rows)."""

    id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    generated_at = fields.DateTime()
    threshold = fields.Integer()


class ReadingRoomInspectionArgsSchema(DateRangeSchema):
    """The period of an inspection report (default: the previous month)."""


class ReadingRoomYearArgsSchema(Schema):
    """The year of a ranking."""

    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class ReadingRoomCommendationSchema(Schema):
    """A confirmed commendation."""

    year = fields.Integer()
    room_id = fields.Integer()
    rank = fields.Integer()
    usage = fields.Integer()
    confirmed_at = fields.DateTime()
    audit_position = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The audit trail's position when it was confirmed (the id of the "
            "last audit event): the state of the usage figures it was computed from. Null for "
            "one confirmed before the trail existed"
        },
    )
    changes_since = fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many changes to any record were made after audit_position "
            "(GET /api/v1/audit?after=<audit_position> lists them). Null when audit_position "
            "is null"
        },
    )


class ReadingRoomRankingSchema(Schema):
    """The year-end ranking: every room, the proposal and what an admin confirmed."""

    year = fields.Integer()
    rows = fields.List(fields.Nested(ReadingRoomReportRowSchema))
    proposal = fields.List(fields.Nested(ReadingRoomReportRowSchema))
    confirmed = fields.List(fields.Nested(ReadingRoomCommendationSchema))


class ReadingRoomImportResultSchema(Schema):
    """What an import saved."""

    created = fields.Integer(metadata={"description": "Usage records created"})
    updated = fields.Integer(
        metadata={
            "description": "Records of a room and period already "
            "recorded whose figures were replaced"
        }
    )


#: the request body of a CSV import, for the OpenAPI document
IMPORT_BODY = {
    "required": True,
    "description": (
        "UTF-8 CSV (a BOM is allowed), at most 2 MB, as the multipart/form-data file field "
        "``file`` or as the whole body with Content-Type text/csv. Header: ``room_id`` or "
        "``area`` (the township or village name), ``period_start``, ``period_end``, ``reads``, "
        "``downloads``, ``active_readers``; a period is two days (YYYY-MM-DD), or a month "
        "(YYYY-MM) in period_start with period_end empty."
    ),
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        "text/csv": {
            "schema": {"type": "string"},
            "example": "area,period_start,period_end,reads,downloads,active_readers\n"
            "戴家村,2026-01,,320,85,41\n",
        },
    },
}
