"""/api/v1/plugins/reading_rooms: rooms, usage, inspection reports and the year-end ranking.

Admins write rooms, model-room titles and commendations; admins and the leader of a room's
village enter usage; everyone reads what their scope allows (see ``services``).
"""

from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from sqlalchemy import select

from core.plugin_api import (
    FieldErrors,
    api_blueprint,
    caller,
    db,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    readable,
    require,
    require_admin,
    save,
    today,
)
from plugins.reading_rooms import services as svc
from plugins.reading_rooms.models import Report, Room
from plugins.reading_rooms.schemas import (
    IMPORT_BODY,
    ReadingRoomCommendationSchema,
    ReadingRoomImportResultSchema,
    ReadingRoomInputSchema,
    ReadingRoomInspectionArgsSchema,
    ReadingRoomListArgsSchema,
    ReadingRoomPatchSchema,
    ReadingRoomRankingSchema,
    ReadingRoomReportSchema,
    ReadingRoomSchema,
    ReadingRoomStoredReportSchema,
    ReadingRoomUsageArgsSchema,
    ReadingRoomUsageSchema,
    ReadingRoomYearArgsSchema,
)

blp = api_blueprint(
    "reading_rooms_api",
    __name__,
    "Reading rooms: rooms, usage, inspection reports and year-end ranking.",
    may_write=svc.may_enter_some_usage,
)


@blp.route("/rooms", strict_slashes=False)
class Rooms(MethodView):
    """The room collection."""

    @blp.arguments(ReadingRoomListArgsSchema, location="query")
    @blp.response(200, ReadingRoomSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List reading rooms

        The rooms the caller may read; ``area``: inside the area's subtree.
        """
        query = select(Room).where(svc.room_scope(caller())).order_by(Room.id)
        return filter_args(query, args, area=Room.area_id)

    @blp.arguments(ReadingRoomInputSchema)
    @blp.response(201, ReadingRoomSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a reading room (admin)"""
        require_admin(caller())
        return save(svc.save_room, svc.RoomInput(**data))


@blp.route("/rooms" + item_rule("room_id"))
class RoomItem(MethodView):
    """One room."""

    @blp.response(200, ReadingRoomSchema)
    @documents(blp, 401, 403, 404)
    def get(self, room_id):
        """Show a reading room"""
        return readable(Room, room_id, svc.room_scope)

    @blp.arguments(ReadingRoomPatchSchema)
    @blp.response(200, ReadingRoomSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, room_id):
        """Change a reading room or its model-room title (admin)"""
        require_admin(caller())
        room = readable(Room, room_id, svc.room_scope)
        has_model = "model_since" in data
        since = data.pop("model_since", None)
        if data:
            current = svc.RoomInput(room.area_id, room.name, room.place, room.opening_notes)
            save(svc.save_room, svc.RoomInput(**(current.__dict__ | data)), room)
        if has_model:
            svc.set_model(room, since)
        return room


@blp.route("/usage", strict_slashes=False)
class Usage(MethodView):
    """The usage records."""

    @blp.arguments(ReadingRoomUsageArgsSchema, location="query")
    @blp.response(200, ReadingRoomUsageSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List usage records

        The records of the rooms the caller may read, newest first; ``from``/``to``: records
        whose whole period lies inside the range.
        """
        return svc.usage_rows(
            caller(), args.get("room"), args.get("date_from"), args.get("date_to")
        )

    @blp.arguments(ReadingRoomUsageSchema)
    @blp.response(201, ReadingRoomUsageSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Enter usage (admin, or the leader of the room's village)

        A room and period recorded already answers 409 (with the recorded figures) unless
        ``replace`` is true; a period not begun yet, or overlapping another of the room,
        answers 422.
        """
        room = db.session.get(Room, data["room_id"])
        if room is not None and not svc.may_enter_usage(caller(), room):
            abort(403)
        replace = data.pop("replace", False)
        return save(svc.save_usage, svc.UsageInput(**data), caller(), None, replace)


def _uploaded_csv() -> str:
    """The CSV text of the request: the multipart field ``file`` or a text/csv body.

    415 for another kind of body; 422 ``{"file": [...]}`` for a missing, oversized or
    non-UTF-8 file.
    """
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        raw = upload.read(svc.MAX_UPLOAD + 1) if upload is not None else None
    elif request.mimetype in ("text/csv", "text/plain"):
        raw = request.stream.read(svc.MAX_UPLOAD + 1)
    else:
        abort(
            415,
            description=_(
                "Send the CSV as the multipart/form-data field file or as a text/csv body."
            ),
        )
    try:
        return svc.read_upload(raw)
    except FieldErrors as exc:
        smorest_abort(422, messages={k: [str(m) for m in v] for k, v in exc.errors.items()})


@blp.route("/usage/import")
class UsageImport(MethodView):
    """Importing usage records from CSV."""

    @blp.doc(requestBody=IMPORT_BODY)
    @blp.response(200, ReadingRoomImportResultSchema)
    @documents(blp, 401, 403, 415, 422)
    def post(self):
        """Import usage records from CSV (admin)

        The same import as the page and ``kepu reading_rooms import``: every row is checked
        first and, if any is bad, nothing is saved and the answer is 422 with the bad rows by
        line number (the header is line 1): ``{"errors": {"csv": {"3": ["..."]}}}``. A row
        for a room and period already recorded replaces its figures, so importing a file twice
        changes nothing. A missing, oversized (over 2 MB) or non-UTF-8 file answers 422
        ``{"errors": {"file": ["..."]}}``.
        """
        require_admin(caller())
        result = svc.import_csv(_uploaded_csv(), caller())
        if not result.ok:
            db.session.rollback()
            lines: dict[str, list[str]] = {}
            for line, message in result.errors:
                lines.setdefault(str(line), []).append(str(message))
            smorest_abort(422, messages={"csv": lines})
        return {"created": result.created, "updated": result.updated}


def _report_args(args):
    """The period of a report: the arguments given, or the previous month."""
    first, last = svc.previous_month(today())
    start, end = args.get("date_from") or first, args.get("date_to") or last
    if end < start:
        field_errors({"to": [_("The period ends before it starts.")]})
    return start, end


@blp.route("/inspection")
class Inspection(MethodView):
    """The inspection report of a period, computed now."""

    @blp.arguments(ReadingRoomInspectionArgsSchema, location="query")
    @blp.response(200, ReadingRoomReportSchema)
    @documents(blp, 401)
    def get(self, args):
        """Inspection report

        The rooms the caller may read ranked by usage (reads + downloads) over ``from``..``to``
        (default: the previous month), those below the threshold flagged ``low``.
        """
        start, end = _report_args(args)
        threshold = svc.period_threshold(start, end)
        rows = svc.ranked_usage(svc.room_scope(caller()), start, end, threshold)
        return {
            "id": None,
            "period_start": start,
            "period_end": end,
            "generated_at": None,
            "threshold": threshold,
            "rows": [r.as_json() for r in rows],
        }


@blp.route("/reports", strict_slashes=False)
class Reports(MethodView):
    """The stored monthly reports."""

    @blp.response(200, ReadingRoomStoredReportSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self):
        """List stored reports, newest first"""
        return select(Report).order_by(Report.period_start.desc())


@blp.route("/reports" + item_rule("report_id"))
class ReportItem(MethodView):
    """One stored report."""

    @blp.response(200, ReadingRoomReportSchema)
    @documents(blp, 401, 404)
    def get(self, report_id):
        """Show a stored report (the rows of the rooms the caller may read)"""
        stored = db.session.get(Report, report_id) or abort(404)
        return {
            "id": stored.id,
            "period_start": stored.period_start,
            "period_end": stored.period_end,
            "generated_at": stored.generated_at,
            "threshold": stored.threshold,
            "rows": svc.visible_rows(stored, caller()),
        }


@blp.route("/ranking")
class Ranking(MethodView):
    """The year-end ranking."""

    @blp.arguments(ReadingRoomYearArgsSchema, location="query")
    @blp.response(200, ReadingRoomRankingSchema)
    @documents(blp, 401, 403)
    def get(self, args):
        """Year-end ranking (admins; reviewers: their area)

        Every room ranked by usage over the year, the rooms proposed for commendation
        (``commend_top_n``) and the commendations confirmed. A reviewer gets the rooms inside
        their area only, with their county-wide ranks.
        """
        user = caller()
        require(svc.may_read_ranking(user))
        year = args.get("year") or today().year
        confirmed = svc.commendations(year, user)
        svc.attach_changes(confirmed)
        return {
            "year": year,
            "rows": [r.as_json() for r in svc.year_ranking(year, user)],
            "proposal": [r.as_json() for r in svc.proposal(year, user)],
            "confirmed": confirmed,
        }


@blp.route("/ranking/<int(min=2000, max=2100):year>/confirm")
class Confirm(MethodView):
    """Confirming a year's proposal."""

    @blp.response(201, ReadingRoomCommendationSchema(many=True))
    @documents(blp, 401, 403, 404, 422)
    def post(self, year):
        """Confirm the commendations of a year (admin)"""
        require_admin(caller())
        made = save(svc.confirm_commendations, year, caller())
        svc.attach_changes(made)
        return made
