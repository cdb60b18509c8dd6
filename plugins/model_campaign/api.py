"""/api/v1/plugins/model_campaign: criteria, rounds, nominations, assessments and decisions.

Admins write criteria and rounds; admins, reviewers (their subtree) and leaders (their village
and its households) nominate; admins and reviewers assess; admins, and reviewers of an area
strictly above the nominee's, decide; whoever nominated may withdraw. Decisions are confirmed
(``"confirm": true``). Everyone reads what their scope allows.
"""

from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.plugin_api import (
    api_blueprint,
    caller,
    db,
    documents,
    field_errors,
    filter_args,
    item_rule,
    may_open_module,
    paginate,
    readable,
    require,
    require_admin,
    save,
    save_upload,
    uploaded_photos,
)
from plugins.model_campaign import services as svc
from plugins.model_campaign.models import Criterion, Nomination, Round
from plugins.model_campaign.schemas import (
    PHOTOS_BODY,
    ModelCampaignAssessmentInputSchema,
    ModelCampaignAssessmentSchema,
    ModelCampaignCriterionArgsSchema,
    ModelCampaignCriterionInputSchema,
    ModelCampaignCriterionPatchSchema,
    ModelCampaignCriterionSchema,
    ModelCampaignDecisionSchema,
    ModelCampaignNominationArgsSchema,
    ModelCampaignNominationDetailSchema,
    ModelCampaignNominationSchema,
    ModelCampaignRoundSchema,
)

blp = api_blueprint(
    "model_campaign_api",
    __name__,
    "Three-tier model campaign: criteria, rounds, nominations and assessments.",
    may_write=svc.may_nominate_some,
)


def _readable_api() -> None:
    """403 for users without access to the module."""
    require(may_open_module(caller()))


@blp.route("/criteria", strict_slashes=False)
class Criteria(MethodView):
    """The criteria of every tier."""

    @blp.arguments(ModelCampaignCriterionArgsSchema, location="query")
    @blp.response(200, ModelCampaignCriterionSchema(many=True))
    @documents(blp, 401, 403)
    def get(self, args):
        """List criteria, by tier and order"""
        _readable_api()
        query = select(Criterion).order_by(Criterion.tier, Criterion.position, Criterion.id)
        return db.session.scalars(
            filter_args(query, args, tier=Criterion.tier, active=Criterion.active)
        ).all()

    @blp.arguments(ModelCampaignCriterionInputSchema)
    @blp.response(201, ModelCampaignCriterionSchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Create a criterion (admins)"""
        require_admin(caller())
        return save(svc.save_criterion, svc.CriterionInput(**data))


@blp.route("/criteria" + item_rule("criterion_id"))
class CriterionItem(MethodView):
    """One criterion."""

    @blp.arguments(ModelCampaignCriterionPatchSchema)
    @blp.response(200, ModelCampaignCriterionSchema)
    @documents(blp, 401, 403, 404, 422)
    def patch(self, data, criterion_id):
        """Change a criterion, e.g. deactivate it (admins)"""
        require_admin(caller())
        criterion = db.get_or_404(Criterion, criterion_id)
        fields = ("tier", "title", "description", "max_score", "weight", "position", "active")
        stored = {name: getattr(criterion, name) for name in fields}
        stored["tier"] = criterion.tier.value
        return save(svc.save_criterion, svc.CriterionInput(**(stored | data)), criterion)


@blp.route("/rounds", strict_slashes=False)
class Rounds(MethodView):
    """The yearly rounds."""

    @blp.response(200, ModelCampaignRoundSchema(many=True))
    @documents(blp, 401, 403)
    def get(self):
        """List rounds, latest first"""
        _readable_api()
        return db.session.scalars(select(Round).order_by(Round.year.desc())).all()

    @blp.arguments(ModelCampaignRoundSchema)
    @blp.response(201, ModelCampaignRoundSchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Open the round of a year (admins)"""
        require_admin(caller())
        return save(svc.save_round, data["year"], data.get("name", ""))


def _dump(nomination: Nomination) -> Nomination:
    """Attach the computed values the detail schema shows (single nominations only: the
    changes since each transition cost one query each)."""
    nomination.mean_percent = svc.mean_percent(nomination)
    nomination.proposes_award = svc.proposes_award(nomination)
    nomination.decisions = [s.value for s in svc.next_decisions(caller(), nomination)]
    changes = svc.transition_changes(nomination)
    for transition in nomination.transitions:
        transition.changes_since = changes[transition.id]
    return nomination


@blp.route("/nominations", strict_slashes=False)
class Nominations(MethodView):
    """The nominations."""

    @blp.arguments(ModelCampaignNominationArgsSchema, location="query")
    @blp.response(200, ModelCampaignNominationSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403, 422)
    def get(self, args):
        """List nominations

        The nominations the caller may read; ``area``: the nominee inside the area's subtree.
        """
        _readable_api()
        query = (
            select(Nomination)
            .where(svc.nomination_scope(caller()))
            .options(selectinload(Nomination.assessments))
            .order_by(Nomination.id)
        )
        return filter_args(
            query,
            args,
            area=Nomination.area_id,
            round=Nomination.round_id,
            tier=Nomination.tier,
            status=Nomination.status,
        )

    @blp.arguments(ModelCampaignNominationSchema)
    @blp.response(201, ModelCampaignNominationDetailSchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Nominate a township, village or household"""
        data["links"] = data.get("links") or ""
        try:
            nomination = save(svc.create_nomination, svc.NominationInput(**data), caller())
        except PermissionError:
            db.session.rollback()
            abort(403)
        return _dump(nomination)


@blp.route("/nominations" + item_rule("nomination_id"))
class NominationItem(MethodView):
    """One nomination."""

    @blp.response(200, ModelCampaignNominationDetailSchema)
    @documents(blp, 401, 403, 404)
    def get(self, nomination_id):
        """A nomination with its assessments and the history of its status"""
        return _dump(readable(Nomination, nomination_id, svc.nomination_scope))


@blp.route("/nominations" + item_rule("nomination_id", "/photos"))
class NominationPhotos(MethodView):
    """The photos of a nomination's evidence."""

    @blp.doc(requestBody=PHOTOS_BODY)
    @blp.response(201, ModelCampaignNominationDetailSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, nomination_id):
        """Add evidence photos (whoever nominated it, or may nominate its area)

        A multipart/form-data request with one or more files in the field ``photos``. All are
        stored or none: a refused one (not an image, too large, too many) answers 422 naming
        ``photos``; a nomination with a final decision answers 409.
        """
        nomination = readable(Nomination, nomination_id, svc.nomination_scope)
        require(svc.may_add_photos(caller(), nomination))
        save_upload(svc.add_photos, nomination, uploaded_photos(), caller())
        return _dump(nomination)


@blp.route("/nominations" + item_rule("nomination_id", "/photos" + item_rule("photo_id")))
class NominationPhotoById(MethodView):
    """One photo of a nomination's evidence."""

    @blp.response(200, content_type="image/*", description="The image")
    @documents(blp, 401, 403, 404)
    def get(self, nomination_id, photo_id):
        """Get a photo's image, or its thumbnail with ``?thumbnail=1`` (readers of the
        nomination)"""
        nomination = readable(Nomination, nomination_id, svc.nomination_scope)
        photo = svc.photo_of(nomination, photo_id) or abort(404)
        return svc.photo_response(photo, thumbnail=request.args.get("thumbnail") == "1")


@blp.route("/nominations" + item_rule("nomination_id", "/assessments"))
class Assessments(MethodView):
    """The caller's assessment of a nomination."""

    @blp.arguments(ModelCampaignAssessmentInputSchema)
    @blp.response(201, ModelCampaignAssessmentSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, data, nomination_id):
        """Score every active criterion of the tier (replaces the caller's earlier scores)"""
        nomination = readable(Nomination, nomination_id, svc.nomination_scope)
        require(svc.may_assess(caller(), nomination))
        return save(svc.assess, nomination, data["scores"], data["comments"], caller())


@blp.route("/nominations" + item_rule("nomination_id", "/transitions"))
class Transitions(MethodView):
    """Decisions on a nomination."""

    @blp.arguments(ModelCampaignDecisionSchema)
    @blp.response(201, ModelCampaignNominationDetailSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, data, nomination_id):
        """Award, refuse (reason required) or withdraw, confirmed; refused transitions answer 409

        Only the decisions valid from the present status are accepted (the nomination's
        ``decisions``): awarded and not awarded from assessed, withdrawn from nominated or
        assessed. Awarded, not awarded and withdrawn are final. Awarding a nomination whose
        mean score is below the award threshold needs a ``reason`` too. Admins decide
        anywhere, reviewers only on nominations whose area lies strictly below their own (a
        township's at county level); whoever nominated may withdraw. The body must carry
        ``"confirm": true``: without it a decision that would be accepted answers 422 on
        ``confirm`` and nothing changes.
        """
        nomination = readable(Nomination, nomination_id, svc.nomination_scope)
        if not svc.may_decide(caller(), nomination, svc.Status(data["to"])):
            abort(403)
        save(svc.check_decision, nomination, data["to"], data["reason"], caller())
        if data["confirm"] is not True:
            field_errors(
                {
                    "confirm": [
                        _(
                            'Confirm the decision: send "confirm": true with it. '
                            "Nothing has been changed."
                        )
                    ]
                }
            )
        return _dump(save(svc.decide, nomination, data["to"], data["reason"], caller()))
