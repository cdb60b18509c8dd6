"""The roster workbook's page: download the template or the roster, upload a filled one.

An upload is first a dry run (nothing written); the files wait under ``instance/roster/``
with a token and the fingerprint of the roster they were compared with. Confirming writes
them only if the roster is still that one; otherwise the new dry run is shown again.
Admins work on any county or township, reviewers on their own area.
"""

from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.exports import XLSX_MIME, download
from core.extensions import db, login_manager
from core.models import Area, AreaKind, Role
from core.permissions import may_manage_roster, may_manage_roster_of, require
from core.roster import pending, run
from core.roster.apply import STEPS
from core.roster.reader import FileRefused
from core.roster.snapshot import default_root, load
from core.roster.workbook import workbook_bytes

bp = Blueprint("roster", __name__, url_prefix="/roster")


@bp.before_request
def _guard():
    """Anonymous visitors log in; only admins and reviewers with an area get further."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(may_manage_roster(current_user))
    return None


def _root(area_id: int | None) -> Area | None:
    """The area worked on: ``area_id`` (403 outside the user's area), else the reviewer's
    area or the only county (None in an empty Kepu, for admins)."""
    if area_id is None:
        if current_user.role == Role.REVIEWER:
            require(may_manage_roster_of(current_user, current_user.area))
            return current_user.area
        try:
            return default_root()
        except LookupError:  # several counties: the first, until the admin picks another
            return db.session.scalars(
                select(Area).where(Area.kind == AreaKind.COUNTY).order_by(Area.id).limit(1)
            ).first()
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    require(may_manage_roster_of(current_user, area))
    return area


def _choices() -> list[Area]:
    """The counties and townships the user may choose."""
    query = select(Area).where(Area.kind.in_([AreaKind.COUNTY, AreaKind.TOWNSHIP]))
    if current_user.role != Role.ADMIN:
        query = query.where(Area.in_subtree_of(current_user.area))
    return list(db.session.scalars(query.order_by(Area.path)))


@bp.route("")
def index():
    """Downloads and the upload form."""
    root = _root(request.args.get("area", type=int))
    return render_template("roster/index.html", root=root, areas=_choices())


@bp.route("/template.xlsx")
def template():
    """The empty workbook."""
    return download(workbook_bytes(), _("roster-template") + ".xlsx", XLSX_MIME)


@bp.route("/export.xlsx")
def export():
    """The roster of the area, in the template's format."""
    root = _root(request.args.get("area", type=int))
    if root is None:
        abort(404)
    stem = _("roster")
    name = f"{stem}-{root.name}-{date.today().isoformat()}.xlsx"
    return download(workbook_bytes(load(root)), name, XLSX_MIME)


def _files() -> list[tuple[str, bytes]]:
    """The uploaded files, as (name, bytes)."""
    return [(f.filename or "file", f.read()) for f in request.files.getlist("file") if f]


@bp.route("/upload", methods=["POST"])
def upload():
    """Read the files and show the dry run; the confirm form names the stored upload."""
    root = _root(request.form.get("area", type=int))
    remove = request.form.get("remove") == "1"
    files = _files()
    try:
        book = run.read(files)
    except FileRefused as exc:
        flash(str(exc), "error")
        return render_template("roster/index.html", root=root, areas=_choices()), 400
    plan, _snap = run.dry_run(book, root, remove)
    token = None
    if plan.ok and plan.has_changes:
        token = pending.save(files, _meta(root, remove, plan.fingerprint))
    return render_template("roster/plan.html", plan=plan, token=token, root=root)


def _meta(root: Area | None, remove: bool, fingerprint: str) -> dict:
    return {
        "user_id": current_user.id,
        "area_id": root.id if root else None,
        "remove": remove,
        "fingerprint": fingerprint,
    }


@bp.route("/confirm", methods=["POST"])
def confirm():
    """Write the upload of the dry run the user saw; if the roster changed, show it again."""
    token = request.form.get("token", "")
    stored = pending.load(token)
    if stored is None or stored[1].get("user_id") != current_user.id:
        flash(_("This dry run is no longer available: upload the file again."), "error")
        return redirect(url_for(".index"))
    files, meta = stored
    root = _root(meta["area_id"])
    try:
        book = run.read(files)
    except FileRefused as exc:  # the limits changed since
        pending.drop(token)
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    steps = STEPS + bool(meta["remove"])
    pending.write_progress(token, 0, steps)
    done = iter(range(1, steps + 1))
    plan, written = run.confirm(
        book,
        root,
        meta["fingerprint"],
        meta["remove"],
        lambda _line: pending.write_progress(token, next(done, steps), steps),
    )
    if not written:
        new_token = None
        pending.drop(token)
        if plan.ok and plan.has_changes:
            new_token = pending.save(files, _meta(root, meta["remove"], plan.fingerprint))
        return render_template(
            "roster/plan.html", plan=plan, token=new_token, root=root, changed=True
        ), 409
    pending.drop(token)
    return render_template("roster/result.html", plan=plan, root=root)


@bp.route("/progress/<token>")
def progress(token: str):
    """How far the confirmed import of ``token`` is, for the page's progress bar:
    ``{"done": n, "total": m}``; ``{"done": null}`` once it is finished (or for a token that
    is not the user's), which tells the page to stop asking. Never an error: the page asks
    while the import runs and may ask once more after it ended."""
    meta = pending.read_meta(token)  # the owner only: the files stay on disk
    if meta is None or meta.get("user_id") != current_user.id:
        return jsonify(done=None, total=None)
    return jsonify(pending.read_progress(token) or {"done": 0, "total": 0})
