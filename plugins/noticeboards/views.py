"""The noticeboards pages, under /plugins/noticeboards/."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage
from wtforms.fields import SelectChoice

from core.plugin_api import (
    Area,
    FieldErrors,
    Member,
    Team,
    db,
    get_readable_or_404,
    is_admin,
    may_open_module,
    page_of,
    placeholder,
    require,
    require_admin,
    show_errors,
    today,
    village_choices,
)
from plugins.noticeboards import services as svc
from plugins.noticeboards.forms import (
    BoardForm,
    StationForm,
    TrainingForm,
    UpdateEditForm,
    UpdateForm,
)
from plugins.noticeboards.models import (
    Board,
    BoardUpdate,
    Reminder,
    Station,
    Training,
)

#: pages, mounted by the core at /plugins/noticeboards
bp = Blueprint(
    "noticeboards",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user who may see the module."""
    require(may_open_module(current_user))


def kind_labels() -> dict[str, str]:
    """The training kinds, labelled in the user's language."""
    return {"on_site": _("On site"), "remote": _("Remote education")}


def _board_rows(boards):
    """Boards with last update, stale flag and open reminder count, for a list."""
    last = svc.last_updates(b.id for b in boards)
    reminders = (
        dict(
            db.session.execute(
                svc.open_reminders()
                .with_only_columns(Reminder.board_id, func.count(Reminder.id))
                .where(Reminder.board_id.in_([b.id for b in boards]))
                .group_by(Reminder.board_id)
            )
            .tuples()
            .all()
        )
        if boards
        else {}
    )
    days = svc.stale_days()
    return [
        {
            "board": b,
            "last": last[b.id],
            "reminders": reminders.get(b.id, 0),
            "stale": svc.is_stale(svc.since(b, last[b.id]), days=days),
        }
        for b in boards
    ]


@bp.route("/")
def index():
    """Boards in the user's scope, a page at a time, with their last update, stale flags and
    open reminders; the figures count every board in scope."""
    scope = svc.board_scope(current_user)
    filters: dict[str, object] = {}
    village = request.args.get("village", type=int)
    if village:
        scope = and_(scope, Board.village_id == village)
        filters["village"] = village
    stale_ids = svc.stale_board_ids(scope)
    total = db.session.scalar(select(func.count(Board.id)).where(scope))
    open_count = db.session.scalar(
        svc.open_reminders()
        .with_only_columns(func.count(Reminder.id))
        .where(Reminder.board_id.in_(select(Board.id).where(scope)))
    )
    query = (
        select(Board)
        .join(Area, Area.id == Board.village_id)
        .where(scope)
        .options(joinedload(Board.village), joinedload(Board.station), joinedload(Board.publicist))
        .order_by(Area.name, Board.name, Board.id)
    )
    stale_only = request.args.get("stale") == "1"
    if stale_only:
        query = query.where(Board.id.in_(stale_ids))
        filters["stale"] = 1
    page = page_of(query)
    stations = db.session.scalar(
        select(func.count(Station.id)).where(svc.station_scope(current_user))
    )
    return render_template(
        "noticeboards/index.html",
        rows=_board_rows(page.items),
        page=page,
        filters=filters,
        total=total,
        stale_count=len(stale_ids),
        stations=stations,
        open_count=open_count,
        stale_only=stale_only,
        days=svc.stale_days(),
        is_admin=is_admin(current_user),
        may_train=svc.may_write_some(current_user),
    )


@bp.route("/stations")
def stations():
    """The stations in the user's scope and their boards."""
    rows = db.session.scalars(
        select(Station)
        .join(Area, Area.id == Station.village_id)
        .where(svc.station_scope(current_user))
        .options(joinedload(Station.village))
        .order_by(Area.name, Station.name)
    ).all()
    counts = dict(
        db.session.execute(
            select(Board.station_id, func.count(Board.id))
            .where(Board.station_id.is_not(None))
            .group_by(Board.station_id)
        )
        .tuples()
        .all()
    )
    return render_template(
        "noticeboards/stations.html", stations=rows, counts=counts, is_admin=is_admin(current_user)
    )


def _form_page(form, title, cancel, multipart=False):
    """Render the shared form template."""
    return render_template(
        "noticeboards/form.html", form=form, title=title, cancel=cancel, multipart=multipart
    )


@bp.route("/stations/new", methods=["GET", "POST"], defaults={"station_id": None})
@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
def station_form(station_id):
    """Create or edit a station (admins)."""
    require_admin(current_user)
    station = (
        get_readable_or_404(Station, station_id, svc.station_scope(current_user))
        if station_id
        else None
    )
    form = StationForm(obj=station)
    form.village_id.choices = village_choices()
    if form.validate_on_submit():
        try:
            svc.save_station(
                svc.StationInput(form.village_id.data, form.name.data, form.place.data or ""),
                station,
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Station saved."), "success")
            return redirect(url_for("noticeboards.stations"))
    title = _("Edit %(name)s", name=station.name) if station else _("New station")
    return _form_page(form, title, url_for("noticeboards.stations"))


def _publicist_choices(board: Board | None) -> list[SelectChoice]:
    """Members of the board's village (or young officials anywhere, for a new board)."""
    query = (
        select(Member, Area.name)
        .join(Team, Team.id == Member.team_id)
        .join(Area, Area.id == Team.village_id)
        .where(Member.deleted_at.is_(None), Team.deleted_at.is_(None))
    )
    if board is not None:
        query = query.where(Team.village_id == board.village_id)
    else:
        query = query.where(Member.is_young_official.is_(True))
    rows = db.session.execute(
        query.order_by(Area.name, Member.is_young_official.desc(), Member.name)
    ).all()
    young = _("young official")
    return [placeholder(_("No publicist"))] + [
        SelectChoice(
            str(m.id), f"{m.name} ({young})" if m.is_young_official else m.name, optgroup=village
        )
        for m, village in rows
    ]


@bp.route("/boards/new", methods=["GET", "POST"], defaults={"board_id": None})
@bp.route("/boards/<int:board_id>/edit", methods=["GET", "POST"])
def board_form(board_id):
    """Create or edit a board and choose its publicist (admins)."""
    require_admin(current_user)
    board = (
        get_readable_or_404(Board, board_id, svc.board_scope(current_user)) if board_id else None
    )
    form = BoardForm(obj=board)
    stations = db.session.execute(
        select(Station, Area.name)
        .join(Area, Area.id == Station.village_id)
        .order_by(Area.name, Station.name)
    ).all()
    form.station_id.choices = [placeholder(_("No station"))] + [
        SelectChoice(str(s.id), s.name, optgroup=v) for s, v in stations
    ]
    form.village_id.choices = village_choices()
    form.publicist_id.choices = _publicist_choices(board)
    if form.validate_on_submit():
        data = svc.BoardInput(
            form.name.data,
            form.village_id.data,
            form.station_id.data,
            form.location.data or "",
            form.publicist_id.data,
        )
        try:
            board = svc.save_board(data, board)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            if board.publicist is not None and not board.publicist.is_young_official:
                flash(
                    _(
                        "%(name)s is not a young village official; the board is flagged.",
                        name=board.publicist.name,
                    ),
                    "info",
                )
            flash(_("Board saved."), "success")
            return redirect(url_for("noticeboards.board", board_id=board.id))
    title = _("Edit %(name)s", name=board.name) if board else _("New board")
    cancel = (
        url_for("noticeboards.board", board_id=board.id) if board else url_for("noticeboards.index")
    )
    return _form_page(form, title, cancel)


@bp.route("/boards/<int:board_id>")
def board(board_id):
    """A board: its publicist, open reminders and updates."""
    board = get_readable_or_404(Board, board_id, svc.board_scope(current_user))
    updates = db.session.scalars(
        select(BoardUpdate)
        .where(BoardUpdate.board_id == board.id)
        .order_by(BoardUpdate.updated_on.desc(), BoardUpdate.id.desc())
        .limit(100)
    ).all()
    reminders = db.session.scalars(
        svc.open_reminders()
        .where(Reminder.board_id == board.id)
        .options(joinedload(Reminder.member))
        .order_by(Reminder.sent_at.desc())
    ).all()
    last = svc.last_updates([board.id])[board.id]
    return render_template(
        "noticeboards/board.html",
        board=board,
        updates=updates,
        reminders=reminders,
        last=last,
        stale=svc.is_stale(svc.since(board, last)),
        days=svc.stale_days(),
        may_update=svc.may_write_village(current_user, board.village_id),
        is_admin=is_admin(current_user),
    )


@bp.route("/boards/<int:board_id>/updates/new", methods=["GET", "POST"])
def new_update(board_id):
    """Record an update of a board (admins; leaders of the board's village)."""
    board = get_readable_or_404(Board, board_id, svc.board_scope(current_user))
    require(svc.may_write_village(current_user, board.village_id))
    form = UpdateForm(data={"updated_on": today()})  # as a visit's: today unless changed
    form.updated_on.render_kw = {"max": today().isoformat()}
    if form.validate_on_submit():
        data = svc.UpdateInput(
            form.updated_on.data, form.title.data, form.summary.data or "", _photo_bytes(form.photo)
        )
        try:
            svc.add_update(current_user, board, data)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Update recorded."), "success")
            return redirect(url_for("noticeboards.board", board_id=board.id))
    return _form_page(
        form,
        _("Update of %(name)s", name=board.name),
        url_for("noticeboards.board", board_id=board.id),
        multipart=True,
    )


def _photo_bytes(field) -> bytes | None:
    """The bytes of the file uploaded in ``field``, or ``None`` when no file was sent."""
    return field.data.read() if isinstance(field.data, FileStorage) and field.data else None


def _readable_update(update_id: int) -> BoardUpdate:
    """The update when the user may read its board (404 unknown, 403 out of scope)."""
    return get_readable_or_404(
        BoardUpdate,
        update_id,
        BoardUpdate.board_id.in_(select(Board.id).where(svc.board_scope(current_user))),
    )


def _writable_update(update_id: int) -> BoardUpdate:
    """The update when the user may also change it (the rule of recording one)."""
    update = _readable_update(update_id)
    require(svc.may_write_update(current_user, update))
    return update


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
def edit_update(update_id):
    """Correct an update, replace or remove its photo (whoever may record the board's
    updates)."""
    update = _writable_update(update_id)
    form = UpdateEditForm(obj=update)
    back = url_for("noticeboards.board", board_id=update.board_id)
    if form.validate_on_submit():
        data = svc.UpdateInput(
            form.updated_on.data, form.title.data, form.summary.data or "", _photo_bytes(form.photo)
        )
        try:
            svc.change_update(update, data, remove_photo=form.remove_photo.data)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Update saved."), "success")
            return redirect(back)
    if not update.photo:
        del form.remove_photo
    return _form_page(form, _("Edit %(name)s", name=update.title), back, multipart=True)


@bp.route("/updates/<int:update_id>/delete", methods=["GET", "POST"])
def delete_update(update_id):
    """Confirm, then delete an update recorded by mistake (and its photo)."""
    update = _writable_update(update_id)
    back = url_for("noticeboards.board", board_id=update.board_id)
    if request.method == "POST":
        svc.delete_update(update, current_user)
        flash(_("Update deleted."), "success")
        return redirect(back)
    return render_template(
        "confirm.html",
        title=_("Delete the update %(name)s?", name=update.title),
        text=_(
            "The update and its photo disappear from every list (an admin can restore "
            "them); the board's last update is worked out again from the others."
        ),
        back=back,
    )


@bp.route("/updates/<int:update_id>/photo")
def photo(update_id):
    """An update's photo, for users who may read its board (never a static path); its
    thumbnail with ``?thumbnail=1``."""
    update = _readable_update(update_id)
    return svc.photo_response(update, thumbnail=request.args.get("thumbnail") == "1")


@bp.route("/trainings")
def trainings():
    """Training records of publicists in the user's scope, newest first."""
    rows = db.session.scalars(
        select(Training)
        .where(svc.training_scope(current_user))
        .options(selectinload(Training.attendees))
        .order_by(Training.held_on.desc(), Training.id.desc())
        .limit(200)
    ).all()
    may_train = svc.may_write_some(current_user)
    editable = {t.id for t in rows if may_train and svc.may_write_training(current_user, t)}
    return render_template(
        "noticeboards/trainings.html",
        trainings=rows,
        kinds=kind_labels(),
        may_train=may_train,
        editable=editable,
    )


def _training_form(training: Training | None) -> TrainingForm:
    """The training form with its choices: the publicists the user may train."""
    form = TrainingForm(obj=training, data=None if training else {"held_on": today()})
    form.kind.choices = [placeholder()] + [SelectChoice(k, v) for k, v in kind_labels().items()]
    people = db.session.execute(
        svc.publicists_for(current_user)
        .join(Area, Area.id == Board.village_id)
        .with_only_columns(Member.id, Member.name, Area.name)
        .order_by(None)
        .order_by(Area.name, Member.name, Member.id)
    ).all()
    form.attendee_ids.choices = [SelectChoice(i, n, optgroup=v) for i, n, v in people]
    if training is not None and request.method == "GET":
        form.attendee_ids.data = [m.id for m in training.attendees]
    return form


def _training_input(form: TrainingForm) -> svc.TrainingInput:
    """The service input of a valid training form."""
    return svc.TrainingInput(
        form.held_on.data,
        form.topic.data,
        form.hours.data,
        form.kind.data,
        form.trainer.data or "",
        list(form.attendee_ids.data or []),
    )


@bp.route("/trainings/new", methods=["GET", "POST"])
def new_training():
    """Record a training (admins: any publicists; leaders: their village's publicists)."""
    require(svc.may_write_some(current_user))
    form = _training_form(None)
    if form.validate_on_submit():
        try:
            svc.add_training(current_user, _training_input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Training recorded."), "success")
            return redirect(url_for("noticeboards.trainings"))
    return _form_page(form, _("New training"), url_for("noticeboards.trainings"))


def _writable_training(training_id: int) -> Training:
    """The training when the user may read and change it (the rule of recording one)."""
    training = get_readable_or_404(Training, training_id, svc.training_scope(current_user))
    require(svc.may_write_training(current_user, training))
    return training


@bp.route("/trainings/<int:training_id>/edit", methods=["GET", "POST"])
def edit_training(training_id):
    """Correct a training (admins; leaders when every attendee is their village's)."""
    training = _writable_training(training_id)
    form = _training_form(training)
    if form.validate_on_submit():
        try:
            svc.change_training(current_user, training, _training_input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Training saved."), "success")
            return redirect(url_for("noticeboards.trainings"))
    return _form_page(
        form, _("Edit %(name)s", name=training.topic), url_for("noticeboards.trainings")
    )


@bp.route("/trainings/<int:training_id>/delete", methods=["GET", "POST"])
def delete_training(training_id):
    """Confirm, then delete a training recorded by mistake."""
    training = _writable_training(training_id)
    back = url_for("noticeboards.trainings")
    if request.method == "POST":
        svc.delete_training(training, current_user)
        flash(_("Training deleted."), "success")
        return redirect(back)
    return render_template(
        "confirm.html",
        title=_("Delete the training %(name)s?", name=training.topic),
        text=_(
            "The training and its list of attendees disappear from every list; an admin can "
            "restore them."
        ),
        back=back,
    )
