"""Who may read and write what, staleness, photos, and the writes shared by pages and API.

- admin: everything (stations, boards, publicists, updates, trainings);
- leader: records updates of the boards of their team's village, and trainings whose attendees
  are all publicists of that village;
- reviewer: reads the boards, updates and trainings of their area subtree;
- member: reads the boards of their team's village.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, false, func, select, true

from core.plugin_api import (
    Area,
    AreaKind,
    FieldErrors,
    Member,
    Photo,
    Role,
    Team,
    User,
    clean_photo,
    clean_text,
    db,
    drop_photo,
    is_admin,
    send_photo,
    setting,
    store_photo,
    today,
    utcnow,
)
from plugins.noticeboards.models import (
    TRAINING_KINDS,
    Board,
    BoardUpdate,
    Reminder,
    Station,
    Training,
    training_attendees,
)

#: the plugin's name, and the folder of its photos: <instance>/uploads/noticeboards/
PLUGIN = "noticeboards"


# --- scopes --------------------------------------------------------------------------------


def _own_village_id(user: User) -> int | None:
    """The village of a leader's or member's team."""
    return user.team.village_id if user.team is not None else None


def village_scope(user: User, column) -> ColumnElement[bool]:
    """A WHERE clause keeping the villages (ids in ``column``) ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        return false() if user.area is None else column.in_(Area.subtree_ids(user.area))
    village_id = _own_village_id(user)
    return false() if village_id is None else column == village_id


def board_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Board``: the boards ``user`` may read."""
    return village_scope(user, Board.village_id)


def station_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Station``: the stations ``user`` may read."""
    return village_scope(user, Station.village_id)


def training_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Training``: those with an attendee from a village ``user`` reads."""
    if user.role == Role.ADMIN:
        return true()
    return exists(
        select(training_attendees.c.member_id)
        .join(Member, Member.id == training_attendees.c.member_id)
        .join(Team, Team.id == Member.team_id)
        .where(
            training_attendees.c.training_id == Training.id, village_scope(user, Team.village_id)
        )
    )


def may_write_some(user: User) -> bool:
    """Admins and the leaders of a team write (per-record checks follow)."""
    return is_admin(user) or (user.role == Role.LEADER and user.team_id is not None)


def may_write_village(user: User, village_id: int | None) -> bool:
    """True when ``user`` records updates and trainings for ``village_id``."""
    if is_admin(user):
        return True
    return (
        user.role == Role.LEADER and village_id is not None and _own_village_id(user) == village_id
    )


# --- staleness -----------------------------------------------------------------------------


def stale_days() -> int:
    """The configured ``stale_board_days``."""
    return int(setting("stale_board_days"))


def last_updates(board_ids, until: date | None = None) -> dict[int, date | None]:
    """The day of the latest update of each board (``None`` if never), up to ``until``."""
    ids = list(board_ids)
    last = dict.fromkeys(ids, None)
    if ids:
        query = (
            select(BoardUpdate.board_id, func.max(BoardUpdate.updated_on))
            .where(BoardUpdate.board_id.in_(ids))
            .group_by(BoardUpdate.board_id)
        )
        if until is not None:
            query = query.where(BoardUpdate.updated_on <= until)
        last.update(db.session.execute(query).tuples().all())
    return last


def since(board: Board, last: date | None) -> date:
    """The day staleness counts from: the last update, or the day the board was added."""
    return last if last is not None else board.created_at.date()


def is_stale(start: date, on: date | None = None, days: int | None = None) -> bool:
    """True when nothing went up on the board for ``days`` since ``start``."""
    days = stale_days() if days is None else days
    return (on or today()) - start >= timedelta(days=days)


def stale_board_ids(where: ColumnElement[bool], on: date | None = None) -> set[int]:
    """The ids of the boards matching ``where`` that count as stale ``on`` (default today).

    Two queries whatever the number of boards, so lists can filter and count by staleness
    before they are paginated.
    """
    rows = db.session.execute(select(Board.id, Board.created_at).where(where)).tuples().all()
    last = last_updates(board_id for board_id, _created in rows)
    days = stale_days()
    return {
        board_id
        for board_id, created in rows
        if is_stale(last[board_id] or created.date(), on, days)
    }


def open_reminders():
    """A SELECT of the reminders with no update recorded after them."""
    newer = exists(
        select(BoardUpdate.id).where(
            BoardUpdate.board_id == Reminder.board_id, BoardUpdate.created_at > Reminder.sent_at
        )
    )
    return select(Reminder).where(~newer)


def remind_stale_publicists(on: date | None = None) -> int:
    """Record a reminder for each stale board's publicist, once per staleness period.

    A board with an open reminder (no update recorded since it was sent) is skipped, so the
    publicist is reminded again only after a new update and new staleness. A publicist with a
    user account also finds the reminder in their inbox (once per board and period). Commits;
    returns how many reminders were made.
    """
    from flask_babel import gettext

    from core.plugin_api import notify, path_for

    on = on or today()
    days = stale_days()
    boards = db.session.scalars(select(Board).where(Board.publicist_id.is_not(None))).all()
    last = last_updates(b.id for b in boards)
    reminded = set(db.session.scalars(open_reminders().with_only_columns(Reminder.board_id)))
    made = []
    for board in boards:
        start = since(board, last[board.id])
        if board.id in reminded or not is_stale(start, on, days):
            continue
        reminder = Reminder(
            board_id=board.id,
            member_id=board.publicist_id,
            due_since=start + timedelta(days=days),
            sent_at=utcnow(),
        )
        db.session.add(reminder)
        made.append((board, reminder))
    db.session.commit()
    member_ids = {board.publicist_id for board, _reminder in made}
    users = db.session.scalars(
        select(User).where(User.member_id.in_(member_ids)).order_by(User.id)
    ).all()
    for board, reminder in made:
        notify(
            [user for user in users if user.member_id == board.publicist_id],
            lambda user, board=board: gettext("Noticeboard to update: %(name)s", name=board.name),
            lambda user, board=board: gettext(
                "Nothing has been put up on %(name)s since %(day)s. Please update it.",
                name=board.name,
                day=since(board, last[board.id]).isoformat(),
            ),
            url=path_for("noticeboards.board", board_id=board.id),
            key=f"noticeboards-stale:{board.id}:{reminder.due_since.isoformat()}",
        )
    return len(made)


# --- photos --------------------------------------------------------------------------------


def check_photo(data: bytes) -> Photo:
    """A photo's bytes checked and saved again, at most ``max_photo_kb``; ``FieldErrors``
    (field ``photo``) if refused."""
    return clean_photo(data, int(setting("max_photo_kb")))


def photo_response(update: BoardUpdate, thumbnail: bool = False):
    """An update's photo (or its thumbnail), never cached by shared caches; 404 without one."""
    return send_photo(PLUGIN, update.photo, update.photo_type, thumbnail)


# --- writes --------------------------------------------------------------------------------


def _village(errors: dict, village_id: int | None) -> Area | None:
    """The village ``village_id``, or an error on ``village_id``."""
    area = db.session.get(Area, village_id) if village_id else None
    if area is None or area.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a village.")]
        return None
    return area


@dataclass
class StationInput:
    """What a station is made of."""

    village_id: int | None
    name: str
    place: str = ""


def save_station(data: StationInput, station: Station | None = None) -> Station:
    """Create (or change) a station; admins only. Commits."""
    errors: dict = {}
    _village(errors, data.village_id)
    name = clean_text(errors, "name", data.name, 120, required=True)
    place = clean_text(errors, "place", data.place, 200)
    if errors:
        raise FieldErrors(errors)
    station = station or Station()
    station.village_id, station.name, station.place = data.village_id, name, place
    db.session.add(station)
    db.session.commit()
    return station


@dataclass
class BoardInput:
    """What a board is made of (``village_id`` is taken from the station when there is one)."""

    name: str
    village_id: int | None = None
    station_id: int | None = None
    location: str = ""
    publicist_id: int | None = None


def publicist_candidates(village_id: int | None):
    """A SELECT of the live members of teams of ``village_id``, young officials first."""
    return (
        select(Member)
        .join(Team, Team.id == Member.team_id)
        .where(
            Team.village_id == village_id, Member.deleted_at.is_(None), Team.deleted_at.is_(None)
        )
        .order_by(Member.is_young_official.desc(), Member.name, Member.id)
    )


def save_board(data: BoardInput, board: Board | None = None) -> Board:
    """Create (or change) a board; admins only. Commits.

    A publicist must be a member of a team of the board's village. One who is not a young
    village official is accepted but flagged on the pages (the sources train young officials).
    """
    errors: dict = {}
    village_id = data.village_id
    if data.station_id:
        station = db.session.get(Station, data.station_id)
        if station is None:
            errors["station_id"] = [_("Choose an existing station.")]
        else:
            village_id = station.village_id
    _village(errors, village_id)
    name = clean_text(errors, "name", data.name, 120, required=True)
    location = clean_text(errors, "location", data.location, 200)
    if data.publicist_id and "village_id" not in errors:
        ok = db.session.scalar(
            publicist_candidates(village_id)
            .where(Member.id == data.publicist_id)
            .with_only_columns(Member.id)
        )
        if ok is None:
            errors["publicist_id"] = [_("Choose a member of a team of the board's village.")]
    if errors:
        raise FieldErrors(errors)
    board = board or Board()
    board.village_id, board.station_id = village_id, data.station_id or None
    board.name, board.location = name, location
    board.publicist_id = data.publicist_id or None
    db.session.add(board)
    db.session.commit()
    return board


@dataclass
class UpdateInput:
    """One update of a board; ``photo`` holds the uploaded bytes, if any."""

    updated_on: date | None
    title: str
    summary: str = ""
    photo: bytes | None = None


def _checked_update(data: UpdateInput) -> tuple[str, str, Photo | None]:
    """The cleaned title, summary and photo of ``data``; ``FieldErrors`` if bad."""
    errors: dict = {}
    if data.updated_on is None:
        errors["updated_on"] = [_("Enter the day of the update.")]
    elif data.updated_on > today():
        errors["updated_on"] = [_("The day cannot be in the future.")]
    title = clean_text(errors, "title", data.title, 200, required=True)
    summary = clean_text(errors, "summary", data.summary, 4000)
    photo = None
    if data.photo:
        try:
            photo = check_photo(data.photo)
        except FieldErrors as exc:
            errors.update(exc.errors)
    if errors:
        raise FieldErrors(errors)
    return title, summary, photo


def add_update(user: User, board: Board, data: UpdateInput) -> BoardUpdate:
    """Record an update of ``board`` by ``user`` (checked by the caller). Commits."""
    title, summary, photo = _checked_update(data)
    update = BoardUpdate(
        board_id=board.id,
        updated_on=data.updated_on,
        title=title,
        summary=summary,
        recorded_by_id=user.id,
    )
    if photo:
        update.photo, update.photo_type = store_photo(PLUGIN, photo), photo.media_type
    db.session.add(update)
    db.session.commit()
    return update


def may_write_update(user: User, update: BoardUpdate) -> bool:
    """The rule of recording an update: admins, and leaders of the board's village."""
    return may_write_village(user, update.board.village_id)


def _drop_file(name: str | None) -> None:
    """Remove a stored photo and its thumbnail (nothing when there is none)."""
    drop_photo(PLUGIN, name)


def change_update(
    update: BoardUpdate, data: UpdateInput, remove_photo: bool = False
) -> BoardUpdate:
    """Correct an update (checked by the caller); a new photo replaces the old one and
    ``remove_photo`` drops it. Commits; the old file goes once the change is stored."""
    title, summary, photo = _checked_update(data)
    old = update.photo
    update.updated_on, update.title, update.summary = data.updated_on, title, summary
    if photo:
        update.photo, update.photo_type = store_photo(PLUGIN, photo), photo.media_type
    elif remove_photo:
        update.photo = update.photo_type = None
    db.session.commit()
    if old != update.photo:
        _drop_file(old)
    return update


def set_photo(update: BoardUpdate, data: bytes | None) -> BoardUpdate:
    """Give an update a photo, replacing any earlier one (the limits of ``check_photo``)."""
    if not data:
        raise FieldErrors({"photo": [_("Choose a photo to upload.")]})
    photo = check_photo(data)
    old = update.photo
    update.photo, update.photo_type = store_photo(PLUGIN, photo), photo.media_type
    db.session.commit()
    _drop_file(old)
    return update


def remove_photo(update: BoardUpdate) -> BoardUpdate:
    """Take an update's photo away (nothing happens without one). Commits."""
    old = update.photo
    update.photo = update.photo_type = None
    db.session.commit()
    _drop_file(old)
    return update


def delete_update(update: BoardUpdate, user: User | None) -> None:
    """Delete an update recorded by mistake: soft, with who and when, so an admin can restore
    it with its photo. Commits."""
    update.soft_delete(user)
    db.session.commit()


@dataclass
class TrainingInput:
    """A training session and its attendees (member ids)."""

    held_on: date | None
    topic: str
    hours: Decimal | float | str | None
    kind: str
    trainer: str = ""
    attendee_ids: list[int] = field(default_factory=list)


def publicists_for(user: User):
    """A SELECT of the members who may attend a training ``user`` records: the publicists of
    boards (all for admins, those of the leader's village for leaders)."""
    query = (
        select(Member)
        .join(Board, Board.publicist_id == Member.id)
        .where(Member.deleted_at.is_(None))
        .distinct()
        .order_by(Member.name, Member.id)
    )
    if not is_admin(user):
        village_id = _own_village_id(user) if user.role == Role.LEADER else None
        query = query.where(Board.village_id == village_id if village_id else false())
    return query


def may_write_training(user: User, training: Training) -> bool:
    """The rule of recording a training, for one already recorded: admins, and leaders who may
    train every one of its attendees (the publicists of their own village)."""
    if is_admin(user):
        return True
    if not may_write_some(user):
        return False
    ids = {m.id for m in training.attendees}
    allowed = set(
        db.session.scalars(
            publicists_for(user)
            .where(Member.id.in_(ids))
            .with_only_columns(Member.id)
            .order_by(None)
        )
    )
    return bool(ids) and ids <= allowed


def _checked_training(user: User, data: TrainingInput) -> tuple[str, Decimal, str, list]:
    """The cleaned topic, hours, trainer and attendees of ``data``; ``FieldErrors`` if bad."""
    errors: dict = {}
    if data.held_on is None:
        errors["held_on"] = [_("Enter the day of the training.")]
    elif data.held_on > today():
        errors["held_on"] = [_("The day cannot be in the future.")]
    topic = clean_text(errors, "topic", data.topic, 200, required=True)
    trainer = clean_text(errors, "trainer", data.trainer, 120)
    try:
        hours = Decimal(str(data.hours)).quantize(Decimal("0.1"))
        if not Decimal("0.5") <= hours <= Decimal("100"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = [_("Enter the hours, from 0.5 to 100.")]
    if data.kind not in TRAINING_KINDS:
        errors["kind"] = [_("Choose on site or remote education.")]
    ids = sorted(set(data.attendee_ids or []))
    members = []
    if not ids:
        errors["attendee_ids"] = [_("Choose at least one publicist.")]
    else:
        members = db.session.scalars(publicists_for(user).where(Member.id.in_(ids))).all()
        if len(members) != len(ids):
            errors["attendee_ids"] = [_("Choose publicists of boards you may record for.")]
    if errors:
        raise FieldErrors(errors)
    return topic, hours, trainer, list(members)


def add_training(user: User, data: TrainingInput) -> Training:
    """Record a training; the attendees must be publicists ``user`` may train. Commits."""
    topic, hours, trainer, members = _checked_training(user, data)
    training = Training(
        held_on=data.held_on,
        topic=topic,
        hours=hours,
        trainer=trainer,
        kind=data.kind,
        attendees=members,
    )
    db.session.add(training)
    db.session.commit()
    return training


def change_training(user: User, training: Training, data: TrainingInput) -> Training:
    """Correct a training (``may_write_training`` checked by the caller); the same checks as
    recording one apply to the new values. Commits."""
    topic, hours, trainer, members = _checked_training(user, data)
    training.held_on, training.topic, training.hours = data.held_on, topic, hours
    training.trainer, training.kind, training.attendees = trainer, data.kind, members
    db.session.commit()
    return training


def delete_training(training: Training, user: User | None) -> None:
    """Delete a training recorded by mistake: soft, with who and when and its attendance
    kept, so an admin can restore it. Commits."""
    training.soft_delete(user)
    db.session.commit()
