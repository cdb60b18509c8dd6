"""The audit trail (留痕) page and its CSV: who changed which record, when, from where."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields import SelectChoice

from core.audit.labels import record_label
from core.audit.query import (
    AuditFilters,
    audit_query,
    csv_rows,
    may_read_audit,
    object_types,
    usernames,
    who,
)
from core.exports import CSV_MIME, csv_bytes, download
from core.extensions import db
from core.forms import grouped_villages, placeholder, scoped_areas
from core.forms.audit import AuditFilterForm
from core.models import Area, AreaKind, User
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import is_admin, require
from core.rules import today

bp = Blueprint("audit", __name__)

#: the most rows one CSV export holds (newest first)
CSV_MAX_ROWS = 50_000


def _filters() -> tuple[AuditFilterForm, AuditFilters, dict]:
    """The filter form, the filters it gives and the query arguments to keep across pages."""
    form = AuditFilterForm(request.args)
    kinds = sorted((record_label(name), name) for name in object_types())
    form.object_type.choices = [placeholder(_("All kinds"))] + [
        SelectChoice(name, label) for label, name in kinds
    ]
    areas = scoped_areas(current_user)
    form.area.choices = (
        [placeholder(_("All areas"))]
        + [SelectChoice(str(a.id), a.name) for a in areas.values() if a.kind == AreaKind.TOWNSHIP]
        + grouped_villages(
            [a for a in areas.values() if a.kind == AreaKind.VILLAGE],
            {a.id: a.name for a in areas.values()},
        )
    )
    form.validate()
    args, values = {}, {}
    if form.user.data and not form.user.errors:
        name = form.user.data.strip()
        user_id = db.session.scalar(select(User.id).where(User.username == name))
        values["user_id"] = user_id if user_id is not None else 0  # unknown: no rows
        args["user"] = name
    for name in ("object_type", "object_id"):
        field = getattr(form, name)
        if field.data and not field.errors:
            values[name] = field.data.strip()
            args[name] = values[name]
    if form.area.data and not form.area.errors:
        values["area"] = db.session.get(Area, form.area.data)
        args["area"] = form.area.data
    for name in ("date_from", "date_to"):
        field = getattr(form, name)
        if field.data and not field.errors:
            values[name] = field.data
            args[name] = field.data.isoformat()
    if form.after.data is not None and not form.after.errors:
        values["after"] = args["after"] = form.after.data
    return form, AuditFilters(**values), args


@bp.route("/audit")
@login_required
def index():
    """The trail the user may read, newest first, filtered and paginated."""
    require(may_read_audit(current_user))
    form, filters, args = _filters()
    page = page_of(audit_query(current_user, filters), DATED_PAGE_SIZE)
    names = usernames(page.items)
    rows = [(event, who(event, names), record_label(event.object_type)) for event in page.items]
    return render_template("audit/index.html", page=page, rows=rows, filters=form, args=args)


@bp.route("/audit/export.csv")
@login_required
def export():
    """The filtered trail as CSV (UTF-8 with BOM), newest first."""
    require(may_read_audit(current_user))
    filters = _filters()[1]
    events = db.session.scalars(audit_query(current_user, filters).limit(CSV_MAX_ROWS)).all()
    header = [
        _("When"),
        _("Who"),
        _("API token"),
        _("Address"),
        _("Request id"),
        _("Action"),
        _("Kind of record"),
        _("Table"),
        _("Record id"),
        _("Area"),
        _("Team"),
        _("Changes"),
    ]
    data = csv_bytes(csv_rows(events, usernames(events), header))
    return download(data, f"audit-{today().isoformat()}.csv", CSV_MIME)


@bp.route("/admin/audit")
@login_required
def admin():
    """The same page, where admins look for it (among the other admin pages)."""
    require(is_admin(current_user))
    return redirect(url_for("audit.index", **request.args))
