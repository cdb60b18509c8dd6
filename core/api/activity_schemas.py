"""Schemas of the outreach work: campaigns, visits and events."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates_schema
from sqlalchemy import select

from core import rules
from core.api.common import DateRangeSchema, ListFilterSchema, photos_body, query_id
from core.api.fieldtypes import CleanString, LocalDateTime, count, ref, ref_list, text
from core.api.schemas import RecordSchema
from core.audit.history import HistoryEntry, last_changes
from core.database import read_rows
from core.models import (
    CampaignKind,
    EventStatus,
    Member,
    User,
    VenueKind,
    Visit,
    VisitKind,
    VisitPhoto,
    visit_members,
)
from core.models.events import CAMPAIGN_YEARS
from core.services.visit_rules import (
    EARLIEST_VISIT_DAY,
    MAX_MATERIAL,
    MAX_REACHED,
    MAX_VISIT_TEXT,
    future_message,
    households_exceed_people,
    reached_message,
    too_early_message,
    too_long_message,
)

NAIVE_NOTE = (
    "ISO 8601 date and time. A value with an offset is taken as given; a value without one "
    "is read in the configured time zone (TIMEZONE, Asia/Shanghai by default). Answers carry "
    "the offset of the configured zone."
)


class IdSchema(Schema):
    """A reference to a record by id."""

    id = fields.Integer()


# --- campaigns ------------------------------------------------------------------------------


class CampaignSchema(RecordSchema):
    """A yearly outreach period."""

    name = fields.String()
    kind = fields.Enum(CampaignKind, by_value=True)
    year = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "Last day (inclusive)"})
    description = fields.String()


class CampaignInputSchema(Schema):
    """A new campaign."""

    name = text(120, required=True)
    kind = fields.Enum(CampaignKind, by_value=True, required=True)
    year = fields.Integer(strict=True, required=True, validate=validate.Range(*CAMPAIGN_YEARS))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "Last day (inclusive)"})
    description = text()

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        """The last day may not come before the first."""
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(str(_l("The last day must not be before the first.")), "ends_on")


class CampaignPatchSchema(CampaignInputSchema):
    """Changes to a campaign."""


class CampaignListArgsSchema(DateRangeSchema):
    """Filters of the campaign list (``from``/``to``: campaigns overlapping the range)."""

    year = fields.Integer(validate=validate.Range(*CAMPAIGN_YEARS))
    kind = fields.Enum(CampaignKind, by_value=True)


# --- visits ---------------------------------------------------------------------------------


#: the request body of a visit photo upload, for the OpenAPI document
VISIT_PHOTOS_BODY = photos_body(
    "One or more images in the multipart/form-data file field ``photos``: "
    "JPEG, PNG or WebP within the limits of the pages (VISIT_PHOTO_MAX_KB per photo, "
    "VISIT_PHOTOS_MAX per visit)."
)


class VisitPhotoSchema(Schema):
    """A photo of a visit."""

    id = fields.Integer()
    media_type = fields.String(metadata={"description": "image/jpeg, image/png or image/webp"})
    size = fields.Integer(metadata={"description": "Bytes"})
    url = fields.Method("_url", metadata={"description": "The image, through the API"})
    thumbnail_url = fields.Method(
        "_thumbnail_url", metadata={"description": "Its thumbnail, through the API"}
    )

    def _url(self, photo) -> str:
        """The API URL of the image."""
        return url_for("api_visits.VisitPhotoById", visit_id=photo.visit_id, photo_id=photo.id)

    def _thumbnail_url(self, photo) -> str:
        """The API URL of the thumbnail."""
        return url_for(
            "api_visits.VisitPhotoById", visit_id=photo.visit_id, photo_id=photo.id, thumbnail=1
        )


class VisitSchema(RecordSchema):
    """One logged activity of a team at a farm."""

    team_id = fields.Integer()
    farm_id = fields.Integer()
    visited_on = fields.Date()
    kind = fields.Enum(VisitKind, by_value=True)
    people_reached = fields.Integer()
    households_reached = fields.Integer()
    member_ids = fields.List(
        fields.Integer(), metadata={"description": "Members present (by name)"}
    )
    topics = fields.String()
    material = fields.String()
    questions = fields.String()
    notes = fields.String()
    households_exceed_people = fields.Boolean(
        metadata={
            "description": "A flag of the sources' rules: more households than people reached "
            "(shown, never refused)"
        }
    )
    logged_by_id = fields.Integer(allow_none=True)
    logged_by = fields.String(
        allow_none=True, metadata={"description": "The username of the user who logged it"}
    )
    changed_by = fields.String(
        allow_none=True,
        metadata={
            "description": "Who changed it last (after logging it): a username, or the command "
            "or job that did; null if never changed"
        },
    )
    changed_at = LocalDateTime(
        allow_none=True, metadata={"description": "When it was changed last; null if never"}
    )
    photos = fields.List(
        fields.Nested(VisitPhotoSchema),
        metadata={"description": "The photos (uploaded to ``/visits/{visit_id}/photos``)"},
    )

    @pre_dump(pass_collection=True)
    def _with_who(self, data, many, **kwargs):
        """The visits with the members present, who logged them, who changed them last and
        their photos: four queries for a whole page, whatever its length, each reading
        columns only (no row becomes an object)."""
        visits = list(data) if many else [data]
        loggers = {visit.logged_by_id for visit in visits if visit.logged_by_id is not None}
        names = (
            dict(read_rows(select(User.id, User.username).where(User.id.in_(loggers))).all())
            if loggers
            else {}
        )
        ids = [visit.id for visit in visits]
        members = members_present(ids)
        changes = last_changes(Visit.__tablename__, ids)
        photos = visit_photos(ids)
        shown = [
            VisitWithWho(
                visit,
                members.get(visit.id, []),
                names.get(visit.logged_by_id),
                changes.get(str(visit.id)),
                photos.get(visit.id, []),
            )
            for visit in visits
        ]
        return shown if many else shown[0]


def members_present(visit_ids: list[int]) -> dict[int, list[int]]:
    """visit id -> the ids of its members present, by name as the visit's relationship
    orders them (one query for any number of visits)."""
    if not visit_ids:
        return {}
    out: dict[int, list[int]] = {}
    rows = read_rows(
        select(visit_members.c.visit_id, visit_members.c.member_id)
        .join(Member, Member.id == visit_members.c.member_id)
        .where(visit_members.c.visit_id.in_(visit_ids))
        .order_by(Member.name, Member.id)
    )
    for visit_id, member_id in rows:
        out.setdefault(visit_id, []).append(member_id)
    return out


def visit_photos(visit_ids: list[int]) -> dict[int, list]:
    """visit id -> its live photos (id, visit_id, media_type, size), oldest first (one query
    for any number of visits)."""
    if not visit_ids:
        return {}
    out: dict[int, list] = {}
    rows = read_rows(
        select(VisitPhoto.id, VisitPhoto.visit_id, VisitPhoto.media_type, VisitPhoto.size)
        .where(VisitPhoto.visit_id.in_(visit_ids), VisitPhoto.deleted_at.is_(None))
        .order_by(VisitPhoto.id)
    )
    for photo in rows:
        out.setdefault(photo.visit_id, []).append(photo)
    return out


class VisitWithWho:
    """A visit as the API shows it: its attributes, with who logged it, who changed it and its
    photos."""

    def __init__(
        self,
        visit,
        member_ids: list[int],
        logged_by: str | None,
        last: HistoryEntry | None,
        photos: list,
    ):
        self._visit = visit
        self.member_ids = member_ids
        self.photos = photos
        self.logged_by = logged_by
        changed = last is not None and last.action != "create"
        self.changed_by = last.by if changed else None
        self.changed_at = last.at if changed else None
        self.households_exceed_people = households_exceed_people(visit)

    def __getattr__(self, name):
        """Every other attribute is the visit's."""
        return getattr(self._visit, name)


class VisitHistoryEntrySchema(Schema):
    """One change of a visit, oldest first."""

    id = fields.Integer(metadata={"description": "The change's position on the audit trail"})
    at = LocalDateTime(metadata={"description": "When the change was saved"})
    user_id = fields.Integer(allow_none=True, metadata={"description": "Who made it"})
    user = fields.String(
        attribute="username",
        allow_none=True,
        metadata={"description": "Who made it: the username (null for a command or job)"},
    )
    actor = fields.String(
        metadata={"description": "Outside requests: the command or job, e.g. job: core.x"}
    )
    action = fields.String(
        validate=validate.OneOf(["create", "update", "delete", "restore"]),
        metadata={"description": "delete: soft-deleted; restore: undeleted"},
    )
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw(allow_none=True)),
        metadata={
            "description": "{field: [before, after]}; members_present as lists of member ids"
        },
    )


def _not_in_the_future(day) -> None:
    """The service's rule and message for a day after today (named with the other fields)."""
    if day > rules.today():
        raise ValidationError(future_message())


def visit_text(limit: int, **kwargs) -> CleanString:
    """A free-text field of a visit: at most ``limit`` characters, with the service's message."""
    return CleanString(
        validate=validate.Length(max=limit, error=too_long_message(limit, lazy=True)), **kwargs
    )


def reached(description: str, **kwargs):
    """People or households reached: 0..MAX_REACHED, with the service's message."""
    return count(
        description,
        validate=validate.Range(min=0, max=MAX_REACHED, error=reached_message(lazy=True)),
        **kwargs,
    )


class VisitInputSchema(Schema):
    """A visit to log. A leader may leave out ``team_id``: it is their own team."""

    team_id = ref("The team that made the visit (default: the leader's team)")
    farm_id = ref("The farm visited", required=True)
    visited_on = fields.Date(
        required=True,
        validate=[
            validate.Range(min=EARLIEST_VISIT_DAY, error=too_early_message(lazy=True)),
            _not_in_the_future,
        ],
        metadata={
            "description": f"The local day of the visit, from {EARLIEST_VISIT_DAY.isoformat()}, "
            "not in the future"
        },
    )
    kind = fields.Enum(VisitKind, by_value=True, required=True)
    people_reached = reached("Farmers and others reached", load_default=0)
    households_reached = reached(
        "Households reached (more than people reached is flagged)", load_default=0
    )
    member_ids = ref_list("Members of the team present", load_default=list)
    topics = visit_text(MAX_VISIT_TEXT)
    material = visit_text(MAX_MATERIAL)
    questions = visit_text(MAX_VISIT_TEXT)
    notes = visit_text(MAX_VISIT_TEXT)
    client_key = fields.String(
        validate=validate.Length(min=1, max=64),
        load_only=True,
        metadata={
            "description": "A key chosen by the client: posting the same key again answers 200 "
            "with the visit already logged instead of logging it twice"
        },
    )


class VisitPatchSchema(VisitInputSchema):
    """Changes to a visit."""

    class Meta:
        exclude = ("client_key",)


class VisitListArgsSchema(ListFilterSchema):
    """Filters of the visit list (``area``: the team's village; ``from``/``to``: visited_on)."""

    farm = query_id("Only visits to this farm")
    kind = fields.Enum(VisitKind, by_value=True)


# --- events ---------------------------------------------------------------------------------


class EventSchema(RecordSchema):
    """A scheduled outreach event."""

    uid = fields.String(metadata={"description": "Stable calendar UID"})
    revision = fields.Integer(
        metadata={"description": "Raised on every change (iCalendar SEQUENCE)"}
    )
    status = fields.Enum(EventStatus, by_value=True)
    title = fields.String()
    team_ids = fields.Pluck(
        IdSchema, "id", many=True, attribute="teams", metadata={"description": "Organising teams"}
    )
    campaign_id = fields.Integer(allow_none=True)
    area_id = fields.Integer(allow_none=True)
    venue_kind = fields.Enum(VenueKind, by_value=True)
    place = fields.String()
    starts_at = LocalDateTime(metadata={"description": NAIVE_NOTE})
    ends_at = LocalDateTime(metadata={"description": NAIVE_NOTE})
    all_day = fields.Boolean()
    description = fields.String()


class EventInputSchema(Schema):
    """An event to schedule. A leader's event is always organised by their own team too."""

    title = text(200, required=True)
    venue_kind = fields.Enum(VenueKind, by_value=True, required=True)
    place = text(200)
    starts_at = LocalDateTime(required=True, metadata={"description": NAIVE_NOTE})
    ends_at = LocalDateTime(required=True, metadata={"description": NAIVE_NOTE})
    all_day = fields.Boolean()
    campaign_id = ref("The campaign; null for a stand-alone event", allow_none=True)
    area_id = ref("The area; by default the first organising team's village", allow_none=True)
    team_ids = ref_list("Organising teams")
    description = text()
    status = fields.Enum(EventStatus, by_value=True)


class EventPatchSchema(EventInputSchema):
    """Changes to an event (its revision rises)."""


class EventListArgsSchema(ListFilterSchema):
    """Filters of the event list (``from``/``to``: local start day; ``area``: the event's)."""

    campaign = query_id("Only events of this campaign")
    venue = fields.Enum(VenueKind, by_value=True, metadata={"description": "Only this venue"})
    status = fields.Enum(EventStatus, by_value=True)
