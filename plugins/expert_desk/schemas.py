"""Marshmallow schemas of the expert desk API (named ``ExpertDesk*`` in OpenAPI)."""

from flask import g
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.plugin_api import AreaFilterSchema, DateRangeSchema, RecordSchema, db, ref, ref_list
from core.plugin_api import text as text_field
from plugins.expert_desk.models import CHANNELS, STATUSES, Officer


class ExpertDeskExpertSchema(RecordSchema):
    """An agricultural expert."""

    name = fields.String()
    organisation = fields.String()
    contact = fields.String()
    active = fields.Boolean()
    specialties = fields.Method("_specialties")
    user_id = fields.Integer(allow_none=True)

    def _specialties(self, expert):
        """The expert's specialties by name."""
        return [s.name for s in expert.specialties]


class ExpertDeskExpertInputSchema(Schema):
    """A new expert (admins)."""

    name = text_field(80, required=True)
    organisation = text_field(160)
    contact = text_field(160)
    active = fields.Boolean(load_default=True)
    specialty_ids = ref_list("The expert's specialties (ids from the admin-kept list)")
    user_id = ref("The expert's own login (a user with the role expert)", allow_none=True)


class ExpertDeskPostSchema(Schema):
    """An answer or a follow-up question of a question's thread."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "answer or follow_up"})
    text = fields.String()
    expert_id = fields.Integer(allow_none=True)
    written_by_id = fields.Integer(allow_none=True)
    posted_on = fields.Date()


class ExpertDeskQuestionSchema(RecordSchema):
    """A question with its thread."""

    village_id = fields.Integer()
    member_id = fields.Integer(allow_none=True, metadata={"description": "NULL: anonymous"})
    subject = fields.String(metadata={"description": "the farm or crop"})
    text = fields.String()
    channel = fields.String(metadata={"description": ", ".join(CHANNELS)})
    asked_on = fields.Date()
    due_on = fields.Date()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    specialty_id = fields.Integer(allow_none=True)
    expert_id = fields.Integer(allow_none=True)
    answered_on = fields.Date(allow_none=True)
    merged_into_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    solved = fields.Boolean(allow_none=True)
    feedback = fields.String()
    photo_ids = fields.Method("_photos")
    posts = fields.List(fields.Nested(ExpertDeskPostSchema))

    def _photos(self, question):
        """The ids of the question's photos."""
        return [p.id for p in question.photos]


class ExpertDeskQuestionListArgsSchema(AreaFilterSchema, DateRangeSchema):
    """Filters of the question list: area subtree, asked between from and to, status."""

    status = fields.String(
        validate=validate.OneOf([*STATUSES, "overdue"]),
        metadata={"description": "new, routed, answered, merged, or overdue"},
    )


class ExpertDeskQuestionInputSchema(Schema):
    """A new question (JSON; photos are added on the pages)."""

    village_id = ref("The village that asks (an area of kind village)", required=True)
    text = text_field(4000, required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    asked_on = fields.Date(metadata={"description": "default: today"})
    member_id = ref("The member who asked; leave out for an anonymous question", allow_none=True)
    subject = text_field(120)
    specialty_id = ref("The topic (a specialty id)", allow_none=True)


class ExpertDeskRouteSchema(Schema):
    """Route a question to an expert."""

    expert_id = ref("An active expert", required=True)


class ExpertDeskAnswerSchema(Schema):
    """An answer."""

    text = text_field(8000, required=True)


class ExpertDeskFeedbackSchema(Schema):
    """The asker's feedback."""

    solved = fields.Boolean(required=True)
    comment = text_field(2000)


class ExpertDeskBookletSchema(RecordSchema):
    """A Q&A booklet with its questions by topic."""

    title = fields.String()
    foreword = fields.String()
    chapters = fields.Method("_chapters")

    def _chapters(self, booklet):
        """Topics with their question ids, in booklet order."""
        from plugins.expert_desk.services import booklet_chapters

        return [
            {"topic": topic, "question_ids": [q.id for q in questions]}
            for topic, questions in booklet_chapters(booklet)
        ]


class ExpertDeskBookletInputSchema(Schema):
    """A new booklet of answered questions."""

    title = text_field(160, required=True)
    foreword = text_field(4000)
    question_ids = ref_list("Answered questions, in order", required=True)


class ExpertDeskOfficerSchema(Schema):
    """A village with its information officer (``user_id`` NULL: none named yet)."""

    village_id = fields.Integer(attribute="id")
    village = fields.String(attribute="name", metadata={"description": "the village's name"})
    user_id = fields.Method("_user_id", allow_none=True)
    user_name = fields.Method("_user_name", allow_none=True)
    named_on = fields.Method("_named_on", allow_none=True)
    named_by_id = fields.Method("_named_by_id", allow_none=True)

    def _officer(self, village):
        """The village's officer record, looked up once per village."""
        cache = g.setdefault("expert_desk_officers", {})  # per request
        if village.id not in cache:
            cache[village.id] = db.session.scalar(
                select(Officer).where(Officer.village_id == village.id)
            )
        return cache[village.id]

    def _user_id(self, village):
        officer = self._officer(village)
        return officer.user_id if officer else None

    def _user_name(self, village):
        officer = self._officer(village)
        return officer.user.name if officer else None

    def _named_on(self, village):
        officer = self._officer(village)
        return officer.named_on.isoformat() if officer else None

    def _named_by_id(self, village):
        officer = self._officer(village)
        return officer.named_by_id if officer else None


class ExpertDeskOfficerInputSchema(Schema):
    """The village's new information officer."""

    user_id = ref("A leader or member with a login in one of the village's teams", required=True)
