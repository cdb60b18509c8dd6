"""Rectification items (限期整改): the list (open, overdue, awaiting review, done), creating one
from a criticism or an inspection finding, following one up to done. The unit's reports and
the reviewer's answers to them are in ``core.views.rectification_steps``."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import rules
from core.extensions import db
from core.forms import show_errors
from core.forms.inspections import (
    DoneForm,
    RectificationFilterForm,
    RectificationForm,
    unit_choices,
)
from core.forms.rectification_steps import AcceptForm, ReportForm, SendBackForm
from core.models import AssessmentResult, Inspection, Outcome, Rectification
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import (
    get_readable_or_404,
    inspection_scope,
    may_report_rectification,
    may_review,
    may_review_area,
    rectification_scope,
    require,
)
from core.services import FieldErrors
from core.services.inspections import unit_in_reach
from core.services.rectification_steps import steps_of
from core.services.rectifications import (
    RectificationInput,
    StatusFilter,
    create_rectification,
    delete_rectification,
    is_overdue,
    mark_done,
    reopen,
    status_clause,
    update_rectification,
)

bp = Blueprint("rectifications", __name__, url_prefix="/rectifications")


@bp.route("")
@login_required
def index():
    """The items the user may read, by deadline; filtered by status (open, overdue, done)."""
    filters = RectificationFilterForm(request.args)
    filters.validate()
    query = select(Rectification).where(rectification_scope(current_user))
    args = {}
    if filters.status.data and not filters.status.errors:
        query = query.where(status_clause(StatusFilter(filters.status.data)))
        args["status"] = filters.status.data
    query = query.options(
        joinedload(Rectification.team), joinedload(Rectification.village)
    ).order_by(Rectification.status.desc(), Rectification.deadline, Rectification.id)
    page = page_of(query, DATED_PAGE_SIZE)
    return render_template(
        "rectifications/index.html",
        page=page,
        filters=filters,
        args=args,
        today=rules.today(),
        is_overdue=is_overdue,
        may_write=may_review(current_user),
    )


def _source():
    """The criticism or inspection a new item comes from (``?result=`` / ``?inspection=``)."""
    result = inspection = None
    if request.args.get("result"):
        result = db.session.get(AssessmentResult, request.args.get("result", type=int) or 0)
        if result is None or result.outcome != Outcome.CRITICISE:
            abort(404)
        require(may_review_area(current_user, result.team.village))
    if request.args.get("inspection"):
        inspection = get_readable_or_404(
            Inspection, request.args.get("inspection"), inspection_scope(current_user)
        )
        require(may_review_area(current_user, inspection.village))
    return result, inspection


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create an item, for a unit chosen here, or from a criticism or an inspection finding."""
    require(may_review(current_user))
    result, inspection = _source()
    deadline = rules.today() + timedelta(days=int(current_app.config["RECTIFICATION_DAYS"]))
    data = {"deadline": deadline, "team_id": request.args.get("team", type=int)}
    if result is not None:
        data.update(requirement=result.reason or result.proposed_reason, team_id=result.team_id)
    elif inspection is not None:
        data.update(
            requirement=inspection.findings,
            team_id=inspection.team_id,
            village_id=inspection.village_id,
        )
    form = RectificationForm(data=data)
    form.team_id.choices, form.village_id.choices = unit_choices(current_user)
    form.deadline.render_kw = {"min": rules.today().isoformat()}
    if form.validate_on_submit():
        values = RectificationInput(
            requirement=form.requirement.data or "",
            deadline=form.deadline.data,
            team_id=form.team_id.data,
            village_id=form.village_id.data,
            title=form.title.data or "",
            result_id=result.id if result else None,
            inspection_id=inspection.id if inspection else None,
        )
        source = result or inspection
        if (
            source is None
            and unit_in_reach(current_user, values.team_id, values.village_id) is False
        ):
            abort(403)
        try:
            item = create_rectification(current_user, values)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Rectification item created."), "success")
            return redirect(url_for("rectifications.detail", item_id=item.id))
    return render_template(
        "rectifications/form.html", form=form, item=None, result=result, inspection=inspection
    )


@bp.route("/<int:item_id>")
@login_required
def detail(item_id):
    """One item, its follow-up history, and the forms of those who may act on it."""
    item = get_readable_or_404(Rectification, item_id, rectification_scope(current_user))
    return render_detail(item)


def render_detail(item: Rectification, **forms):
    """The detail page of ``item``, with ``forms`` given (those holding errors) or fresh."""
    form = forms.get("form") or DoneForm(data={"done_on": rules.today()})
    form.done_on.render_kw = {"max": rules.today().isoformat()}
    return render_template(
        "rectifications/detail.html",
        item=item,
        form=form,
        report_form=forms.get("report_form") or ReportForm(),
        accept_form=forms.get("accept_form") or AcceptForm(),
        send_back_form=forms.get("send_back_form") or SendBackForm(),
        steps=steps_of(item),
        overdue=is_overdue(item),
        may_write=may_review_area(current_user, item.village),
        may_report=may_report_rectification(current_user, item),
    )


def _writable(item_id) -> Rectification:
    """The item when the user may follow it up (404 / 403)."""
    item = get_readable_or_404(Rectification, item_id, rectification_scope(current_user))
    require(may_review_area(current_user, item.village))
    return item


@bp.route("/<int:item_id>/done", methods=["POST"])
@login_required
def done(item_id):
    """Record the item as put right (a note is required)."""
    item = _writable(item_id)
    form = DoneForm()
    form.done_on.render_kw = {"max": rules.today().isoformat()}
    if form.validate_on_submit():
        try:
            mark_done(current_user, item, form.done_note.data or "", form.done_on.data)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Rectification item done."), "success")
            return redirect(url_for("rectifications.detail", item_id=item.id))
    return render_detail(item, form=form)


@bp.route("/<int:item_id>/reopen", methods=["POST"])
@login_required
def reopen_item(item_id):
    """Open a done item again."""
    item = _writable(item_id)
    reopen(item)
    flash(_("Rectification item opened again."), "success")
    return redirect(url_for("rectifications.detail", item_id=item.id))


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id):
    """Change what an item asks, or move its deadline."""
    item = _writable(item_id)
    form = RectificationForm(obj=item)
    form.team_id.choices, form.village_id.choices = unit_choices(current_user)
    if form.validate_on_submit():
        try:
            update_rectification(
                item, form.title.data or "", form.requirement.data or "", form.deadline.data
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Rectification item saved."), "success")
            return redirect(url_for("rectifications.detail", item_id=item.id))
    return render_template(
        "rectifications/form.html", form=form, item=item, result=None, inspection=None
    )


@bp.route("/<int:item_id>/delete", methods=["POST"])
@login_required
def delete(item_id):
    """Delete an item created by mistake."""
    delete_rectification(_writable(item_id), current_user)
    flash(_("Rectification item deleted."), "success")
    return redirect(url_for("rectifications.index"))
