"""Marshmallow schemas of the model campaign API (names prefixed, unique in the OpenAPI)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from core.plugin_api import MAX_ID, AreaFilterSchema, photos_body, query_id
from plugins.model_campaign.models import Status, Tier

TIERS = [t.value for t in Tier]
STATUSES = [s.value for s in Status]


def _id(**kw) -> fields.Integer:
    """An id in a body."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kw)


def _links(value):
    """Links to evidence: a list of addresses (checked by the service)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(str(_l("Give a list of addresses.")))
    return "\n".join(value)


class ModelCampaignCriterionSchema(Schema):
    """A criterion as the API shows it."""

    id = fields.Integer(dump_only=True)
    tier = fields.String(metadata={"enum": TIERS})
    title = fields.String()
    description = fields.String()
    max_score = fields.Integer()
    weight = fields.Integer()
    position = fields.Integer()
    active = fields.Boolean()


class ModelCampaignCriterionInputSchema(Schema):
    """A new criterion (admins)."""

    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    title = fields.String(required=True, validate=validate.Length(max=120))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    max_score = fields.Integer(load_default=10, validate=validate.Range(1, 100))
    weight = fields.Integer(load_default=1, validate=validate.Range(1, 10))
    position = fields.Integer(load_default=0, validate=validate.Range(0, 999))
    active = fields.Boolean(load_default=True)


class ModelCampaignCriterionPatchSchema(ModelCampaignCriterionInputSchema):
    """A change of a criterion: only the fields sent change."""

    class Meta:
        """Every field optional, no defaults."""

    tier = fields.String(validate=validate.OneOf(TIERS))
    title = fields.String(validate=validate.Length(max=120))
    description = fields.String(validate=validate.Length(max=2000))
    max_score = fields.Integer(validate=validate.Range(1, 100))
    weight = fields.Integer(validate=validate.Range(1, 10))
    position = fields.Integer(validate=validate.Range(0, 999))
    active = fields.Boolean()


class ModelCampaignCriterionArgsSchema(Schema):
    """Filters of the criteria list."""

    tier = fields.String(validate=validate.OneOf(TIERS))
    active = fields.Boolean()


class ModelCampaignRoundSchema(Schema):
    """A yearly round."""

    id = fields.Integer(dump_only=True)
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    name = fields.String(load_default="", validate=validate.Length(max=120))


class ModelCampaignScoreSchema(Schema):
    """The score of one criterion."""

    criterion_id = fields.Integer()
    score = fields.Float(attribute="value")


class ModelCampaignAssessmentSchema(Schema):
    """An assessment with its scores."""

    id = fields.Integer()
    nomination_id = fields.Integer()
    assessor_id = fields.Integer()
    total = fields.Float()
    max_total = fields.Float()
    percent = fields.Float()
    comments = fields.String()
    scores = fields.List(fields.Nested(ModelCampaignScoreSchema))
    updated_at = fields.DateTime()


class ModelCampaignAssessmentInputSchema(Schema):
    """Scores of every active criterion of the tier, keyed by criterion id."""

    scores = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        metadata={"description": "criterion id -> score (0..max, one decimal)"},
    )
    comments = fields.String(load_default="", validate=validate.Length(max=2000))


class ModelCampaignTransitionSchema(Schema):
    """A recorded change of status."""

    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    at = fields.DateTime()
    from_status = fields.String(allow_none=True, metadata={"enum": STATUSES})
    to_status = fields.String(metadata={"enum": STATUSES})
    reason = fields.String()
    audit_position = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The audit trail's position when the status changed (the id of the "
            "last audit event): the state of the data the decision was made on. Null for a "
            "change older than the trail"
        },
    )
    changes_since = fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many changes to the records of the nomination's area were made "
            "after audit_position (GET /api/v1/audit?after=<audit_position>&area=<area_id> "
            "lists them, for admins). Null when audit_position is null"
        },
    )


class ModelCampaignDecisionSchema(Schema):
    """Award, refuse or withdraw."""

    to = fields.String(
        required=True, validate=validate.OneOf(["awarded", "not_awarded", "withdrawn"])
    )
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={
            "description": "Required when not awarded, and when awarding a nomination whose "
            "mean score is below the award threshold (the setting award_threshold, 80 by "
            "default)"
        },
    )
    confirm = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Must be true: the caller confirms the decision, which is final. "
            "Without it a decision that would be accepted answers 422 on confirm and nothing "
            "changes (a dry run)"
        },
    )


class ModelCampaignNominationSchema(Schema):
    """A nomination as the API shows it."""

    id = fields.Integer(dump_only=True)
    round_id = _id(required=True)
    tier = fields.String(required=True, validate=validate.OneOf(TIERS))
    area_id = _id(
        required=True, metadata={"description": "township, village, or the household's village"}
    )
    household_name = fields.String(load_default="", validate=validate.Length(max=80))
    member_id = _id(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "household tier only: a member of a team of the household's village"
        },
    )
    reason = fields.String(required=True, validate=validate.Length(max=2000))
    evidence = fields.String(required=True, validate=validate.Length(max=5000))
    links = fields.Function(
        serialize=lambda n: [line for line in n.links.splitlines() if line],
        deserialize=_links,
        load_default=list,
        metadata={"type": "array", "items": {"type": "string"}},
    )
    status = fields.String(dump_only=True, metadata={"enum": STATUSES})
    status_reason = fields.String(dump_only=True)
    nominated_by_id = fields.Integer(dump_only=True)
    mean_percent = fields.Float(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ModelCampaignPhotoSchema(Schema):
    """A photo of a nomination's evidence."""

    id = fields.Integer()
    media_type = fields.String(metadata={"description": "image/jpeg, image/png or image/webp"})
    size = fields.Integer(metadata={"description": "Bytes"})
    url = fields.Method(
        "_url", metadata={"description": "The image through the API (?thumbnail=1: 320 px)"}
    )

    def _url(self, photo) -> str:
        """The API URL of the image."""
        return url_for(
            "model_campaign_api.NominationPhotoById",
            nomination_id=photo.nomination_id,
            photo_id=photo.id,
        )


#: the request body of a photo upload, for the OpenAPI document
PHOTOS_BODY = photos_body(
    "One or more images in the multipart/form-data file field ``photos``: "
    "JPEG, PNG or WebP, at most 4 per nomination and 4096 KB each (the limits of the pages)."
)


class ModelCampaignNominationDetailSchema(ModelCampaignNominationSchema):
    """A nomination with its assessments, evidence photos and history."""

    assessments = fields.List(fields.Nested(ModelCampaignAssessmentSchema), dump_only=True)
    photos = fields.List(
        fields.Nested(ModelCampaignPhotoSchema),
        dump_only=True,
        metadata={"description": "Uploaded to ``/nominations/{nomination_id}/photos``"},
    )
    transitions = fields.List(fields.Nested(ModelCampaignTransitionSchema), dump_only=True)
    proposes_award = fields.Boolean(dump_only=True, allow_none=True)
    decisions = fields.List(
        fields.String(metadata={"enum": ["awarded", "not_awarded", "withdrawn"]}),
        dump_only=True,
        metadata={
            "description": "The decisions the caller may take now (POST .../transitions):"
            " only those valid from the present status; none once it is "
            "final (awarded, not_awarded, withdrawn)"
        },
    )


class ModelCampaignNominationArgsSchema(AreaFilterSchema):
    """Filters of the nomination list."""

    round = query_id("Only nominations of this round")
    tier = fields.String(validate=validate.OneOf(TIERS))
    status = fields.String(validate=validate.OneOf(STATUSES))
