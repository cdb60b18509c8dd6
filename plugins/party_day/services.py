"""Who may read and write what, quarters, and the writes shared by pages and API.

- admin: every village;
- reviewer: reads and writes the villages of their area subtree;
- leader: reads and writes their team's village;
- member: reads their team's village.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, func, select, true

from core.plugin_api import (
    Area,
    AreaKind,
    Farm,
    FieldErrors,
    Member,
    Role,
    Team,
    User,
    clean_text,
    db,
    is_admin,
    today,
)
from plugins.party_day.models import Equipment, PartyDay

#: the largest party branch a form accepts (the county's largest has a few hundred members)
MAX_BRANCH = 10000


# --- scopes --------------------------------------------------------------------------------


def own_village_id(user: User) -> int | None:
    """The village of a leader's or member's team."""
    return user.team.village_id if user.team is not None else None


def village_scope(user: User, column) -> ColumnElement[bool]:
    """A WHERE clause keeping the villages (ids in ``column``) ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        return false() if user.area is None else column.in_(Area.subtree_ids(user.area))
    village_id = own_village_id(user)
    return false() if village_id is None else column == village_id


def day_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``PartyDay``: the party days ``user`` may read."""
    return village_scope(user, PartyDay.village_id)


def equipment_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Equipment``: the records ``user`` may read."""
    return village_scope(user, Equipment.village_id)


def may_write_some(user: User) -> bool:
    """Admins, reviewers with an area and leaders of a team write (per-village checks follow)."""
    if is_admin(user):
        return True
    if user.role == Role.REVIEWER:
        return user.area is not None
    return user.role == Role.LEADER and user.team_id is not None


def may_write_village(user: User, village_id: int | None) -> bool:
    """True when ``user`` records party days and equipment for ``village_id``."""
    if village_id is None:
        return False
    if is_admin(user):
        return True
    if user.role == Role.REVIEWER and user.area is not None:
        return user.area.contains(db.session.get(Area, village_id))
    return user.role == Role.LEADER and own_village_id(user) == village_id


def villages_query(user: User):
    """A SELECT of the villages ``user`` may read, by name."""
    return (
        select(Area)
        .where(Area.kind == AreaKind.VILLAGE, village_scope(user, Area.id))
        .order_by(Area.name, Area.id)
    )


def writable_villages(user: User) -> list[Area]:
    """The villages ``user`` may record party days for, by name."""
    if not may_write_some(user):
        return []
    return list(db.session.scalars(villages_query(user)))


# --- quarters ------------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    """The (year, quarter) of ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    """The quarters a range of days touches, in order."""
    out, (year, quarter) = [], quarter_of(start)
    while quarter_bounds(year, quarter)[0] <= end:
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def quarter_label(year: int, quarter: int) -> str:
    """``2026 Q2``, in the user's language."""
    return _("%(year)s Q%(quarter)s", year=year, quarter=quarter)


def reminder_due(on: date) -> bool:
    """True in a quarter's last month: a month before it ends, villages without a party day
    are reminded."""
    return on.month % 3 == 0


# --- suggestions ---------------------------------------------------------------------------


def industries(village_id: int) -> list[str]:
    """The industries of the village's farms, the most common first (the topic suggestions)."""
    counts = Counter(
        name.strip()
        for name in db.session.scalars(
            select(Farm.industry).where(Farm.village_id == village_id, Farm.deleted_at.is_(None))
        )
        if name and name.strip()
    )
    return [name for name, _count in counts.most_common()]


# --- party days ----------------------------------------------------------------------------


@dataclass
class PartyDayInput:
    """What a party day form or API call gives."""

    village_id: int | None
    held_on: date | None
    topic: str | None
    present: int | None
    branch_size: int | None
    start_time: time | None = None
    industry: str | None = ""
    expert_name: str | None = ""
    expert_topic: str | None = ""
    equipment_used: str | None = ""
    notes: str | None = ""


def _checked(user: User, data: PartyDayInput) -> dict:
    """The cleaned values of ``data``, or ``FieldErrors`` naming each bad field."""
    errors: dict[str, list] = {}
    village = db.session.get(Area, data.village_id) if data.village_id else None
    if village is None or village.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a village.")]
    elif not may_write_village(user, village.id):
        errors["village_id"] = [_("You may not record party days for this village.")]
    if data.held_on is None:
        errors["held_on"] = [_("Enter a day.")]
    elif data.held_on > today():
        errors["held_on"] = [_("The day may not be in the future.")]
    values = {
        "topic": clean_text(errors, "topic", data.topic, 200, required=True, one_line=True),
        "industry": clean_text(errors, "industry", data.industry, 80, one_line=True),
        "expert_name": clean_text(errors, "expert_name", data.expert_name, 120, one_line=True),
        "expert_topic": clean_text(errors, "expert_topic", data.expert_topic, 200, one_line=True),
        "equipment_used": clean_text(
            errors, "equipment_used", data.equipment_used, 200, one_line=True
        ),
        "notes": clean_text(errors, "notes", data.notes, 5000),
    }
    if data.branch_size is None or not 1 <= data.branch_size <= MAX_BRANCH:
        errors["branch_size"] = [
            _("Enter the branch's party members, 1 to %(max)s.", max=MAX_BRANCH)
        ]
    if data.present is None or data.present < 0:
        errors["present"] = [_("Enter the party members present, 0 or more.")]
    elif "branch_size" not in errors and data.present > data.branch_size:
        errors["present"] = [_("More members present than the branch has.")]
    if errors:
        raise FieldErrors(errors)
    return values | {
        "village_id": data.village_id,
        "held_on": data.held_on,
        "start_time": data.start_time,
        "present": data.present,
        "branch_size": data.branch_size,
    }


def save_party_day(user: User, data: PartyDayInput, day: PartyDay | None = None) -> PartyDay:
    """Record a party day, or correct ``day``; the writer must hold the village (checked
    here as a field error, the page or API checks the record first). Commits."""
    values = _checked(user, data)
    if day is None:
        day = PartyDay(recorded_by_id=user.id, revision=0)
        db.session.add(day)
    else:
        day.revision = (day.revision or 0) + 1
    for name, value in values.items():
        setattr(day, name, value)
    db.session.commit()
    return day


def delete_party_day(day: PartyDay, user: User) -> None:
    """Soft-delete a party day (it leaves the review; an admin may restore it). Commits."""
    day.soft_delete(user)
    db.session.commit()


def branch_size_guess(village_id: int) -> int | None:
    """The branch size to prefill: that of the village's latest party day, else the party
    members of the village's teams (None when there are none)."""
    last = db.session.scalar(
        select(PartyDay.branch_size)
        .where(PartyDay.village_id == village_id)
        .order_by(PartyDay.held_on.desc(), PartyDay.id.desc())
        .limit(1)
    )
    if last is not None:
        return last
    members = db.session.scalar(
        select(func.count(Member.id))
        .join(Team, Team.id == Member.team_id)
        .where(
            Team.village_id == village_id,
            Member.is_party_member.is_(True),
            Member.deleted_at.is_(None),
            Team.deleted_at.is_(None),
        )
    )
    return members or None


# --- equipment -----------------------------------------------------------------------------


#: what a village lacks, in the order shown
NEEDS = (
    ("has_computer", _l("computer")),
    ("has_display", _l("projector or TV")),
    ("has_network", _l("network")),
)


@dataclass
class EquipmentInput:
    """A village's equipment."""

    has_computer: bool = False
    has_display: bool = False
    has_network: bool = False
    notes: str | None = ""


def save_equipment(village: Area, data: EquipmentInput) -> Equipment:
    """Record or correct ``village``'s equipment (the caller checked the writer). Commits."""
    errors: dict[str, list] = {}
    notes = clean_text(errors, "notes", data.notes, 500)
    if errors:
        raise FieldErrors(errors)
    row = db.session.scalar(select(Equipment).where(Equipment.village_id == village.id))
    if row is None:
        row = Equipment(village_id=village.id)
        db.session.add(row)
    row.has_computer, row.has_display = bool(data.has_computer), bool(data.has_display)
    row.has_network, row.notes = bool(data.has_network), notes
    db.session.commit()
    return row


def missing(row: Equipment | None) -> list[str]:
    """What a village lacks to hold an online party day (everything when never surveyed)."""
    return [str(label) for name, label in NEEDS if row is None or not getattr(row, name)]


def equipment_rows(villages: list[Area]) -> list[dict]:
    """Each village with its equipment record (or None) and what it lacks (one query)."""
    records = {
        row.village_id: row
        for row in db.session.scalars(
            select(Equipment).where(Equipment.village_id.in_([v.id for v in villages]))
        )
    }
    return [
        {"village": v, "equipment": records.get(v.id), "missing": missing(records.get(v.id))}
        for v in villages
    ]


# --- the quarter's missing party days ------------------------------------------------------


def villages_without_day(villages_where, year: int, quarter: int) -> list[Area]:
    """The villages matching ``villages_where`` (a clause on ``Area``) with no party day in
    the quarter, by name."""
    first, last = quarter_bounds(year, quarter)
    held = select(PartyDay.village_id).where(PartyDay.held_on.between(first, last))
    return list(
        db.session.scalars(
            select(Area)
            .where(Area.kind == AreaKind.VILLAGE, villages_where, Area.id.not_in(held))
            .order_by(Area.name, Area.id)
        )
    )


def village_leaders(village_ids) -> dict[int, list[User]]:
    """The active leader accounts of the teams of each village."""
    out: dict[int, list[User]] = {}
    rows = db.session.execute(
        select(User, Team.village_id)
        .join(Team, Team.id == User.team_id)
        .where(User.role == Role.LEADER, Team.village_id.in_(list(village_ids)))
        .order_by(User.id)
    ).tuples()
    for user, village_id in rows:
        out.setdefault(village_id, []).append(user)
    return out


def remind_missing(on: date | None = None) -> int:
    """In a quarter's last month, remind the leaders of every village with no party day in
    the quarter, once per village and quarter. Commits; returns the villages reminded."""
    from core.plugin_api import notify, path_for
    from plugins.party_day.models import Reminder

    on = on or today()
    if not reminder_due(on):
        return 0
    year, quarter = quarter_of(on)
    done = set(
        db.session.scalars(
            select(Reminder.village_id).where(Reminder.year == year, Reminder.quarter == quarter)
        )
    )
    villages = [v for v in villages_without_day(true(), year, quarter) if v.id not in done]
    leaders = village_leaders(v.id for v in villages)
    deadline = quarter_bounds(year, quarter)[1]
    for village in villages:
        db.session.add(Reminder(village_id=village.id, year=year, quarter=quarter))
    db.session.commit()
    for village in villages:
        notify(
            leaders.get(village.id, []),
            lambda _user, v=village: _(
                "%(village)s has no online science party day this quarter", village=v.name
            ),
            lambda _user: _(
                "Each village holds an online science party day every quarter. Record this "
                "quarter's by %(day)s.",
                day=deadline.isoformat(),
            ),
            path_for("party_day.new_day"),
            key=f"party_day:missing:{village.id}:{year}-Q{quarter}",
        )
    return len(villages)
