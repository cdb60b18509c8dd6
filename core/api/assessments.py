"""/api/v1/assessments: the year-end assessment of an area (scores, ranks, proposal), its
hand scores and settings, its confirmation with decisions; and the rubric
(/api/v1/assessments/criteria, admins write). Reviewers and admins only."""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
    api_blueprint,
    caller,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    save,
)
from core.api.review_schemas import (
    AssessmentArgsSchema,
    AssessmentConfirmSchema,
    AssessmentCreateSchema,
    AssessmentCriterionInputSchema,
    AssessmentCriterionPatchSchema,
    AssessmentCriterionSchema,
    AssessmentListArgsSchema,
    AssessmentPatchSchema,
    AssessmentSchema,
    AssessmentSummarySchema,
)
from core.extensions import db
from core.models import AnnualAssessment, Area, AreaKind, RubricCriterion
from core.permissions import is_admin, may_review, may_review_area
from core.services.assessments import (
    YEARS,
    Decision,
    Settings,
    assessment_view,
    confirm,
    draft_of,
    save_manual_scores,
    save_settings,
)
from core.services.rubric import (
    CriterionInput,
    delete_criterion,
    ensure_rubric,
    save_criterion,
)

blp = api_blueprint(
    "api_assessments",
    __name__,
    "The year-end assessment of a township or the county: scores, ranks, proposal, "
    "confirmation; and its rubric. Reviewers (inside their area) and admins; admins edit the "
    "rubric.",
    may_write=may_review,
)


@blp.before_request
def _reviewers_only() -> None:
    """Reading needs a reviewer or an admin too."""
    if not may_review(caller()):
        abort(403)


def _area(area_id: int | None) -> Area:
    """The assessed area: 422 when missing or not a township/county, 403 out of scope."""
    area = db.session.get(Area, area_id) if area_id else None
    if area is None or area.kind not in (AreaKind.COUNTY, AreaKind.TOWNSHIP):
        field_errors({"area": [_("Choose the county or a township.")]})
    if not may_review_area(caller(), area):
        abort(403)
    return area


def _start_draft(area: Area, year: int) -> None:
    """Store the draft of ``year`` for ``area`` (Conflict when confirmed). Commits."""
    draft_of(area, year)
    db.session.commit()


def _year(year: int) -> int:
    """404 for a year Kepu does not assess."""
    if not YEARS[0] <= year <= YEARS[1]:
        abort(404)
    return year


@blp.route(COLLECTION, strict_slashes=False)
class Assessments(MethodView):
    """Stored assessments (drafts with hand scores or settings, and confirmed ones)."""

    @blp.arguments(AssessmentListArgsSchema, location="query")
    @blp.response(200, AssessmentSummarySchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403)
    def get(self, args):
        """List stored assessments

        Newest year first; only those of areas the caller assesses. ``year``, ``area``.
        """
        query = select(AnnualAssessment).order_by(AnnualAssessment.year.desc(), AnnualAssessment.id)
        if not is_admin(caller()):
            query = query.where(AnnualAssessment.area_id.in_(Area.subtree_ids(caller().area)))
        return filter_args(query, args, year=AnnualAssessment.year, area=AnnualAssessment.area_id)

    @blp.arguments(AssessmentCreateSchema)
    @blp.response(201, AssessmentSchema)
    @documents(blp, 401, 403, 409)
    def post(self, data):
        """Start the draft of a year for an area

        Stores the draft (with the default proposal settings) and answers the assessment;
        409 when it is confirmed already.
        """
        area = _area(data["area_id"])
        save(_start_draft, area, data["year"])
        return assessment_view(area, data["year"])


@blp.route(item_rule("year"))
class AssessmentOfYear(MethodView):
    """The assessment of a year for the area given as ``area``."""

    @blp.arguments(AssessmentArgsSchema, location="query")
    @blp.response(200, AssessmentSchema)
    @documents(blp, 401, 403, 404)
    def get(self, args, year):
        """Get the assessment of a year for an area

        Confirmed: the frozen scores, ranks, proposal and decisions. Otherwise computed now
        from the year's figures, the rubric and the hand scores entered so far.
        """
        return assessment_view(_area(args.get("area")), _year(year))

    @blp.arguments(AssessmentArgsSchema, location="query")
    @blp.arguments(AssessmentPatchSchema(partial=True))
    @blp.response(200, AssessmentSchema)
    @documents(blp, 401, 403, 404, 409)
    def patch(self, args, data, year):
        """Change a draft: proposal settings and hand scores

        ``scores``: [{team_id, criterion_id, score}] (0-100; null clears). 409 once confirmed.
        """
        area, year = _area(args.get("area")), _year(year)
        if {"commend_mode", "commend_value", "criticise_bottom"} & set(data):
            current = Settings.of(draft_of_or_none(area, year))
            save(
                save_settings,
                area,
                year,
                data.get("commend_mode", current.commend_mode),
                data.get("commend_value", current.commend_value),
                data.get("criticise_bottom", current.criticise_bottom),
            )
        if "scores" in data:
            scores = {(s["team_id"], s["criterion_id"]): s["score"] for s in data["scores"]}
            save(save_manual_scores, area, year, scores)
        return assessment_view(area, year)

    @blp.arguments(AssessmentArgsSchema, location="query")
    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, args, year):
        """Discard a draft's hand scores and settings

        409 once confirmed: a confirmed assessment is never removed.
        """
        area, year = _area(args.get("area")), _year(year)
        assessment = draft_of_or_none(area, year)
        if assessment is None:
            abort(404)
        if assessment.is_confirmed:
            abort(409, description=_("This assessment is confirmed: it can no longer change."))
        db.session.delete(assessment)
        save(db.session.commit)


def draft_of_or_none(area: Area, year: int) -> AnnualAssessment | None:
    """The stored assessment of the year, if any."""
    return db.session.scalar(
        select(AnnualAssessment).where(
            AnnualAssessment.area_id == area.id, AnnualAssessment.year == year
        )
    )


@blp.route(item_rule("year", "/confirm"))
class AssessmentConfirmation(MethodView):
    """Confirming an assessment."""

    @blp.arguments(AssessmentArgsSchema, location="query")
    @blp.arguments(AssessmentConfirmSchema)
    @blp.response(200, AssessmentSchema)
    @documents(blp, 401, 403, 404, 409)
    def post(self, args, data, year):
        """Confirm (freeze) the assessment with decisions

        Teams left out keep the proposal; a decision that differs from the proposal needs a
        ``reason``; every hand score must be entered; each criticised team gets a
        rectification item due on ``deadline``. 409 when already confirmed.
        """
        area, year = _area(args.get("area")), _year(year)
        decisions = [
            Decision(d["team_id"], d["outcome"], d.get("reason", ""))
            for d in data.get("decisions", [])
        ]
        save(
            confirm, caller(), area, year, decisions, data.get("deadline"), data.get("remarks", "")
        )
        return assessment_view(area, year)


# --- the rubric -----------------------------------------------------------------------------


def _admin_only() -> None:
    """403 unless the caller is an administrator."""
    if not is_admin(caller()):
        abort(403)


@blp.route("/criteria", strict_slashes=False)
class Criteria(MethodView):
    """The rubric."""

    @blp.response(200, AssessmentCriterionSchema(many=True))
    @documents(blp, 401, 403)
    def get(self):
        """List the criteria of the rubric

        By position. The default rubric is seeded when none exists.
        """
        return ensure_rubric()

    @blp.arguments(AssessmentCriterionInputSchema)
    @blp.response(201, AssessmentCriterionSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Add a criterion (admins)"""
        _admin_only()
        return save(save_criterion, CriterionInput(**data))


@blp.route("/criteria" + item_rule("criterion_id"))
class CriterionById(MethodView):
    """One criterion."""

    @blp.response(200, AssessmentCriterionSchema)
    @documents(blp, 401, 403, 404)
    def get(self, criterion_id):
        """Get a criterion"""
        return db.get_or_404(RubricCriterion, criterion_id)

    @blp.arguments(AssessmentCriterionPatchSchema(partial=True))
    @blp.response(200, AssessmentCriterionSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, criterion_id):
        """Change a criterion (admins)

        Confirmed assessments keep the rubric they were confirmed with.
        """
        _admin_only()
        criterion = db.get_or_404(RubricCriterion, criterion_id)
        values = CriterionInput(
            **(
                {
                    "name": criterion.name,
                    "metric": criterion.metric,
                    "weight": criterion.weight,
                    "direction": criterion.direction,
                    "description": criterion.description,
                    "position": criterion.position,
                }
                | data
            )
        )
        return save(save_criterion, values, criterion)

    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, criterion_id):
        """Delete a criterion (admins)

        409 for the last one: the rubric needs at least one.
        """
        _admin_only()
        save(delete_criterion, db.get_or_404(RubricCriterion, criterion_id))
