"""The year-end assessment pages: scores, ranks and proposal of a year and area; hand scores;
confirmation with reasons; the rubric (admins edit it, reviewers read it)."""

from dataclasses import asdict
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields import SelectChoice

from core import rules
from core.audit.query import may_read_audit
from core.extensions import db
from core.forms import show_errors
from core.forms.assessments import AssessmentChoiceForm, ConfirmForm, CriterionForm, SettingsForm
from core.models import Area, Outcome, RubricCriterion
from core.models.enums import lazy_label
from core.permissions import is_admin, may_assess, may_review, require, require_admin
from core.services import Conflict, FieldErrors
from core.services.assessments import (
    YEARS,
    Decision,
    assessable_areas,
    assessment_provenance,
    assessment_view,
    confirm,
    save_manual_scores,
    save_settings,
)
from core.services.rubric import (
    METRICS,
    CriterionInput,
    delete_criterion,
    ensure_rubric,
    save_criterion,
)

bp = Blueprint("assessments", __name__, url_prefix="/assessments")


@bp.before_request
@login_required
def _reviewers_only():
    """Every page is for reviewers with an area, and admins."""
    require(may_review(current_user))


def _default_area(areas: list[Area]) -> Area | None:
    """The reviewer's own area when it can be assessed, else the widest one."""
    own = current_user.area
    if own is not None and own in areas:
        return own
    return areas[0] if areas else None


def _area_and_year(area_id, year) -> tuple[Area, int]:
    """The area and year of a write: 404 for an unknown area or year, 403 out of scope."""
    area = db.session.get(Area, area_id)
    if area is None or not YEARS[0] <= year <= YEARS[1]:
        abort(404)
    require(may_assess(current_user, area))
    return area, year


def _page(area: Area, year: int, settings_form=None, confirm_form=None, errors=None):
    """Render the assessment of ``year`` for ``area`` (errors of a failed write, if any)."""
    areas = assessable_areas(current_user)
    chooser = AssessmentChoiceForm(data={"year": year, "area": area.id})
    chooser.area.choices = [SelectChoice(str(a.id), a.full_name) for a in areas]
    view = assessment_view(area, year)
    if settings_form is None:
        settings_form = SettingsForm(data=asdict(view.settings))
    if confirm_form is None:
        days = int(current_app.config["RECTIFICATION_DAYS"])
        confirm_form = ConfirmForm(data={"deadline": rules.today() + timedelta(days=days)})
    return render_template(
        "assessments/index.html",
        view=view,
        chooser=chooser,
        settings_form=settings_form,
        confirm_form=confirm_form,
        errors=errors or {},
        outcomes=list(Outcome),
        form_values=request.form if request.method == "POST" else {},
        metrics=METRICS,
        provenance=assessment_provenance(view),
        audit_link=may_read_audit(current_user),
    )


@bp.route("")
def index():
    """The assessment of the chosen year and area (by default: this year, the user's area)."""
    areas = assessable_areas(current_user)
    if not areas:
        abort(403)
    year = request.args.get("year", type=int) or rules.today().year
    if not YEARS[0] <= year <= YEARS[1]:
        year = rules.today().year
    area = _default_area(areas)
    asked = request.args.get("area", type=int)
    if asked is not None:
        area = db.session.get(Area, asked)
        if area is None:
            abort(404)
        require(may_assess(current_user, area))
    return _page(area, year)


@bp.route("/<int:area_id>/<int:year>/settings", methods=["POST"])
def settings(area_id, year):
    """Change how the draft's proposal is made."""
    area, year = _area_and_year(area_id, year)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            save_settings(
                area,
                year,
                form.commend_mode.data,
                form.commend_value.data,
                form.criticise_bottom.data,
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except Conflict as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("assessments.index", area=area.id, year=year))
        else:
            flash(_("Proposal settings saved."), "success")
            return redirect(url_for("assessments.index", area=area.id, year=year))
    return _page(area, year, settings_form=form)


def _score_fields() -> dict[tuple[int, int], int | None]:
    """The ``score_<team>_<criterion>`` fields of the form: None when blank, the text kept
    for the service to refuse when it is not a whole number."""
    scores = {}
    for name, value in request.form.items():
        parts = name.split("_")
        if (
            len(parts) != 3
            or parts[0] != "score"
            or not (parts[1].isdigit() and parts[2].isdigit())
        ):
            continue
        value = value.strip()
        scores[(int(parts[1]), int(parts[2]))] = (
            None if value == "" else int(value) if value.lstrip("-").isdigit() else value
        )
    return scores


@bp.route("/<int:area_id>/<int:year>/scores", methods=["POST"])
def scores(area_id, year):
    """Store the hand scores of the draft."""
    area, year = _area_and_year(area_id, year)
    form = ConfirmForm()  # only for the CSRF check
    if not form.validate_on_submit():
        flash(_("The form expired. Please submit it again."), "error")
        return redirect(url_for("assessments.index", area=area.id, year=year))
    try:
        save_manual_scores(area, year, _score_fields())
    except FieldErrors as exc:
        db.session.rollback()
        flash(_("Please correct the marked fields."), "error")
        return _page(area, year, errors=exc.errors)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Scores saved."), "success")
    return redirect(url_for("assessments.index", area=area.id, year=year))


def _decisions() -> list[Decision]:
    """The ``decision_<team>`` and ``reason_<team>`` fields of the confirmation form."""
    out = []
    for name, value in request.form.items():
        prefix, _sep, team = name.partition("_")
        if prefix == "decision" and team.isdigit():
            out.append(Decision(int(team), value, request.form.get(f"reason_{team}", "")))
    return out


@bp.route("/<int:area_id>/<int:year>/confirm", methods=["POST"])
def confirm_page(area_id, year):
    """Confirm (freeze) the assessment with the reviewer's decisions."""
    area, year = _area_and_year(area_id, year)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            confirm(
                current_user, area, year, _decisions(), form.deadline.data, form.remarks.data or ""
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, {k: v for k, v in exc.errors.items() if k in ("deadline", "remarks")})
            return _page(area, year, confirm_form=form, errors=exc.errors)
        except Conflict as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Assessment confirmed."), "success")
        return redirect(url_for("assessments.index", area=area.id, year=year))
    return _page(area, year, confirm_form=form)


# --- the rubric -----------------------------------------------------------------------------


@bp.route("/criteria")
def criteria():
    """The rubric: every criterion, how it is computed, its weight."""
    rows = ensure_rubric()
    return render_template(
        "assessments/criteria.html",
        criteria=rows,
        metrics=METRICS,
        total=sum(c.weight for c in rows),
        is_admin=is_admin(current_user),
        direction_label=lazy_label,
    )


@bp.route("/criteria/new", methods=["GET", "POST"], defaults={"criterion_id": None})
@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
def criterion_form(criterion_id):
    """Create or change a criterion (admins)."""
    require_admin(current_user)
    criterion = db.get_or_404(RubricCriterion, criterion_id) if criterion_id else None
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        data = CriterionInput(
            form.name.data or "",
            form.metric.data,
            form.weight.data,
            form.direction.data,
            form.description.data or "",
            form.position.data,
        )
        try:
            save_criterion(data, criterion)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Criterion saved."), "success")
            return redirect(url_for("assessments.criteria"))
    return render_template("assessments/criterion_form.html", form=form, criterion=criterion)


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
def criterion_delete(criterion_id):
    """Remove a criterion (admins); confirmed assessments keep it in their snapshot."""
    require_admin(current_user)
    criterion = db.get_or_404(RubricCriterion, criterion_id)
    try:
        delete_criterion(criterion)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Criterion deleted."), "success")
    return redirect(url_for("assessments.criteria"))
