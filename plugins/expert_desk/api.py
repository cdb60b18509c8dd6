"""/api/v1/plugins/expert_desk: experts, questions (ask, route, answer, feedback), booklets.

Everyone who uses the desk reads the questions of their scope (an expert: those routed to
them); the desk routes, the routed expert (or an admin on their behalf) answers, the village's
leaders and the desk give feedback; admins keep the experts.
"""

from flask import abort, request
from flask.views import MethodView
from sqlalchemy import select

from core.plugin_api import (
    Area,
    api_blueprint,
    caller,
    db,
    documents,
    filter_args,
    item_rule,
    may_review,
    paginate,
    photos_body,
    readable,
    require,
    require_admin,
    save,
    save_upload,
    today,
    uploaded_photos,
)
from plugins.expert_desk import services as svc
from plugins.expert_desk.models import Booklet, Expert, Question
from plugins.expert_desk.schemas import (
    ExpertDeskAnswerSchema,
    ExpertDeskBookletInputSchema,
    ExpertDeskBookletSchema,
    ExpertDeskExpertInputSchema,
    ExpertDeskExpertSchema,
    ExpertDeskFeedbackSchema,
    ExpertDeskOfficerInputSchema,
    ExpertDeskOfficerSchema,
    ExpertDeskPostSchema,
    ExpertDeskQuestionInputSchema,
    ExpertDeskQuestionListArgsSchema,
    ExpertDeskQuestionSchema,
    ExpertDeskRouteSchema,
)

blp = api_blueprint(
    "expert_desk_api",
    __name__,
    "Expert Q&A desk: experts, questions and their answers, Q&A booklets.",
    may_write=lambda user: svc.may_use(user),
)


@blp.before_request
def _may_use():
    """Only those who use the desk (experts included) reach it."""
    require(svc.may_use(caller()))


def _question(question_id: int) -> Question:
    return readable(Question, question_id, svc.question_scope)


@blp.route("/experts", strict_slashes=False)
class Experts(MethodView):
    """The experts."""

    @blp.response(200, ExpertDeskExpertSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403)
    def get(self):
        """List experts (the desk)"""
        require(may_review(caller()))
        return select(Expert).order_by(Expert.name, Expert.id)

    @blp.arguments(ExpertDeskExpertInputSchema)
    @blp.response(201, ExpertDeskExpertSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Add an expert (admins)"""
        require_admin(caller())
        return save(svc.save_expert, svc.ExpertInput(**data))


@blp.route("/questions", strict_slashes=False)
class Questions(MethodView):
    """The questions."""

    @blp.arguments(ExpertDeskQuestionListArgsSchema, location="query")
    @blp.response(200, ExpertDeskQuestionSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403)
    def get(self, args):
        """List questions

        The questions the caller may read, newest first. ``area``: inside the area's subtree;
        ``from``/``to``: asked in the range; ``status``: in that state (``overdue``: waiting
        past the due date).
        """
        query = (
            select(Question)
            .where(svc.question_scope(caller()))
            .order_by(Question.asked_on.desc(), Question.id.desc())
        )
        query = filter_args(query, args, area=Question.village_id)
        if args.get("date_from"):
            query = query.where(Question.asked_on >= args["date_from"])
        if args.get("date_to"):
            query = query.where(Question.asked_on <= args["date_to"])
        status = args.get("status")
        if status == "overdue":
            query = query.where(Question.status.in_(svc.OPEN_STATUSES), Question.due_on < today())
        elif status:
            query = query.where(Question.status == status)
        return query

    @blp.arguments(ExpertDeskQuestionInputSchema)
    @blp.response(201, ExpertDeskQuestionSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Ask a question (the village's leaders, or the desk)"""
        user = caller()
        require(svc.may_ask_somewhere(user))
        return save(svc.ask, user, svc.QuestionInput(**data))


@blp.route("/questions" + item_rule("question_id"))
class QuestionItem(MethodView):
    """One question."""

    @blp.response(200, ExpertDeskQuestionSchema)
    @documents(blp, 401, 403, 404)
    def get(self, question_id):
        """One question with its thread"""
        return _question(question_id)


@blp.route("/questions" + item_rule("question_id", "/route"), methods=["POST"])
@blp.arguments(ExpertDeskRouteSchema)
@blp.response(200, ExpertDeskQuestionSchema)
@documents(blp, 401, 403, 404, 409)
def route(data, question_id):
    """Route or re-route a question to an expert (the desk of its area)"""
    question = _question(question_id)
    require(svc.desk_for(caller(), question.village))
    return save(svc.route, caller(), question, data["expert_id"])


@blp.route("/questions" + item_rule("question_id", "/answers"), methods=["POST"])
@blp.arguments(ExpertDeskAnswerSchema)
@blp.response(201, ExpertDeskPostSchema)
@documents(blp, 401, 403, 404)
def answers(data, question_id):
    """Answer a question (its expert, or an admin on their behalf)"""
    question = _question(question_id)
    require(svc.may_answer(caller(), question))
    return save(svc.answer, caller(), question, data["text"])


@blp.route("/questions" + item_rule("question_id", "/feedback"), methods=["POST"])
@blp.arguments(ExpertDeskFeedbackSchema)
@blp.response(200, ExpertDeskQuestionSchema)
@documents(blp, 401, 403, 404, 409)
def feedback(data, question_id):
    """The asker's feedback on an answer (the village's leaders, or the desk)"""
    question = _question(question_id)
    require(svc.may_feedback(caller(), question))
    return save(svc.give_feedback, caller(), question, data["solved"], data.get("comment"))


@blp.route("/questions" + item_rule("question_id", "/follow-ups"), methods=["POST"])
@blp.arguments(ExpertDeskAnswerSchema)
@blp.response(201, ExpertDeskPostSchema)
@documents(blp, 401, 403, 404, 409)
def follow_ups(data, question_id):
    """Ask a follow-up question in the thread of an answered one (the village's leaders, or
    the desk); it goes back to its expert with a new due date"""
    question = _question(question_id)
    require(svc.may_feedback(caller(), question))
    return save(svc.follow_up, caller(), question, data["text"])


#: the request body of a photo upload, for the OpenAPI document
PHOTOS_BODY = photos_body(
    "One or more photos in the multipart/form-data file field ``photos``: JPEG, "
    "PNG or WebP, at most the plugin's ``max_photo_kb`` each, four per question in all."
)


@blp.route("/questions" + item_rule("question_id", "/photos"), methods=["POST"])
@blp.doc(requestBody=PHOTOS_BODY)
@blp.response(201, ExpertDeskQuestionSchema)
@documents(blp, 401, 403, 404, 409, 422)
def photos(question_id):
    """Add photos to a question (the village's leaders, or the desk)

    All are stored or none: a refused one (not an image, too large, too many) answers 422
    naming ``photos``.
    """
    question = _question(question_id)
    require(svc.may_ask(caller(), question.village))
    return save_upload(svc.add_photos, caller(), question, uploaded_photos())


@blp.route("/questions" + item_rule("question_id", "/photos" + item_rule("photo_id")))
@blp.response(200, content_type="image/*", description="The image")
@documents(blp, 401, 403, 404)
def photo(question_id, photo_id):
    """A photo of a question, or its thumbnail with ``?thumbnail=1`` (its readers)"""
    return svc.photo_of(_question(question_id), photo_id, request.args.get("thumbnail") == "1")


@blp.route("/officers", strict_slashes=False)
@blp.response(200, ExpertDeskOfficerSchema(many=True))
@paginate(blp)
@documents(blp, 401, 403)
def officers():
    """List the villages of the caller's area with their information officer (the desk)"""
    require(may_review(caller()))
    return svc.officer_villages(caller())


@blp.route("/officers" + item_rule("village_id"), methods=["PUT"])
@blp.arguments(ExpertDeskOfficerInputSchema)
@blp.response(200, ExpertDeskOfficerSchema)
@documents(blp, 401, 403, 404)
def name_officer(data, village_id):
    """Name or replace a village's information officer (the reviewers of its township or
    county, admins)

    ``user_id`` must be an active leader or member with a login in one of the village's teams
    (422 naming ``user_id`` otherwise). The audit trail keeps the officers named before.
    """
    village = db.session.get(Area, village_id)
    if village is None or village.kind != "village":
        abort(404)
    require(svc.may_name_officer(caller(), village))
    save(svc.name_officer, caller(), village, data["user_id"])
    return village


@blp.route("/booklets", strict_slashes=False)
class Booklets(MethodView):
    """The Q&A booklets."""

    @blp.response(200, ExpertDeskBookletSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403)
    def get(self):
        """List booklets"""
        return select(Booklet).order_by(Booklet.id.desc())

    @blp.arguments(ExpertDeskBookletInputSchema)
    @blp.response(201, ExpertDeskBookletSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Compile a booklet of answered questions (the desk)"""
        user = caller()
        require(may_review(user))
        return save(
            svc.save_booklet,
            user,
            data["title"],
            data.get("foreword"),
            data["question_ids"],
            svc.question_scope(user),
        )


@blp.route("/booklets" + item_rule("booklet_id"))
class BookletItem(MethodView):
    """One booklet."""

    @blp.response(200, ExpertDeskBookletSchema)
    @documents(blp, 401, 403, 404)
    def get(self, booklet_id):
        """One booklet"""
        return db.get_or_404(Booklet, booklet_id)
