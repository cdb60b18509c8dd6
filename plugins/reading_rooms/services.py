"""Reading rooms: who may read and write what, the writes, the CSV import, reports, rankings.

Shared by the pages, the API, the CLI command, the scheduled job and the review section.

Permissions:

- admins read and write everything (rooms, usage, imports, model rooms, commendations);
- reviewers read the rooms inside their area's subtree (and their usage, reports and
  year-end ranking);
- leaders read the rooms of their team's village and township, and enter the usage of their
  own village's room;
- members read the rooms of their team's village and township.

Usage is counted in a period when its record's whole period lies inside it. A room's periods
never overlap (a record overlapping another record of the room is refused), so nothing is
counted twice.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import joinedload

from core.plugin_api import (
    Area,
    AreaKind,
    Conflict,
    FieldErrors,
    Role,
    User,
    changes_since,
    clean_text,
    db,
    is_admin,
    may_review,
    month_bounds,
    previous_month,  # noqa: F401  (kept here: pages, API, jobs and demo read svc.previous_month)
    setting,
    stamp_position,
    today,
    utcnow,
)
from plugins.reading_rooms.models import Commendation, Report, Room, UsageRecord

PLUGIN = "reading_rooms"
#: largest count accepted for reads, downloads and active readers
MAX_COUNT = 10_000_000
#: the columns a CSV import needs (the first may be ``room_id`` or ``area``)
CSV_COLUMNS = ("period_start", "period_end", "reads", "downloads", "active_readers")
#: largest CSV accepted from the page and the API (bytes)
MAX_UPLOAD = 2 * 1024 * 1024


# --- who may do what ------------------------------------------------------------------------


def room_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Room`` selecting the rooms ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        return false() if user.area is None else area_subtree_clause(user.area)
    if user.team is None:
        return false()
    village = user.team.village
    ids = [village.id] + ([village.parent_id] if village.parent_id else [])
    return Room.area_id.in_(ids)


def may_enter_usage(user: User, room: Room) -> bool:
    """Admins enter usage for any room; a leader for the room of their own team's village."""
    if is_admin(user):
        return True
    return (
        user.role == Role.LEADER and user.team is not None and room.area_id == user.team.village_id
    )


def may_enter_some_usage(user: User) -> bool:
    """True for admins and leaders of a team (the API's write guard; records are checked)."""
    return is_admin(user) or (
        user.is_authenticated and user.role == Role.LEADER and user.team_id is not None
    )


# --- settings -------------------------------------------------------------------------------


def monthly_threshold() -> int:
    """``low_usage_threshold``: the least usage (reads + downloads) per month of a period."""
    return int(setting("low_usage_threshold"))


def commend_top_n() -> int:
    """``commend_top_n``: how many rooms the year-end ranking proposes (at least 1)."""
    return max(1, int(setting("commend_top_n")))


def months_in(start: date, end: date) -> int:
    """The calendar months the days ``start``..``end`` touch (at least 1)."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month + 1)


def period_threshold(start: date, end: date) -> int:
    """The threshold of a period: the monthly threshold times the months it touches."""
    return monthly_threshold() * months_in(start, end)


def parse_month(text: str) -> tuple[date, date] | None:
    """``YYYY-MM`` as the month's first and last day; None when it is not one."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if len(text.strip()) != 7:
            return None
        return month_bounds(year, month)
    except (TypeError, ValueError):
        return None


# --- rooms ----------------------------------------------------------------------------------


@dataclass
class RoomInput:
    """What a room form or API call gives."""

    area_id: int | None
    name: str
    place: str = ""
    opening_notes: str = ""


def save_room(data: RoomInput, room: Room | None = None) -> Room:
    """Create or change a room (admins); ``FieldErrors`` and nothing changed on bad input."""
    errors: dict[str, list[str]] = {}
    name = clean_text(errors, "name", data.name, 120, required=True)
    place = clean_text(errors, "place", data.place, 200)
    notes = clean_text(errors, "opening_notes", data.opening_notes, 500)
    area = db.session.get(Area, data.area_id) if data.area_id else None
    if area is None or area.kind not in (AreaKind.TOWNSHIP, AreaKind.VILLAGE):
        errors["area_id"] = [_("Choose a township or village.")]
    else:
        other = db.session.scalar(select(Room.id).where(Room.area_id == area.id))
        if other is not None and (room is None or other != room.id):
            errors["area_id"] = [_("This area already has a reading room.")]
    if errors:
        raise FieldErrors(errors)
    if room is None:
        room = Room()
        db.session.add(room)
    room.area_id, room.name, room.place, room.opening_notes = area.id, name, place, notes
    db.session.commit()
    return room


def set_model(room: Room, since: date | None) -> Room:
    """Mark ``room`` a county-level model room from ``since`` (None withdraws it); commits."""
    room.model_since = since
    db.session.commit()
    return room


# --- usage ----------------------------------------------------------------------------------


@dataclass
class UsageInput:
    """One usage record as a form, the API or a CSV row gives it."""

    room_id: int | None
    period_start: date | None
    period_end: date | None
    reads: int | None
    downloads: int | None
    active_readers: int | None


class AlreadyRecorded(Conflict):
    """Usage of the room and period is recorded already: replacing it must be asked for."""

    def __init__(self, record: UsageRecord):
        super().__init__(
            _(
                "Usage of this room from %(start)s to %(end)s is already recorded: %(reads)s "
                "reads, %(downloads)s downloads, %(readers)s active readers. Replace it "
                "explicitly to overwrite these figures.",
                start=record.period_start.isoformat(),
                end=record.period_end.isoformat(),
                reads=record.reads,
                downloads=record.downloads,
                readers=record.active_readers,
            )
        )
        self.record = record


def _check_usage(data: UsageInput, errors: dict[str, list[str]]) -> None:
    """Note what is wrong with the values of ``data`` (not the database checks)."""
    if data.period_start is None:
        errors["period_start"] = [_("Enter the first day of the period.")]
    elif data.period_start > today():
        errors["period_start"] = [
            _(
                "Usage cannot be entered for a period that has not begun (today is %(day)s).",
                day=today().isoformat(),
            )
        ]
    if data.period_end is None:
        errors["period_end"] = [_("Enter the last day of the period.")]
    if data.period_start and data.period_end and data.period_end < data.period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    for name in ("reads", "downloads", "active_readers"):
        value = getattr(data, name)
        if value is None:
            errors[name] = [_("Enter a whole number.")]
        elif not 0 <= value <= MAX_COUNT:
            errors[name] = [_("Enter a number from 0 to %(max)s.", max=MAX_COUNT)]


def _overlap(data: UsageInput, records: list[tuple[int, date, date]]) -> tuple[date, date] | None:
    """A period among ``records`` (id, start, end) that overlaps ``data``'s but is not it."""
    for _id, start, end in records:
        same = (start, end) == (data.period_start, data.period_end)
        if not same and start <= data.period_end and data.period_start <= end:
            return start, end
    return None


def save_usage(
    data: UsageInput,
    user: User | None,
    record: UsageRecord | None = None,
    replace: bool = False,
) -> UsageRecord:
    """Enter (or correct) a usage record.

    Raises ``FieldErrors`` (nothing changed) for bad values, an unknown room, a room the user
    may not enter usage for, a period not begun yet, or a period overlapping another period of
    the room; :class:`AlreadyRecorded` when a new entry names a room and period recorded
    already, unless ``replace`` asks to overwrite its figures.
    """
    errors: dict[str, list[str]] = {}
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if room is None:
        errors["room_id"] = [_("Choose an existing reading room.")]
    elif user is not None and not may_enter_usage(user, room):
        errors["room_id"] = [_("You may enter usage only for the room of your own village.")]
    _check_usage(data, errors)
    if not errors:
        others = (
            db.session.execute(
                select(UsageRecord.id, UsageRecord.period_start, UsageRecord.period_end).where(
                    UsageRecord.room_id == room.id
                )
            )
            .tuples()
            .all()
        )
        if record is not None:
            others = [row for row in others if row[0] != record.id]
        clash = _overlap(data, others)
        if clash:
            errors["period_start"] = [_overlap_message(clash)]
    if errors:
        raise FieldErrors(errors)
    if record is None:
        record = db.session.scalar(
            select(UsageRecord).where(
                UsageRecord.room_id == room.id,
                UsageRecord.period_start == data.period_start,
                UsageRecord.period_end == data.period_end,
            )
        )
        if record is not None and not replace:
            raise AlreadyRecorded(record)
    if record is None:
        record = UsageRecord()
        db.session.add(record)
    _apply(record, room.id, data, user)
    db.session.commit()
    return record


def _overlap_message(clash: tuple[date, date]) -> str:
    """The error of a period overlapping a recorded one."""
    return _(
        "The period overlaps the recorded period %(start)s to %(end)s.",
        start=clash[0].isoformat(),
        end=clash[1].isoformat(),
    )


def _apply(record: UsageRecord, room_id: int, data: UsageInput, user: User | None) -> None:
    """Copy the values of ``data`` into ``record``."""
    record.room_id = room_id
    record.period_start, record.period_end = data.period_start, data.period_end
    record.reads, record.downloads = data.reads, data.downloads
    record.active_readers = data.active_readers
    record.entered_by_id = user.id if user is not None else None


# --- CSV import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, with ``errors``, why it did nothing)."""

    #: (line number, message) for every bad row; when present nothing was saved
    errors: tuple[tuple[int, str], ...] = ()
    #: records created
    created: int = 0
    #: records of an existing (room, period) whose figures were replaced
    updated: int = 0

    @property
    def ok(self) -> bool:
        """True when every row was valid and saved."""
        return not self.errors


def _parse_day(text: str) -> date | None:
    """An ISO day, or None."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _parse_count(text: str) -> int | None:
    """A whole number written in a cell (thousands separators allowed), or None."""
    try:
        return int(text.strip().replace(",", ""))
    except ValueError:
        return None


def read_upload(raw: bytes | None) -> str:
    """The text of an uploaded CSV (at most ``MAX_UPLOAD`` bytes of UTF-8, a BOM allowed);
    ``FieldErrors`` on ``file`` otherwise. Read ``MAX_UPLOAD + 1`` bytes to pass here."""
    if not raw:
        raise FieldErrors({"file": [_("Choose a file.")]})
    if len(raw) > MAX_UPLOAD:
        raise FieldErrors({"file": [_("The file is larger than 2 MB.")]})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FieldErrors({"file": [_("The file is not UTF-8 text.")]}) from None


def import_csv(text: str, user: User | None = None) -> ImportResult:
    """Import usage records from CSV text: all rows in one transaction, or none.

    The header names the columns: ``room_id`` or ``area`` (the township or village name),
    then ``period_start``, ``period_end``, ``reads``, ``downloads``, ``active_readers``.
    ``period_start`` may be a month ``YYYY-MM`` with ``period_end`` empty. A row for a
    (room, period) already recorded replaces its figures (importing a file twice changes
    nothing); the same (room, period) twice in one file is an error, as is a period
    overlapping another of the room. Line numbers count the header as line 1.
    """
    if user is not None and not is_admin(user):
        return ImportResult(((1, _("Only administrators import usage.")),))
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        return ImportResult(((reader.reader.line_num or 1, _csv_error(exc)),))
    header = [(name or "").strip().lower() for name in fieldnames]
    reader.fieldnames = header
    missing = [name for name in CSV_COLUMNS if name not in header]
    if "room_id" not in header and "area" not in header:
        missing.insert(0, "room_id / area")
    if missing:
        return ImportResult(((1, _("Missing columns: %(names)s.", names=", ".join(missing))),))
    rooms = db.session.execute(select(Room.id, Room.area_id)).tuples().all()
    room_ids = {room_id for room_id, _area in rooms}
    room_by_area = {area_id: room_id for room_id, area_id in rooms}
    areas: dict[str, list[int]] = {}
    for area_id, name in db.session.execute(
        select(Area.id, Area.name).where(Area.kind.in_([AreaKind.TOWNSHIP, AreaKind.VILLAGE]))
    ).tuples():
        areas.setdefault(name, []).append(area_id)
    existing: dict[int, list[tuple[int, date, date]]] = {}
    for row in db.session.execute(
        select(
            UsageRecord.id, UsageRecord.room_id, UsageRecord.period_start, UsageRecord.period_end
        )
    ):
        existing.setdefault(row.room_id, []).append((row.id, row.period_start, row.period_end))
    errors: list[tuple[int, str]] = []
    good: list[tuple[int, UsageInput]] = []
    seen: dict[tuple[int, date, date], int] = {}
    in_file: dict[int, list[tuple[int, date, date]]] = {}
    for line, row in _rows(reader, errors):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line
        if None in row:
            errors.append((line, _("The row has more cells than the header.")))
            continue
        cells = {key: (value or "") for key, value in row.items()}
        message, data = _read_row(cells, room_ids, room_by_area, areas)
        if message:
            errors.append((line, message))
            continue
        key = (data.room_id, data.period_start, data.period_end)
        if key in seen:
            errors.append((line, _("The same room and period as line %(line)s.", line=seen[key])))
            continue
        clash = _overlap(data, existing.get(data.room_id, []) + in_file.get(data.room_id, []))
        if clash:
            errors.append((line, _overlap_message(clash)))
            continue
        seen[key] = line
        in_file.setdefault(data.room_id, []).append((0, data.period_start, data.period_end))
        good.append((line, data))
    if errors:
        return ImportResult(tuple(errors))
    if not good:
        return ImportResult(
            (
                (
                    1,
                    _("The file holds no rows."),
                ),
            )
        )
    return _save_rows([data for _line, data in good], user)


def _csv_error(exc: csv.Error) -> str:
    """Why a line cannot be read as CSV, translated."""
    if "field larger than field limit" in str(exc):
        return _("A cell is longer than %(n)s KB.", n=csv.field_size_limit() // 1024)
    return _("The line cannot be read as CSV (check its quotes).")


def _rows(reader: csv.DictReader, errors: list[tuple[int, str]]):
    """``(line, row)`` of each row; a line the CSV reader refuses is noted in ``errors`` and
    ends the reading (what follows it cannot be trusted)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append((reader.reader.line_num, _csv_error(exc)))
            return
        yield reader.line_num, row


def _read_row(cells, room_ids, room_by_area, areas) -> tuple[str | None, Any]:
    """One CSV row as ``UsageInput``, or the reason it is bad."""
    room_id = None
    if cells.get("room_id", "").strip():
        room_id = _parse_count(cells["room_id"])
        if room_id not in room_ids:
            return _("No reading room has the id %(id)s.", id=cells["room_id"].strip()), None
    else:
        name = cells.get("area", "").strip()
        matches = [room_by_area[a] for a in areas.get(name, []) if a in room_by_area]
        if not name:
            return _("Give the room id or the area name."), None
        if not matches:
            return _("No reading room in an area named %(name)s.", name=name), None
        if len(matches) > 1:
            return _("Several areas are named %(name)s: give the room id.", name=name), None
        room_id = matches[0]
    start_text, end_text = cells["period_start"].strip(), cells["period_end"].strip()
    month = parse_month(start_text) if not end_text else None
    if month:
        start, end = month
    else:
        start, end = _parse_day(start_text), _parse_day(end_text)
        if start is None:
            return _("The period start is not a date (YYYY-MM-DD) or a month (YYYY-MM)."), None
        if end is None:
            return _("The period end is not a date (YYYY-MM-DD)."), None
    data = UsageInput(
        room_id,
        start,
        end,
        _parse_count(cells["reads"]),
        _parse_count(cells["downloads"]),
        _parse_count(cells["active_readers"]),
    )
    errors: dict[str, list[str]] = {}
    _check_usage(data, errors)
    if errors:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), None
    return None, data


def _save_rows(rows: list[UsageInput], user: User | None) -> ImportResult:
    """Save validated rows in one transaction (rolled back entirely if anything fails)."""
    current = {
        (r.room_id, r.period_start, r.period_end): r
        for r in db.session.scalars(
            select(UsageRecord).where(UsageRecord.room_id.in_({row.room_id for row in rows}))
        )
    }
    created = updated = 0
    try:
        for data in rows:
            record = current.get((data.room_id, data.period_start, data.period_end))
            if record is None:
                record = UsageRecord()
                db.session.add(record)
                created += 1
            else:
                updated += 1
            _apply(record, data.room_id, data, user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(created=created, updated=updated)


# --- the inspection report ------------------------------------------------------------------


@dataclass(frozen=True)
class RoomUsage:
    """One room's usage over a period, as ranked in a report."""

    room_id: int
    area_id: int
    room: str
    area: str
    township: str
    reads: int
    downloads: int
    active_readers: int
    model: bool
    rank: int = 0
    low: bool = False

    @property
    def usage(self) -> int:
        """Reads plus downloads."""
        return self.reads + self.downloads

    def as_json(self) -> dict[str, Any]:
        """The row as a stored report keeps it."""
        return {
            "rank": self.rank,
            "room_id": self.room_id,
            "area_id": self.area_id,
            "room": self.room,
            "area": self.area,
            "township": self.township,
            "reads": self.reads,
            "downloads": self.downloads,
            "active_readers": self.active_readers,
            "usage": self.usage,
            "model": self.model,
            "low": self.low,
        }


def ranked_usage(
    where: ColumnElement[bool], start: date, end: date, threshold: int | None = None
) -> list[RoomUsage]:
    """The rooms selected by ``where`` ranked by usage over ``start``..``end`` (one query).

    Ranks follow usage (reads + downloads), then active readers, then the room's name; rooms
    without records count as 0. A room whose usage is below ``threshold`` (default: the
    period's threshold) is flagged low.
    """
    if threshold is None:
        threshold = period_threshold(start, end)
    sums = (
        select(
            UsageRecord.room_id,
            func.sum(UsageRecord.reads).label("reads"),
            func.sum(UsageRecord.downloads).label("downloads"),
            func.sum(UsageRecord.active_readers).label("readers"),
        )
        .where(UsageRecord.period_start >= start, UsageRecord.period_end <= end)
        .group_by(UsageRecord.room_id)
        .subquery()
    )
    parent = db.aliased(Area)
    rows = (
        db.session.execute(
            select(
                Room.id,
                Room.area_id,
                Room.name,
                Room.model_since,
                Area.name.label("area"),
                Area.kind,
                parent.name.label("parent"),
                func.coalesce(sums.c.reads, 0),
                func.coalesce(sums.c.downloads, 0),
                func.coalesce(sums.c.readers, 0),
            )
            .join(Area, Area.id == Room.area_id)
            .outerjoin(parent, parent.id == Area.parent_id)
            .outerjoin(sums, sums.c.room_id == Room.id)
            .where(where)
        )
        .tuples()
        .all()
    )
    items = [
        RoomUsage(
            room_id,
            area_id,
            name,
            area,
            area if kind == AreaKind.TOWNSHIP else (parent_name or ""),
            int(reads),
            int(downloads),
            int(readers),
            since is not None,
        )
        for (
            room_id,
            area_id,
            name,
            since,
            area,
            kind,
            parent_name,
            reads,
            downloads,
            readers,
        ) in rows
    ]
    items.sort(key=lambda r: (-r.usage, -r.active_readers, r.room, r.room_id))
    return [
        RoomUsage(**{**r.__dict__, "rank": i, "low": r.usage < threshold})
        for i, r in enumerate(items, start=1)
    ]


def area_subtree_clause(area: Area) -> ColumnElement[bool]:
    """A WHERE clause on ``Room`` for the rooms inside ``area``'s subtree."""
    return Room.area_id.in_(Area.subtree_ids(area).scalar_subquery())


def store_report(start: date, end: date) -> Report:
    """Take a snapshot of the report of ``start``..``end`` for every room (replacing one of the
    same period); commits."""
    threshold = period_threshold(start, end)
    rows = [r.as_json() for r in ranked_usage(true(), start, end, threshold)]
    report = db.session.scalar(
        select(Report).where(Report.period_start == start, Report.period_end == end)
    )
    if report is None:
        report = Report(period_start=start, period_end=end)
        db.session.add(report)
    report.generated_at, report.threshold, report.rows = utcnow(), threshold, rows
    db.session.commit()
    return report


def visible_rows(report: Report, user: User) -> list[dict[str, Any]]:
    """The rows of a stored report about rooms ``user`` may read (one query)."""
    if user.role == Role.ADMIN:
        return list(report.rows)
    ids = set(db.session.scalars(select(Room.id).where(room_scope(user))))
    return [row for row in report.rows if row.get("room_id") in ids]


# --- year-end ranking and commendations -----------------------------------------------------


def may_read_ranking(user: User) -> bool:
    """Admins read the year-end ranking, and reviewers with an area read its rooms of their
    area; leaders and members do not. Only admins confirm it."""
    return may_review(user)


def _readable(rows: list[RoomUsage], user: User | None) -> list[RoomUsage]:
    """The rows about rooms ``user`` may read (all without a user), keeping their ranks."""
    if user is None or user.role == Role.ADMIN:
        return rows
    ids = set(db.session.scalars(select(Room.id).where(room_scope(user))))
    return [row for row in rows if row.room_id in ids]


def year_ranking(year: int, user: User | None = None) -> list[RoomUsage]:
    """Every room ranked by its usage over the calendar year; with ``user``, only the rooms
    they may read, with their county-wide ranks (the ranking commends across the county)."""
    rows = ranked_usage(true(), date(year, 1, 1), date(year, 12, 31))
    return _readable(rows, user)


def proposal(year: int, user: User | None = None) -> list[RoomUsage]:
    """The rooms proposed for commendation: the top ``commend_top_n`` with some usage (with
    ``user``, those of them ``user`` may read)."""
    rows = [r for r in year_ranking(year) if r.usage > 0][: commend_top_n()]
    return _readable(rows, user)


def commendations(year: int, user: User | None = None) -> list[Commendation]:
    """The confirmed commendations of ``year``, by rank (with ``user``, of the rooms they may
    read)."""
    query = (
        select(Commendation)
        .where(Commendation.year == year)
        .options(joinedload(Commendation.room))
        .order_by(Commendation.rank)
    )
    if user is not None:
        query = query.join(Room, Room.id == Commendation.room_id).where(room_scope(user))
    return list(db.session.scalars(query))


def confirm_commendations(year: int, user: User | None) -> list[Commendation]:
    """Confirm the year's proposal (admins): replaces any earlier confirmation; commits."""
    rows = proposal(year)
    if not rows:
        raise FieldErrors({"year": [_("No room has usage recorded in %(year)s.", year=year)]})
    for old in commendations(year):
        db.session.delete(old)
    db.session.flush()
    now = utcnow()
    made = [
        Commendation(
            year=year,
            room_id=r.room_id,
            rank=r.rank,
            usage=r.usage,
            confirmed_at=now,
            confirmed_by_id=user.id if user else None,
        )
        for r in rows
    ]
    db.session.add_all(made)
    stamp_position(*made)
    db.session.commit()
    return made


def attach_changes(rows: list[Commendation]) -> int | None:
    """Set ``changes_since`` on each of a year's commendations and return it: the changes to
    any record (every area: the ranking spans the county, and usage records have no area)
    made after the confirmation. One query for the year (its rows share one position)."""
    if not rows:
        return None
    positions = {row.audit_position for row in rows}
    counts = {position: changes_since(position, None) for position in positions}
    for row in rows:
        row.changes_since = counts[row.audit_position]
    return counts[rows[0].audit_position]


def readable_rooms(user: User, area_id: int | None = None):
    """SELECT the rooms ``user`` may read (optionally inside one area), by name."""
    query = (
        select(Room)
        .join(Area, Area.id == Room.area_id)
        .where(room_scope(user))
        .options(joinedload(Room.area))
        .order_by(Area.path, Room.name)
    )
    if area_id:
        area = db.session.get(Area, area_id)
        query = query.where(area_subtree_clause(area) if area else false())
    return query


def usage_rows(
    user: User, room_id: int | None = None, start: date | None = None, end: date | None = None
):
    """SELECT the usage records of the rooms ``user`` may read, newest period first."""
    query = (
        select(UsageRecord)
        .join(Room, Room.id == UsageRecord.room_id)
        .where(room_scope(user))
        .options(joinedload(UsageRecord.room))
        .order_by(UsageRecord.period_start.desc(), Room.name)
    )
    if room_id:
        query = query.where(UsageRecord.room_id == room_id)
    if start:
        query = query.where(UsageRecord.period_start >= start)
    if end:
        query = query.where(UsageRecord.period_end <= end)
    return query
