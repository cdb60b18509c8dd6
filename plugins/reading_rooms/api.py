"""/api/v1/plugins/reading_rooms: rooms, usage, inspection reports and the year-end ranking.

Admins write rooms, model-room titles and commendations; admins and the leader of a room's
village enter usage; everyone reads what their scope allows (see ``services``).
"""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.common import (
    api_blueprint,
    caller,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    readable,
    save,
)
from core.extensions import db
from core.permissions import require_admin
from core.rules import today
from plugins.reading_rooms import services as svc
from plugins.reading_rooms.models import Report, Room
from plugins.reading_rooms.schemas import (
    ReadingRoomCommendationSchema,
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

blp = api_blueprint("reading_rooms_api", __name__,
                    "Reading rooms: rooms, usage, inspection reports and year-end ranking.",
                    may_write=svc.may_enter_some_usage)


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
        return svc.usage_rows(caller(), args.get("room"), args.get("date_from"),
                              args.get("date_to"))

    @blp.arguments(ReadingRoomUsageSchema)
    @blp.response(201, ReadingRoomUsageSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Enter usage (admin, or the leader of the room's village)

        A record of the same room and period is replaced; a period overlapping another of the
        room answers 422.
        """
        room = db.session.get(Room, data["room_id"])
        if room is not None and not svc.may_enter_usage(caller(), room):
            abort(403)
        return save(svc.save_usage, svc.UsageInput(**data), caller())


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
        return {"id": None, "period_start": start, "period_end": end, "generated_at": None,
                "threshold": threshold, "rows": [r.as_json() for r in rows]}


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
        return {"id": stored.id, "period_start": stored.period_start,
                "period_end": stored.period_end, "generated_at": stored.generated_at,
                "threshold": stored.threshold, "rows": svc.visible_rows(stored, caller())}


@blp.route("/ranking")
class Ranking(MethodView):
    """The year-end ranking."""

    @blp.arguments(ReadingRoomYearArgsSchema, location="query")
    @blp.response(200, ReadingRoomRankingSchema)
    @documents(blp, 401, 403)
    def get(self, args):
        """Year-end ranking (admin)

        Every room ranked by usage over the year, the rooms proposed for commendation
        (``commend_top_n``) and the commendations confirmed.
        """
        require_admin(caller())
        year = args.get("year") or today().year
        return {"year": year, "rows": [r.as_json() for r in svc.year_ranking(year)],
                "proposal": [r.as_json() for r in svc.proposal(year)],
                "confirmed": svc.commendations(year)}


@blp.route("/ranking/<int(min=2000, max=2100):year>/confirm")
class Confirm(MethodView):
    """Confirming a year's proposal."""

    @blp.response(201, ReadingRoomCommendationSchema(many=True))
    @documents(blp, 401, 403, 404, 422)
    def post(self, year):
        """Confirm the commendations of a year (admin)"""
        require_admin(caller())
        return save(svc.confirm_commendations, year, caller())

