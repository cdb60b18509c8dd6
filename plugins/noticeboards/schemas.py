"""Marshmallow schemas of the noticeboards API (named ``Noticeboards*`` in OpenAPI)."""

from flask import url_for
from marshmallow import Schema, fields, pre_dump, validate

from core.plugin_api import (
    AreaFilterSchema,
    DateRangeSchema,
    LocalDateTime,
    RecordSchema,
    ref,
    ref_list,
    text,
)
from plugins.noticeboards import services as svc
from plugins.noticeboards.models import TRAINING_KINDS


class NoticeboardsStationSchema(RecordSchema):
    """A science service station."""

    village_id = fields.Integer()
    name = fields.String()
    place = fields.String()


class NoticeboardsStationInputSchema(Schema):
    """A new station."""

    village_id = ref("The village of the station (an area of kind village)", required=True)
    name = text(120, required=True)
    place = text(200)


class NoticeboardsBoardSchema(RecordSchema):
    """A noticeboard with its last update and flags."""

    village_id = fields.Integer()
    station_id = fields.Integer(allow_none=True)
    name = fields.String()
    location = fields.String()
    publicist_id = fields.Integer(allow_none=True)
    publicist_is_young_official = fields.Boolean(
        attribute="api_young",
        allow_none=True,
        metadata={"description": "False flags a publicist who is not a young village official"},
    )
    last_update_on = fields.Date(attribute="api_last", allow_none=True)
    stale = fields.Boolean(
        attribute="api_stale", metadata={"description": "Not updated for stale_board_days (30)"}
    )

    @pre_dump(pass_collection=True)
    def _attach(self, data, many, **kwargs):
        """Last updates of every board dumped at once (one query)."""
        boards = data if many else [data]
        last = svc.last_updates(b.id for b in boards)
        days = svc.stale_days()
        for b in boards:
            b.api_last = last[b.id]
            b.api_stale = svc.is_stale(svc.since(b, last[b.id]), days=days)
            b.api_young = b.publicist.is_young_official if b.publicist else None
        return data


class NoticeboardsBoardInputSchema(Schema):
    """A new board: give a station, or a village for a board directly under the village."""

    name = text(120, required=True)
    station_id = ref("The station the board belongs to", allow_none=True)
    village_id = ref("The village (taken from the station when one is given)", allow_none=True)
    location = text(200)
    publicist_id = ref("The publicist: a member of a team of the board's village", allow_none=True)


class NoticeboardsBoardPatchSchema(NoticeboardsBoardInputSchema):
    """Changes to a board (fields left out keep their value)."""


class NoticeboardsStationListArgsSchema(AreaFilterSchema):
    """Filters of the station list."""


class NoticeboardsBoardListArgsSchema(AreaFilterSchema):
    """Filters of the board list."""

    stale = fields.Boolean(metadata={"description": "Only stale (true) or fresh (false) boards"})


class NoticeboardsUpdateSchema(RecordSchema):
    """An update of a board."""

    board_id = fields.Integer()
    updated_on = fields.Date()
    title = fields.String()
    summary = fields.String()
    photo_url = fields.Method(
        "_photo_url",
        allow_none=True,
        metadata={"description": "The photo page, for signed-in users"},
    )

    def _photo_url(self, update):
        """The photo view's URL, or None."""
        return url_for("noticeboards.photo", update_id=update.id) if update.photo else None


class NoticeboardsUpdateInputSchema(Schema):
    """A new update (its photo is sent afterwards to ``/updates/{update_id}/photo``)."""

    updated_on = fields.Date(required=True)
    title = text(200, required=True)
    summary = text(4000)


class NoticeboardsUpdatePatchSchema(NoticeboardsUpdateInputSchema):
    """Corrections to an update (fields left out keep their value)."""


#: the request body of a photo upload, for the OpenAPI document
PHOTO_UPLOAD_BODY = {
    "required": True,
    "description": "The photo as the multipart/form-data file field ``photo``: JPEG, PNG or "
    "WebP, at most the plugin's ``max_photo_kb`` (the limits of the pages).",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["photo"],
                "properties": {"photo": {"type": "string", "format": "binary"}},
            }
        }
    },
}


class NoticeboardsTrainingSchema(RecordSchema):
    """A training of publicists."""

    held_on = fields.Date()
    topic = fields.String()
    hours = fields.Float()
    trainer = fields.String()
    kind = fields.String(metadata={"description": "on_site or remote (远程教育)"})
    attendee_ids = fields.Method("_attendees")

    def _attendees(self, training):
        """The attendees' member ids."""
        return [m.id for m in training.attendees]


class NoticeboardsTrainingInputSchema(Schema):
    """A new training; attendees must be publicists the caller may record for."""

    held_on = fields.Date(required=True)
    topic = text(200, required=True)
    hours = fields.Float(required=True, validate=validate.Range(min=0.5, max=100))
    trainer = text(120)
    kind = fields.String(required=True, validate=validate.OneOf(TRAINING_KINDS))
    attendee_ids = ref_list("The publicists who attended (member ids)", required=True)


class NoticeboardsTrainingPatchSchema(NoticeboardsTrainingInputSchema):
    """Corrections to a training (fields left out keep their value)."""


class NoticeboardsTrainingListArgsSchema(DateRangeSchema):
    """Filters of the training list."""


class NoticeboardsReminderSchema(Schema):
    """An open reminder to a stale board's publicist."""

    id = fields.Integer()
    board_id = fields.Integer()
    member_id = fields.Integer()
    due_since = fields.Date()
    sent_at = LocalDateTime()
