"""Schemas of a rectification item's follow-up: its steps (reports, acceptances, send-backs),
their photos, and what a report, an acceptance and a send-back send."""

from flask import url_for
from marshmallow import Schema, fields

from core.api.fieldtypes import text
from core.api.schemas import RecordSchema
from core.models import StepKind
from core.services.rectifications import MAX_TEXT


class StepPhotoSchema(Schema):
    """A photo of a progress report."""

    id = fields.Integer()
    media_type = fields.String(metadata={"description": "image/jpeg, image/png or image/webp"})
    size = fields.Integer(metadata={"description": "Bytes"})
    url = fields.Method("_url", metadata={"description": "The image, through the API"})

    def _url(self, photo) -> str:
        """The API URL of the image."""
        return url_for(
            "api_rectifications.RectificationPhotoById",
            item_id=photo.step.rectification_id,
            photo_id=photo.id,
        )


class StepSchema(RecordSchema):
    """One step of an item's follow-up; ``created_at`` is when it was taken."""

    rectification_id = fields.Integer()
    kind = fields.Enum(
        StepKind,
        by_value=True,
        metadata={"description": "report (by the unit), accepted or sent_back (by a reviewer)"},
    )
    text = fields.String(
        metadata={"description": "What was done, the acceptance note, or why it was sent back"}
    )
    author_id = fields.Integer(allow_none=True)
    author_name = fields.Function(
        lambda step: step.author.name if step.author else None, allow_none=True
    )
    photos = fields.List(fields.Nested(StepPhotoSchema))


class ReportInputSchema(Schema):
    """A progress report: what has been done."""

    text = text(MAX_TEXT, required=True)


class AcceptInputSchema(Schema):
    """An acceptance: an optional note."""

    note = text(MAX_TEXT)


class SendBackInputSchema(Schema):
    """A send-back: the reason, required."""

    reason = text(MAX_TEXT, required=True)


#: the request body of a report, for the OpenAPI document: JSON, or multipart with photos
REPORT_BODY = {
    "required": True,
    "description": 'JSON ``{"text": ...}``, or multipart/form-data with the field ``text`` '
    "and up to the configured number of images in the file field ``photos`` (JPEG, PNG or "
    "WebP within the inspections' size limit).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": MAX_TEXT}},
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "text": {"type": "string", "maxLength": MAX_TEXT},
                    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            }
        },
    },
}
