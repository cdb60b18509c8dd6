"""/api/v1/plugins/noticeboards: stations, boards, updates, trainings and open reminders.

Admins write stations and boards; admins and the leaders of a board's village record updates
and trainings; everyone reads what their scope allows.
"""

from flask.views import MethodView
from sqlalchemy import select

from core.api.common import (
    api_blueprint,
    caller,
    documents,
    filter_args,
    item_rule,
    paginate,
    readable,
    save,
)
from core.extensions import db
from core.models import Area
from core.permissions import require, require_admin
from plugins.noticeboards import services as svc
from plugins.noticeboards.models import Board, BoardUpdate, Reminder, Station, Training
from plugins.noticeboards.schemas import (
    NoticeboardsBoardInputSchema,
    NoticeboardsBoardListArgsSchema,
    NoticeboardsBoardPatchSchema,
    NoticeboardsBoardSchema,
    NoticeboardsReminderSchema,
    NoticeboardsStationInputSchema,
    NoticeboardsStationListArgsSchema,
    NoticeboardsStationSchema,
    NoticeboardsTrainingInputSchema,
    NoticeboardsTrainingListArgsSchema,
    NoticeboardsTrainingSchema,
    NoticeboardsUpdateInputSchema,
    NoticeboardsUpdateSchema,
)

blp = api_blueprint("noticeboards_api", __name__,
                    "Noticeboards: stations, boards, updates and publicist training.",
                    may_write=svc.may_write_some)


@blp.route("/stations", strict_slashes=False)
class Stations(MethodView):
    """The station collection."""

    @blp.arguments(NoticeboardsStationListArgsSchema, location="query")
    @blp.response(200, NoticeboardsStationSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List stations

        The stations the caller may read; ``area``: inside the area's subtree.
        """
        query = select(Station).where(svc.station_scope(caller())).order_by(Station.id)
        return filter_args(query, args, area=Station.village_id)

    @blp.arguments(NoticeboardsStationInputSchema)
    @blp.response(201, NoticeboardsStationSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a station (admin)"""
        require_admin(caller())
        return save(svc.save_station, svc.StationInput(**data))


@blp.route("/boards", strict_slashes=False)
class Boards(MethodView):
    """The board collection."""

    @blp.arguments(NoticeboardsBoardListArgsSchema, location="query")
    @blp.response(200, NoticeboardsBoardSchema(many=True))
    @documents(blp, 401)
    def get(self, args):
        """List boards

        The boards the caller may read, with their last update and stale flag. ``area``:
        inside the area's subtree; ``stale``: only stale (or only fresh) boards.
        """
        query = (select(Board).join(Area, Area.id == Board.village_id)
                 .where(svc.board_scope(caller())).order_by(Area.name, Board.name, Board.id))
        boards = _scalars(filter_args(query, args, area=Board.village_id))
        if "stale" in args:
            schema = NoticeboardsBoardSchema(many=True)
            schema._attach(boards, True)
            boards = [b for b in boards if b.api_stale == args["stale"]]
        return boards

    @blp.arguments(NoticeboardsBoardInputSchema)
    @blp.response(201, NoticeboardsBoardSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a board (admin)"""
        require_admin(caller())
        return save(svc.save_board, svc.BoardInput(**data))


def _scalars(query) -> list:
    """The rows of a SELECT of one entity."""
    return list(db.session.scalars(query).all())


@blp.route("/boards" + item_rule("board_id"))
class BoardById(MethodView):
    """One board."""

    @blp.response(200, NoticeboardsBoardSchema)
    @documents(blp, 401, 403, 404)
    def get(self, board_id):
        """Get a board"""
        return readable(Board, board_id, svc.board_scope)

    @blp.arguments(NoticeboardsBoardPatchSchema(partial=True))
    @blp.response(200, NoticeboardsBoardSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, board_id):
        """Change a board or its publicist (admin)

        Fields left out keep their value.
        """
        require_admin(caller())
        board = readable(Board, board_id, svc.board_scope)
        stored = {"name": board.name, "village_id": board.village_id,
                  "station_id": board.station_id, "location": board.location,
                  "publicist_id": board.publicist_id}
        if "village_id" in data and "station_id" not in data:
            stored["station_id"] = None
        return save(svc.save_board, svc.BoardInput(**(stored | data)), board)


@blp.route("/boards" + item_rule("board_id", "/updates"))
class BoardUpdates(MethodView):
    """A board's updates."""

    @blp.response(200, NoticeboardsUpdateSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403, 404)
    def get(self, board_id):
        """List a board's updates, newest first"""
        board = readable(Board, board_id, svc.board_scope)
        return (select(BoardUpdate).where(BoardUpdate.board_id == board.id)
                .order_by(BoardUpdate.updated_on.desc(), BoardUpdate.id.desc()))

    @blp.arguments(NoticeboardsUpdateInputSchema)
    @blp.response(201, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404)
    def post(self, data, board_id):
        """Record an update of a board (admin, or a leader of the board's village)"""
        board = readable(Board, board_id, svc.board_scope)
        require(svc.may_write_village(caller(), board.village_id))
        return save(svc.add_update, caller(), board, svc.UpdateInput(**data))


@blp.route("/trainings", strict_slashes=False)
class Trainings(MethodView):
    """The training collection."""

    @blp.arguments(NoticeboardsTrainingListArgsSchema, location="query")
    @blp.response(200, NoticeboardsTrainingSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List trainings

        Trainings with an attendee the caller may read, newest first; ``from``/``to``: days.
        """
        query = (select(Training).where(svc.training_scope(caller()))
                 .order_by(Training.held_on.desc(), Training.id.desc()))
        if "date_from" in args:
            query = query.where(Training.held_on >= args["date_from"])
        if "date_to" in args:
            query = query.where(Training.held_on <= args["date_to"])
        return query

    @blp.arguments(NoticeboardsTrainingInputSchema)
    @blp.response(201, NoticeboardsTrainingSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Record a training (admin; a leader for their village's publicists)"""
        return save(svc.add_training, caller(), svc.TrainingInput(**data))


@blp.route("/reminders", strict_slashes=False)
class Reminders(MethodView):
    """Open reminders."""

    @blp.response(200, NoticeboardsReminderSchema(many=True))
    @documents(blp, 401)
    def get(self):
        """List open reminders

        Reminders to publicists of stale boards the caller may read, with no update recorded
        since they were sent.
        """
        readable_boards = select(Board.id).where(svc.board_scope(caller()))
        return _scalars(svc.open_reminders().where(Reminder.board_id.in_(readable_boards))
                        .order_by(Reminder.sent_at.desc(), Reminder.id.desc()))
