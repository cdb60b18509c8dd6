"""/api/v1/plugins/noticeboards: stations, boards, updates, trainings and open reminders.

Admins write stations and boards; admins and the leaders of a board's village record, correct
and delete updates (and their photos) and trainings; everyone reads what their scope allows.
"""

from flask import request
from flask.views import MethodView
from sqlalchemy import select

from core.plugin_api import (
    Area,
    api_blueprint,
    caller,
    db,
    documents,
    filter_args,
    item_rule,
    paginate,
    patched,
    readable,
    require,
    require_admin,
    save,
    save_upload,
)
from plugins.noticeboards import services as svc
from plugins.noticeboards.models import Board, BoardUpdate, Reminder, Station, Training
from plugins.noticeboards.schemas import (
    PHOTO_UPLOAD_BODY,
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
    NoticeboardsTrainingPatchSchema,
    NoticeboardsTrainingSchema,
    NoticeboardsUpdateInputSchema,
    NoticeboardsUpdatePatchSchema,
    NoticeboardsUpdateSchema,
)

blp = api_blueprint(
    "noticeboards_api",
    __name__,
    "Noticeboards: stations, boards, updates and publicist training.",
    may_write=svc.may_write_some,
)


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
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List boards

        The boards the caller may read, with their last update and stale flag, by village
        name. ``area``: inside the area's subtree; ``stale``: only stale (or only fresh) boards.
        """
        query = (
            select(Board)
            .join(Area, Area.id == Board.village_id)
            .where(svc.board_scope(caller()))
            .order_by(Area.name, Board.name, Board.id)
        )
        query = filter_args(query, args, area=Board.village_id)
        if "stale" in args:
            stale = Board.id.in_(svc.stale_board_ids(query.whereclause))
            query = query.where(stale if args["stale"] else ~stale)
        return query

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
        stored = {
            "name": board.name,
            "village_id": board.village_id,
            "station_id": board.station_id,
            "location": board.location,
            "publicist_id": board.publicist_id,
        }
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
        return (
            select(BoardUpdate)
            .where(BoardUpdate.board_id == board.id)
            .order_by(BoardUpdate.updated_on.desc(), BoardUpdate.id.desc())
        )

    @blp.arguments(NoticeboardsUpdateInputSchema)
    @blp.response(201, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404)
    def post(self, data, board_id):
        """Record an update of a board (admin, or a leader of the board's village)"""
        board = readable(Board, board_id, svc.board_scope)
        require(svc.may_write_village(caller(), board.village_id))
        return save(svc.add_update, caller(), board, svc.UpdateInput(**data))


def _writable_update(update_id: int) -> BoardUpdate:
    """The update when the caller may read its board and record its updates (404 / 403)."""
    update = readable(
        BoardUpdate,
        update_id,
        lambda user: BoardUpdate.board_id.in_(select(Board.id).where(svc.board_scope(user))),
    )
    require(svc.may_write_update(caller(), update))
    return update


@blp.route("/updates" + item_rule("update_id"))
class UpdateById(MethodView):
    """One update of a board."""

    @blp.response(200, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404)
    def get(self, update_id):
        """Get an update"""
        return readable(
            BoardUpdate,
            update_id,
            lambda user: BoardUpdate.board_id.in_(select(Board.id).where(svc.board_scope(user))),
        )

    @blp.arguments(NoticeboardsUpdatePatchSchema(partial=True))
    @blp.response(200, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, update_id):
        """Correct an update (admin, or a leader of the board's village)

        Fields left out keep their value; the photo stays (see ``/photo``).
        """
        update = _writable_update(update_id)
        stored = {"updated_on": update.updated_on, "title": update.title, "summary": update.summary}
        return save(svc.change_update, update, svc.UpdateInput(**(stored | data)))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, update_id):
        """Delete an update recorded by mistake (admin, or a leader of the board's village)

        The update and its photo disappear from every list and figure; an admin can restore
        them (``POST /api/v1/deleted/noticeboards_updates/{id}/restore``).
        """
        save(svc.delete_update, _writable_update(update_id), caller())


@blp.route("/updates" + item_rule("update_id", "/photo"))
class UpdatePhoto(MethodView):
    """The photo of an update."""

    @blp.doc(requestBody=PHOTO_UPLOAD_BODY)
    @blp.response(200, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404, 422)
    def put(self, update_id):
        """Upload or replace an update's photo (admin, or a leader of the board's village)

        A multipart/form-data request with the file in the field ``photo``; the same size
        and type limits as the pages apply (422 naming ``photo`` otherwise).
        """
        update = _writable_update(update_id)
        upload = request.files.get("photo")
        data = upload.read() if upload is not None else None
        return save_upload(svc.set_photo, update, data)

    @blp.response(200, NoticeboardsUpdateSchema)
    @documents(blp, 401, 403, 404)
    def delete(self, update_id):
        """Remove an update's photo (admin, or a leader of the board's village)"""
        return save(svc.remove_photo, _writable_update(update_id))


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
        query = (
            select(Training)
            .where(svc.training_scope(caller()))
            .order_by(Training.held_on.desc(), Training.id.desc())
        )
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


def _writable_training(training_id: int) -> Training:
    """The training when the caller may read it and train all its attendees (404 / 403)."""
    training = readable(Training, training_id, svc.training_scope)
    require(svc.may_write_training(caller(), training))
    return training


@blp.route("/trainings" + item_rule("training_id"))
class TrainingById(MethodView):
    """One training."""

    @blp.response(200, NoticeboardsTrainingSchema)
    @documents(blp, 401, 403, 404)
    def get(self, training_id):
        """Get a training"""
        return readable(Training, training_id, svc.training_scope)

    @blp.arguments(NoticeboardsTrainingPatchSchema(partial=True))
    @blp.response(200, NoticeboardsTrainingSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, training_id):
        """Correct a training (admin; a leader when every attendee is their village's)

        Fields left out keep their value; the checks of recording a training apply.
        """
        training = _writable_training(training_id)
        values = patched(
            svc.TrainingInput, training, data, attendee_ids=[m.id for m in training.attendees]
        )
        return save(svc.change_training, caller(), training, values)

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, training_id):
        """Delete a training recorded by mistake (same rule as correcting it)"""
        save(svc.delete_training, _writable_training(training_id), caller())


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
        return _scalars(
            svc.open_reminders()
            .where(Reminder.board_id.in_(readable_boards))
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        )
