"""Schemas of the review work: inspections, rectification items, year-end assessments and
their rubric."""

from flask import url_for
from marshmallow import Schema, fields, validate

from core.api.common import (
    FIRST_DAY,
    LAST_DAY,
    DateRangeSchema,
    TeamFilterSchema,
    photos_body,
    query_id,
)
from core.api.fieldtypes import LocalDateTime, ref, text
from core.api.schemas import RecordSchema
from core.audit.position import changes_since
from core.dates import to_local
from core.models import Direction, InspectionKind, Outcome, RectificationStatus
from core.services.assessments import (
    COMMEND_MODES,
    YEARS,
)
from core.services.rectifications import StatusFilter, is_overdue
from core.services.rubric import (
    METRICS,
)

DAY = validate.Range(min=FIRST_DAY, max=LAST_DAY)

# --- inspections ----------------------------------------------------------------------------


class InspectionPhotoSchema(Schema):
    """A photo of an inspection."""

    id = fields.Integer()
    media_type = fields.String(metadata={"description": "image/jpeg, image/png or image/webp"})
    size = fields.Integer(metadata={"description": "Bytes"})
    url = fields.Method("_url", metadata={"description": "The image, through the API"})

    def _url(self, photo) -> str:
        """The API URL of the image."""
        return url_for(
            "api_inspections.InspectionPhotoById",
            inspection_id=photo.inspection_id,
            photo_id=photo.id,
        )


#: the request body of a photo upload, for the OpenAPI document
INSPECTION_PHOTOS_BODY = photos_body(
    "One or more images in the multipart/form-data file field ``photos``: "
    "JPEG, PNG or WebP within the limits of the pages (size per photo, photos "
    "per inspection)."
)


class InspectionSchema(RecordSchema):
    """An inspection of a team, or of a village as a whole."""

    village_id = fields.Integer()
    team_id = fields.Integer(allow_none=True)
    kind = fields.Enum(InspectionKind, by_value=True)
    inspected_on = fields.Date()
    findings = fields.String()
    inspector_id = fields.Integer(allow_none=True)
    photos = fields.List(
        fields.Nested(InspectionPhotoSchema),
        metadata={
            "description": "The photos (uploaded to ``/inspections/{inspection_id}/photos``)"
        },
    )
    photo_urls = fields.Method(
        "_photo_urls", metadata={"description": "Pages of the photos, for signed-in users"}
    )

    def _photo_urls(self, inspection) -> list[str]:
        """The photo views' URLs."""
        return [url_for("inspections.photo", photo_id=p.id) for p in inspection.photos]


class InspectionInputSchema(Schema):
    """A new inspection: a ``team_id``, or a ``village_id`` for a village as a whole."""

    team_id = ref("The team inspected", allow_none=True)
    village_id = ref("The village inspected as a whole (when no team is given)", allow_none=True)
    kind = fields.Enum(InspectionKind, by_value=True, required=True)
    inspected_on = fields.Date(
        required=True, validate=DAY, metadata={"description": "The local day, not in the future"}
    )
    findings = text(10_000, required=True)


class InspectionPatchSchema(InspectionInputSchema):
    """Changes to an inspection."""


class InspectionListArgsSchema(TeamFilterSchema, DateRangeSchema):
    """Filters of the inspection list (``area``: the inspected village's subtree)."""

    kind = fields.Enum(InspectionKind, by_value=True)


# --- rectification items --------------------------------------------------------------------


class RectificationSchema(RecordSchema):
    """A rectification item: what a unit must put right, by when."""

    village_id = fields.Integer()
    team_id = fields.Integer(allow_none=True)
    title = fields.String()
    requirement = fields.String()
    deadline = fields.Date()
    status = fields.Enum(RectificationStatus, by_value=True)
    overdue = fields.Function(
        is_overdue, metadata={"description": "Open past its deadline (computed, never stored)"}
    )
    awaiting_review = fields.Boolean(
        metadata={
            "description": "The unit reported progress that no reviewer has accepted or sent "
            "back yet (see ``/rectifications/{item_id}/steps``)"
        }
    )
    result_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The assessment result (a criticism) it comes from"},
    )
    inspection_id = fields.Integer(allow_none=True)
    done_on = fields.Date(allow_none=True)
    done_note = fields.String()
    done_by_id = fields.Integer(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)


class RectificationInputSchema(Schema):
    """A new item, for a team or a village (taken from ``result_id`` or ``inspection_id`` when
    given)."""

    team_id = ref("The team concerned", allow_none=True)
    village_id = ref("The village concerned (when no team is given)", allow_none=True)
    result_id = ref("A criticism of a confirmed assessment it comes from", allow_none=True)
    inspection_id = ref("The inspection whose finding it comes from", allow_none=True)
    title = text(200)
    requirement = text(5000, required=True)
    deadline = fields.Date(
        required=True, validate=DAY, metadata={"description": "Last day, not in the past"}
    )


class RectificationPatchSchema(Schema):
    """Changes to an item; ``status: done`` needs ``done_note``, ``status: open`` reopens."""

    title = text(200)
    requirement = text(5000, required=True)
    deadline = fields.Date(validate=DAY)
    status = fields.Enum(RectificationStatus, by_value=True)
    done_note = text(5000)
    done_on = fields.Date(validate=DAY, metadata={"description": "Default: today"})


class RectificationListArgsSchema(TeamFilterSchema):
    """Filters of the item list (``area``: the unit's village subtree)."""

    status = fields.Enum(
        StatusFilter,
        by_value=True,
        metadata={
            "description": "open, done, overdue (open past the deadline), or awaiting "
            "(open, with a progress report awaiting review)"
        },
    )


# --- the rubric -----------------------------------------------------------------------------


class AssessmentCriterionSchema(RecordSchema):
    """A criterion of the rubric."""

    name = fields.String()
    description = fields.String()
    metric = fields.String(
        metadata={"description": "A team figure, or 'manual'", "enum": list(METRICS)}
    )
    weight = fields.Integer()
    direction = fields.Enum(Direction, by_value=True)
    position = fields.Integer()


class AssessmentCriterionInputSchema(Schema):
    """A new criterion."""

    name = text(120, required=True)
    description = text(2000)
    metric = fields.String(required=True, validate=validate.OneOf(list(METRICS)))
    weight = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))
    direction = fields.Enum(Direction, by_value=True, load_default=Direction.HIGHER)
    position = fields.Integer(strict=True, validate=validate.Range(0, 10_000))


class AssessmentCriterionPatchSchema(AssessmentCriterionInputSchema):
    """Changes to a criterion (confirmed assessments keep their snapshot)."""


# --- assessments ----------------------------------------------------------------------------


class AssessmentSettingsSchema(Schema):
    """How commendations and criticisms are proposed."""

    commend_mode = fields.String(validate=validate.OneOf(COMMEND_MODES))
    commend_value = fields.Integer(strict=True, validate=validate.Range(0, 1000))
    criticise_bottom = fields.Integer(strict=True, validate=validate.Range(0, 1000))


class AssessmentRubricItemSchema(Schema):
    """A criterion as scored in this assessment."""

    id = fields.Integer()
    name = fields.String()
    metric = fields.String()
    weight = fields.Integer()
    direction = fields.Enum(Direction, by_value=True)


class AssessmentScoreSchema(Schema):
    """A team's score on one criterion."""

    criterion_id = fields.Integer()
    raw = fields.Float(allow_none=True, metadata={"description": "The figure (null: manual)"})
    score = fields.Float(allow_none=True, metadata={"description": "0-100; null: not scored"})


class AssessmentResultSchema(Schema):
    """A team's line: scores, total, rank, proposal and (once confirmed) decision."""

    team_id = fields.Integer()
    team_name = fields.String()
    area_name = fields.String(metadata={"description": "The team's village"})
    rank = fields.Integer()
    total = fields.Float()
    rule_breaks = fields.Boolean()
    proposed = fields.Enum(Outcome, by_value=True)
    proposed_reason = fields.String()
    outcome = fields.Enum(Outcome, by_value=True, allow_none=True)
    reason = fields.String()
    result_id = fields.Integer(
        allow_none=True, metadata={"description": "The stored result (confirmed assessments)"}
    )
    scores = fields.Method("_scores", metadata={"description": "One score per criterion"})

    def _scores(self, result) -> list[dict]:
        """The scores as a list."""
        return [
            {"criterion_id": cid, "raw": result.raw.get(cid), "score": score}
            for cid, score in result.scores.items()
        ]


class AssessmentSchema(Schema):
    """The assessment of a year for an area: frozen once confirmed, else computed now."""

    year = fields.Integer()
    area_id = fields.Function(lambda v: v.area.id)
    area_name = fields.Function(lambda v: v.area.name)
    status = fields.Function(
        lambda v: "confirmed" if v.confirmed else "draft", metadata={"enum": ["draft", "confirmed"]}
    )
    confirmed_at = fields.Function(
        lambda v: to_local(v.assessment.confirmed_at).isoformat() if v.confirmed else None,
        metadata={"type": "string", "format": "date-time"},
    )
    confirmed_by_id = fields.Function(
        lambda v: v.assessment.confirmed_by_id if v.confirmed else None,
        metadata={"type": "integer"},
    )
    remarks = fields.Function(
        lambda v: v.assessment.remarks if v.assessment else "", metadata={"type": "string"}
    )
    audit_position = fields.Function(
        lambda v: v.assessment.audit_position if v.confirmed else None,
        allow_none=True,
        metadata={
            "type": "integer",
            "description": "The audit trail's position when it was confirmed (the id of the "
            "last audit event): the state of the data it was computed from. Null for a draft "
            "and for an assessment confirmed before the trail existed",
        },
    )
    changes_since = fields.Function(
        lambda v: changes_since(v.assessment.audit_position, v.area) if v.confirmed else None,
        allow_none=True,
        metadata={
            "type": "integer",
            "description": "How many changes to the records of the area (and the areas below "
            "it) were made after audit_position: GET /api/v1/audit?after=<audit_position>"
            "&area=<area_id> lists them. Null when audit_position is null",
        },
    )
    settings = fields.Nested(AssessmentSettingsSchema)
    criteria = fields.List(fields.Nested(AssessmentRubricItemSchema))
    results = fields.List(fields.Nested(AssessmentResultSchema))
    missing_scores = fields.Function(
        lambda v: [{"team_id": t, "criterion_id": c} for t, c in v.missing],
        metadata={"description": "Hand scores still to enter before confirming"},
    )


class AssessmentSummarySchema(RecordSchema):
    """A stored assessment (a draft with hand scores or settings, or a confirmed one)."""

    year = fields.Integer()
    area_id = fields.Integer()
    status = fields.String()
    confirmed_at = LocalDateTime(allow_none=True)
    audit_position = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The audit trail's position when it was confirmed (null for a draft "
            "or one confirmed before the trail existed); the single assessment adds "
            "changes_since"
        },
    )


class AssessmentArgsSchema(Schema):
    """Which area's assessment of the year."""

    area = query_id("The assessed area (a township or the county)")


class AssessmentListArgsSchema(Schema):
    """Filters of the stored assessments."""

    year = fields.Integer(validate=validate.Range(*YEARS))
    area = query_id("Only assessments of this area")


class AssessmentCreateSchema(Schema):
    """Start (store) the draft of a year for an area."""

    year = fields.Integer(strict=True, required=True, validate=validate.Range(*YEARS))
    area_id = ref("The assessed area (a township or the county)", required=True)


class AssessmentScoreInputSchema(Schema):
    """A hand score (null clears it)."""

    team_id = ref("The team", required=True)
    criterion_id = ref("A hand-scored criterion", required=True)
    score = fields.Integer(
        strict=True, allow_none=True, required=True, validate=validate.Range(0, 100)
    )


class AssessmentPatchSchema(AssessmentSettingsSchema):
    """Changes to a draft: the proposal settings and hand scores."""

    scores = fields.List(
        fields.Nested(AssessmentScoreInputSchema), validate=validate.Length(max=10_000)
    )


class AssessmentDecisionSchema(Schema):
    """The decision on one team (teams left out keep the proposal)."""

    team_id = ref("The team", required=True)
    outcome = fields.Enum(Outcome, by_value=True, required=True)
    reason = text(2000, metadata={"description": "Required when it differs from the proposal"})


class AssessmentConfirmSchema(Schema):
    """Confirm (freeze) the draft with decisions."""

    decisions = fields.List(
        fields.Nested(AssessmentDecisionSchema),
        load_default=list,
        validate=validate.Length(max=10_000),
    )
    deadline = fields.Date(
        validate=DAY,
        allow_none=True,
        metadata={"description": "Deadline of the rectification items of the criticised teams"},
    )
    remarks = text(5000)
