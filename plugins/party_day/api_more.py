"""/api/v1/plugins/party_day: county-wide viewings, competition rounds and cases.

Mounted on the plugin's one API blueprint (:mod:`plugins.party_day.api`).
"""

from flask import abort, request
from flask.views import MethodView
from sqlalchemy import select

from core.plugin_api import (
    Area,
    caller,
    db,
    documents,
    filter_args,
    item_rule,
    paginate,
    readable,
    require,
    save,
    save_upload,
    uploaded_photos,
)
from plugins.party_day import competition as comp
from plugins.party_day import viewings as views_svc
from plugins.party_day.api import blp
from plugins.party_day.models import Case, CaseRound, Viewing
from plugins.party_day.schemas import (
    PHOTOS_BODY,
    PartyDayAttendanceInputSchema,
    PartyDayCaseInputSchema,
    PartyDayCaseListArgsSchema,
    PartyDayCaseSchema,
    PartyDayConfirmSchema,
    PartyDayRankedSchema,
    PartyDayRoundInputSchema,
    PartyDayRoundSchema,
    PartyDayScoresInputSchema,
    PartyDayViewingInputSchema,
    PartyDayViewingSchema,
)

# --- viewings -------------------------------------------------------------------------------


def _with_attendance(viewing: Viewing) -> Viewing:
    """The viewing with its recorded attendance attached for the schema."""
    viewing.api_attendance = {
        str(village_id): row.present for village_id, row in views_svc.attendance(viewing).items()
    }
    return viewing


@blp.route("/viewings", strict_slashes=False)
class Viewings(MethodView):
    """The county-wide viewings."""

    @blp.response(200, PartyDayViewingSchema(many=True))
    @documents(blp, 401)
    def get(self):
        """List the viewings the caller reads, newest first"""
        rows = db.session.scalars(
            select(Viewing)
            .where(views_svc.viewing_scope(caller()))
            .order_by(Viewing.held_on.desc(), Viewing.id.desc())
        ).all()
        return [_with_attendance(v) for v in rows]

    @blp.arguments(PartyDayViewingInputSchema)
    @blp.response(201, PartyDayViewingSchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Organise a viewing (admins, reviewers for their area)"""
        require(views_svc.may_organise(caller()))
        made = save(views_svc.save_viewing, caller(), views_svc.ViewingInput(**data))
        return _with_attendance(made)


@blp.route("/viewings" + item_rule("viewing_id"))
class ViewingById(MethodView):
    """One viewing."""

    @blp.response(200, PartyDayViewingSchema)
    @documents(blp, 401, 403, 404)
    def get(self, viewing_id):
        """Get a viewing and its attendance per village"""
        return _with_attendance(readable(Viewing, viewing_id, views_svc.viewing_scope))


@blp.route("/viewings" + item_rule("viewing_id", "/attendance" + item_rule("village_id")))
class ViewingAttendance(MethodView):
    """A village's attendance at a viewing."""

    @blp.arguments(PartyDayAttendanceInputSchema)
    @blp.response(200, PartyDayViewingSchema)
    @documents(blp, 401, 403, 404, 422)
    def put(self, data, viewing_id, village_id):
        """Record how many party members watched in a village (those who write its party
        days)"""
        viewing = readable(Viewing, viewing_id, views_svc.viewing_scope)
        village = db.session.get(Area, village_id) or abort(404)
        require(views_svc.may_record_attendance(caller(), viewing, village.id))
        save(views_svc.record_attendance, viewing, village, data["present"])
        return _with_attendance(viewing)


# --- rounds ---------------------------------------------------------------------------------


def _round(round_id: int) -> CaseRound:
    """A round, or 404."""
    return db.session.get(CaseRound, round_id) or abort(404)


@blp.route("/rounds", strict_slashes=False)
class Rounds(MethodView):
    """The best party day case competitions."""

    @blp.response(200, PartyDayRoundSchema(many=True))
    @documents(blp, 401)
    def get(self):
        """List the rounds, newest first"""
        return db.session.scalars(select(CaseRound).order_by(CaseRound.year.desc())).all()

    @blp.arguments(PartyDayRoundInputSchema)
    @blp.response(201, PartyDayRoundSchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Open a year's round (admins, county reviewers)"""
        require(comp.is_county(caller()))
        criteria = [(c["title"], c["max_score"]) for c in data.pop("criteria", [])] or list(
            comp.DEFAULT_CRITERIA
        )
        return save(comp.create_round, comp.RoundInput(**data, criteria=criteria))


@blp.route("/rounds" + item_rule("round_id"))
class RoundById(MethodView):
    """One round."""

    @blp.response(200, PartyDayRoundSchema)
    @documents(blp, 401, 404)
    def get(self, round_id):
        """Get a round and its criteria"""
        return _round(round_id)


@blp.route("/rounds" + item_rule("round_id", "/ranking"))
class RoundRanking(MethodView):
    """A round's ranking."""

    @blp.response(200, PartyDayRankedSchema(many=True))
    @documents(blp, 401, 404)
    def get(self, round_id):
        """The ranking of the round's cases the caller reads (the stored one once confirmed)"""
        round_ = _round(round_id)
        ids = set(
            db.session.scalars(
                select(Case.id).where(Case.round_id == round_.id, comp.case_scope(caller()))
            )
        )
        return [r for r in comp.ranking(round_) if r.case.id in ids]


@blp.route("/rounds" + item_rule("round_id", "/confirm"))
class RoundConfirm(MethodView):
    """Confirming a round's winners."""

    @blp.arguments(PartyDayConfirmSchema)
    @blp.response(200, PartyDayRoundSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, data, round_id):
        """Confirm the winners (admins, county reviewers; final)

        ``winners``: the winning case ids; left out, the proposed ones (the top
        ``winners_wanted`` by total). A confirmed round answers 409.
        """
        require(comp.is_county(caller()))
        round_ = _round(round_id)
        winners = data.get("winners")
        if winners is None:
            winners = [r.case.id for r in comp.ranking(round_) if r.proposed]
        return save(comp.confirm, caller(), round_, winners)


# --- cases ----------------------------------------------------------------------------------


@blp.route("/cases", strict_slashes=False)
class Cases(MethodView):
    """The cases entered in the competitions."""

    @blp.arguments(PartyDayCaseListArgsSchema, location="query")
    @blp.response(200, PartyDayCaseSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 422)
    def get(self, args):
        """List cases

        The cases of the villages the caller reads, and every winning case. ``round``: one
        round's; ``area``: inside the area's subtree; ``winner``: only winners (or others).
        """
        query = select(Case).where(comp.case_scope(caller())).order_by(Case.id)
        return filter_args(
            query, args, area=Case.village_id, round=Case.round_id, winner=Case.winner
        )

    @blp.arguments(PartyDayCaseInputSchema)
    @blp.response(201, PartyDayCaseSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, data):
        """Enter a village's case (its leaders, reviewers of its area, admins)

        One case per village and round; a confirmed round answers 409.
        """
        round_ = _round(data.pop("round_id"))
        village = db.session.get(Area, data["village_id"])
        if village is not None:
            require(comp.may_enter(caller(), village.id))
        return save(comp.save_case, caller(), round_, comp.CaseInput(**data))


def _case(case_id: int) -> Case:
    """A case the caller reads (404 / 403)."""
    return readable(Case, case_id, comp.case_scope)


@blp.route("/cases" + item_rule("case_id"))
class CaseById(MethodView):
    """One case."""

    @blp.response(200, PartyDayCaseSchema)
    @documents(blp, 401, 403, 404)
    def get(self, case_id):
        """Get a case"""
        return _case(case_id)


@blp.route("/cases" + item_rule("case_id", "/scores"))
class CaseScores(MethodView):
    """The caller's scores of a case."""

    @blp.arguments(PartyDayScoresInputSchema)
    @blp.response(200, PartyDayScoresInputSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def put(self, data, case_id):
        """Score a case on every criterion of its round (reviewers of its area, admins)

        ``scores``: ``{"<criterion id>": score}``, each 0 to the criterion's highest; a missing
        or bad one answers 422 naming ``score_<criterion id>``.
        """
        case = _case(case_id)
        require(comp.may_score(caller(), case))
        scores = {int(k): v for k, v in data["scores"].items() if k.isdigit()}
        if len(scores) != len(data["scores"]):
            scores[0] = 0  # an id that is not a number: refused as an unknown criterion
        save(comp.save_scores, caller(), case, scores)
        return {"scores": {str(k): v for k, v in comp.my_scores(caller(), case).items()}}


@blp.route("/cases" + item_rule("case_id", "/photos"))
class CasePhotos(MethodView):
    """A case's photos."""

    @blp.doc(requestBody=PHOTOS_BODY)
    @blp.response(201, PartyDayCaseSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, case_id):
        """Add photos to a case while its round is open (all or none)"""
        case = _case(case_id)
        require(comp.may_enter(caller(), case.village_id))
        save_upload(comp.add_photos, case, uploaded_photos())
        return case


@blp.route("/cases" + item_rule("case_id", "/photos" + item_rule("photo_id")))
class CasePhotoById(MethodView):
    """One photo of a case."""

    @blp.response(200, content_type="image/*", description="The image")
    @documents(blp, 401, 403, 404)
    def get(self, case_id, photo_id):
        """Get a photo, or its thumbnail with ``?thumbnail=1`` (readers of the case)"""
        photo = comp.photo_of(_case(case_id), photo_id) or abort(404)
        return comp.photo_response(photo, thumbnail=request.args.get("thumbnail") == "1")
