"""Deleted records (admins): what was deleted, by whom and when, and a button to restore it.

Visits, events, inspections, rectification items, teams, members, farms and the plugins'
records (noticeboard updates, trainings, ...) are soft-deleted; this page lists each kind's
deleted rows, newest deletion first, and restores one with a POST.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.audit.labels import record_label
from core.extensions import db, login_manager
from core.models.soft_delete import including_deleted
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import require_admin
from core.services import Conflict
from core.services.restore import (
    deleted_count,
    deleted_query,
    deleted_rows,
    find_deleted,
    restorable_models,
    restore_record,
)

bp = Blueprint("deleted", __name__, url_prefix="/admin/deleted")

#: the kind shown first
DEFAULT_KIND = "visits"


@bp.before_request
def _admins_only():
    """Send anonymous visitors to the login page and answer 403 to non-administrators."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_admin(current_user)
    return None


@bp.route("/")
def index():
    """The deleted records of one kind (``?kind=visits``), with how many each kind holds."""
    models = restorable_models()
    kind = request.args.get("kind", DEFAULT_KIND)
    if kind not in models:
        kind = DEFAULT_KIND if DEFAULT_KIND in models else next(iter(models))
    counts = {name: deleted_count(model) for name, model in models.items()}
    kinds = sorted(((name, record_label(name)) for name in models), key=lambda pair: pair[1])
    with including_deleted(db.session):
        page = page_of(deleted_query(models[kind]), DATED_PAGE_SIZE)
        rows = deleted_rows(kind, page.items)
    return render_template(
        "deleted/index.html", kind=kind, kinds=kinds, counts=counts, page=page, rows=rows
    )


@bp.route("/<kind>/<int:record_id>/restore", methods=["POST"])
def restore(kind: str, record_id: int):
    """Restore one deleted record, then show its kind's list again."""
    model = restorable_models().get(kind)
    if model is None:
        abort(404)
    record = find_deleted(model, record_id)
    if record is None:
        abort(404)
    try:
        restore_record(record)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("%(kind)s #%(id)s restored.", kind=record_label(kind), id=record_id), "success")
    return redirect(url_for("deleted.index", kind=kind))
