"""The roster workbook over the API: the export, the dry run and the import.

The same work as the page and ``kepu roster``: an import is first a dry run (``dry_run``,
the default), whose answer carries the ``fingerprint`` of the roster it compared the file
with; sending the same file with ``dry_run=false`` and that fingerprint writes it, all or
nothing, or answers 409 when the roster changed since (run the dry run again).
"""

from datetime import date

from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from marshmallow import Schema, fields

from core.api.common import api_blueprint, caller, documents
from core.exports import XLSX_MIME, download
from core.extensions import db
from core.models import Area, Role
from core.permissions import may_manage_roster, may_manage_roster_of, require
from core.roster import run
from core.roster.plan import Plan
from core.roster.reader import FileRefused
from core.roster.snapshot import default_root, load
from core.roster.workbook import workbook_bytes

blp = api_blueprint(
    "api_roster",
    __name__,
    "The roster workbook: export, dry run and import.",
    may_write=may_manage_roster,
)


class RosterArgsSchema(Schema):
    """Which roster: a county or township (default: the reviewer's area, or the county)."""

    area = fields.Integer(metadata={"description": "County or township id."})


class RosterImportArgsSchema(RosterArgsSchema):
    """The options of an import, sent as form fields beside the files."""

    dry_run = fields.Boolean(load_default=True, metadata={"description": "Write nothing."})
    remove_missing = fields.Boolean(
        load_default=False, metadata={"description": "Remove stored rows the file no longer lists."}
    )
    fingerprint = fields.String(
        metadata={"description": "The dry run's fingerprint (needed when dry_run is false)."}
    )


class RosterProblemSchema(Schema):
    """A bad cell."""

    sheet = fields.String()
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class RosterPlanSchema(Schema):
    """What the file changes (a dry run), or changed (an import)."""

    ok = fields.Boolean(metadata={"description": "No problem: the file may be imported."})
    written = fields.Boolean(metadata={"description": "The changes are written."})
    fingerprint = fields.String(metadata={"description": "Send it back to import this file."})
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "Per sheet: created, updated, unchanged, missing, refused."},
    )
    problems = fields.List(fields.Nested(RosterProblemSchema))
    notes = fields.List(fields.String())
    flags = fields.List(fields.String(), metadata={"description": "Rules shown, not enforced."})
    missing = fields.List(fields.List(fields.String()))


UPLOAD_BODY = {
    "required": True,
    "description": "One .xlsx workbook, or one CSV file per sheet, as the field ``file``.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "area": {"type": "integer"},
                    "dry_run": {"type": "boolean", "default": True},
                    "remove_missing": {"type": "boolean", "default": False},
                    "fingerprint": {"type": "string"},
                },
            }
        }
    },
}


def _root(area_id: int | None) -> Area | None:
    """The roster's area (403 outside the caller's), as on the page."""
    user = caller()
    if area_id is None:
        if user.role == Role.REVIEWER:
            require(may_manage_roster_of(user, user.area))
            return user.area
        try:
            return default_root()
        except LookupError:
            smorest_abort(422, messages={"area": [_("Choose an area.")]})
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    require(may_manage_roster_of(user, area))
    return area


def _answer(plan: Plan, written: bool) -> dict:
    return {
        "ok": plan.ok,
        "written": written,
        "fingerprint": plan.fingerprint,
        "counts": {k: dict(v) for k, v in plan.counts().items()},
        "problems": plan.problems,
        "notes": plan.notes,
        "flags": plan.flags,
        "missing": [list(m) for m in plan.missing],
    }


@blp.route("/export")
class RosterExport(MethodView):
    """The roster as a workbook."""

    @blp.arguments(RosterArgsSchema, location="query")
    @blp.response(200, {"format": "binary", "type": "string"}, content_type=XLSX_MIME)
    @documents(blp, 401, 403, 404)
    def get(self, args):
        """The roster workbook of an area (admins, reviewers)

        The same .xlsx as the page's download, in the caller's language.
        """
        require(may_manage_roster(caller()))
        root = _root(args.get("area"))
        if root is None:
            abort(404)
        return download(
            workbook_bytes(load(root)), f"roster-{root.id}-{date.today()}.xlsx", XLSX_MIME
        )


@blp.route("/import")
class RosterImport(MethodView):
    """Dry run, then import, of a roster file."""

    @blp.arguments(RosterImportArgsSchema, location="form")
    @blp.doc(requestBody=UPLOAD_BODY)
    @blp.response(200, RosterPlanSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, args):
        """Dry run or import a roster file (admins, reviewers within their area)

        ``dry_run`` (default true) answers what would change and every bad cell; nothing is
        written. With ``dry_run=false`` and the dry run's ``fingerprint``, the file is
        written in one transaction, or 409 when the roster changed since the dry run, 422
        when the file has problems (``{"errors": {"file": ["Sheet, row N, Column: ..."]}}``).
        """
        root = _root(args.get("area"))
        files = [(f.filename or "file", f.read()) for f in request.files.getlist("file") if f]
        try:
            book = run.read(files)
        except FileRefused as exc:
            smorest_abort(422, messages={"file": [str(exc)]})
        remove = args["remove_missing"]
        if args["dry_run"]:
            plan, _snap = run.dry_run(book, root, remove)
            return _answer(plan, False)
        if not args.get("fingerprint"):
            smorest_abort(422, messages={"fingerprint": [_("Send the dry run's fingerprint.")]})
        plan, written = run.confirm(book, root, args["fingerprint"], remove)
        if not plan.ok:
            lines = [f"{p.sheet}, {p.row}, {p.column}: {p.message}" for p in plan.problems]
            smorest_abort(422, messages={"file": lines})
        if not written:
            smorest_abort(
                409, message=_("The roster changed since your dry run: run the dry run again.")
            )
        return _answer(plan, True)
