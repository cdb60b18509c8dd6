"""Inspections (督查): the list, recording one with photos, the detail, edit, delete, photos."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import rules
from core.extensions import db
from core.forms import show_errors
from core.forms.choices import team_choices
from core.forms.inspections import InspectionFilterForm, InspectionForm, unit_choices
from core.models import Inspection, InspectionPhoto, Rectification, Team
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import (
    get_readable_or_404,
    inspection_scope,
    may_review,
    may_review_area,
    rectification_scope,
    require,
    team_scope,
)
from core.services import FieldErrors
from core.services.inspections import (
    InspectionInput,
    delete_inspection,
    delete_photo,
    photo_response,
    record_inspection,
    unit_in_reach,
    update_inspection,
)
from core.services.uploads import uploaded_photos

bp = Blueprint("inspections", __name__, url_prefix="/inspections")


def _input(form: InspectionForm) -> InspectionInput:
    """The service's input from a submitted form."""
    return InspectionInput(
        team_id=form.team_id.data,
        village_id=form.village_id.data,
        kind=form.kind.data,
        inspected_on=form.inspected_on.data,
        findings=form.findings.data or "",
        photos=uploaded_photos(),
    )


def _require_unit(form: InspectionForm) -> None:
    """403 when the form names an existing unit outside the reviewer's area."""
    if unit_in_reach(current_user, form.team_id.data, form.village_id.data) is False:
        abort(403)


@bp.route("")
@login_required
def index():
    """The inspections the user may read, newest first, filtered and paginated."""
    filters = InspectionFilterForm(request.args)
    teams = db.session.scalars(
        select(Team).where(team_scope(current_user), Team.deleted_at.is_(None)).order_by(Team.name)
    ).all()
    filters.team.choices = team_choices(teams, blank=_("All teams"))
    filters.validate()
    query = select(Inspection).where(inspection_scope(current_user))
    args = {}
    if filters.team.data and not filters.team.errors:
        query = query.where(Inspection.team_id == filters.team.data)
        args["team"] = filters.team.data
    if filters.kind.data and not filters.kind.errors:
        query = query.where(Inspection.kind == filters.kind.data)
        args["kind"] = filters.kind.data
    if filters.date_from.data and not filters.date_from.errors:
        query = query.where(Inspection.inspected_on >= filters.date_from.data)
        args["date_from"] = filters.date_from.data.isoformat()
    if filters.date_to.data and not filters.date_to.errors:
        query = query.where(Inspection.inspected_on <= filters.date_to.data)
        args["date_to"] = filters.date_to.data.isoformat()
    query = query.options(joinedload(Inspection.team), joinedload(Inspection.village)).order_by(
        Inspection.inspected_on.desc(), Inspection.id.desc()
    )
    page = page_of(query, DATED_PAGE_SIZE)
    return render_template(
        "inspections/index.html",
        page=page,
        filters=filters,
        args=args,
        may_write=may_review(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Record an inspection (reviewers inside their area, admins)."""
    require(may_review(current_user))
    form = InspectionForm(
        data={"inspected_on": rules.today(), "team_id": request.args.get("team", type=int)}
    )
    form.team_id.choices, form.village_id.choices = unit_choices(current_user)
    form.inspected_on.render_kw = {"max": rules.today().isoformat()}
    if form.validate_on_submit():
        _require_unit(form)
        try:
            inspection = record_inspection(current_user, _input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Inspection recorded."), "success")
            return redirect(url_for("inspections.detail", inspection_id=inspection.id))
    return render_template("inspections/form.html", form=form, inspection=None)


@bp.route("/<int:inspection_id>")
@login_required
def detail(inspection_id):
    """One inspection: findings, photos, and the rectification items made from it."""
    inspection = get_readable_or_404(Inspection, inspection_id, inspection_scope(current_user))
    items = db.session.scalars(
        select(Rectification)
        .where(Rectification.inspection_id == inspection.id, rectification_scope(current_user))
        .order_by(Rectification.deadline, Rectification.id)
    ).all()
    return render_template(
        "inspections/detail.html",
        inspection=inspection,
        items=items,
        may_write=may_review_area(current_user, inspection.village),
    )


def _writable(inspection_id) -> Inspection:
    """The inspection when the user may change it (404 / 403)."""
    inspection = get_readable_or_404(Inspection, inspection_id, inspection_scope(current_user))
    require(may_review_area(current_user, inspection.village))
    return inspection


@bp.route("/<int:inspection_id>/edit", methods=["GET", "POST"])
@login_required
def edit(inspection_id):
    """Change an inspection, or add photos to it."""
    inspection = _writable(inspection_id)
    form = InspectionForm(obj=inspection)
    form.team_id.choices, form.village_id.choices = unit_choices(current_user)
    form.inspected_on.render_kw = {"max": rules.today().isoformat()}
    if form.validate_on_submit():
        _require_unit(form)
        try:
            update_inspection(current_user, inspection, _input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Inspection saved."), "success")
            return redirect(url_for("inspections.detail", inspection_id=inspection.id))
    return render_template("inspections/form.html", form=form, inspection=inspection)


@bp.route("/<int:inspection_id>/delete", methods=["POST"])
@login_required
def delete(inspection_id):
    """Delete an inspection recorded by mistake."""
    delete_inspection(_writable(inspection_id), current_user)
    flash(_("Inspection deleted."), "success")
    return redirect(url_for("inspections.index"))


def _photo(photo_id) -> InspectionPhoto:
    """A photo of an inspection the user may read (404 / 403)."""
    photo = db.session.get(InspectionPhoto, photo_id)
    if photo is None:
        abort(404)
    get_readable_or_404(Inspection, photo.inspection_id, inspection_scope(current_user))
    return photo


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id):
    """A photo, for users who may read its inspection (never a static path); its thumbnail
    with ``?thumbnail=1``."""
    return photo_response(_photo(photo_id), thumbnail=request.args.get("thumbnail") == "1")


@bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def remove_photo(photo_id):
    """Remove a photo from an inspection."""
    photo = _photo(photo_id)
    inspection = _writable(photo.inspection_id)
    delete_photo(photo)
    flash(_("Photo removed."), "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id))
