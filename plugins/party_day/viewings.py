"""County-wide viewings (集中观摩): who reads and organises them, and attendance per village.

A reviewer (of a county or township) or an admin organises a viewing for an area; every village
of the area may watch it, and its attendance is recorded by those who write the village's
party days (its leaders, the reviewers of its area, admins).
"""

from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select, true

from core.plugin_api import (
    Area,
    AreaKind,
    FieldErrors,
    Role,
    User,
    clean_text,
    db,
    is_admin,
)
from plugins.party_day.models import Viewing, ViewingVillage
from plugins.party_day.services import MAX_BRANCH, may_write_village, own_village_id


def _lineage_ids(area_id: int) -> list[int]:
    """The ids of an area and of every area above it."""
    area = db.session.get(Area, area_id)
    path = area.path if area is not None else ""
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


def viewing_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Viewing``: those organised for an area above, at or below the
    user's own (a reviewer's area, a leader's or member's village); admins read all."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        if user.area is None:
            return false()
        return or_(
            Viewing.area_id.in_(Area.subtree_ids(user.area)),
            Viewing.area_id.in_(_lineage_ids(user.area.id)),
        )
    village_id = own_village_id(user)
    return false() if village_id is None else Viewing.area_id.in_(_lineage_ids(village_id))


def may_organise(user: User, area: Area | None = None) -> bool:
    """Admins, and reviewers for their own area's subtree, organise viewings."""
    if is_admin(user):
        return True
    if user.role != Role.REVIEWER or user.area is None:
        return False
    return area is None or user.area.contains(area)


def organiser_areas(user: User) -> list[Area]:
    """The areas ``user`` may organise a viewing for: the county and townships (admins), or
    the reviewer's own area."""
    if is_admin(user):
        return list(
            db.session.scalars(
                select(Area).where(Area.kind != AreaKind.VILLAGE).order_by(Area.path)
            )
        )
    return [user.area] if may_organise(user) else []


@dataclass
class ViewingInput:
    """What a viewing form or API call gives."""

    area_id: int | None
    held_on: date | None
    title: str | None
    start_time: time | None = None
    hosts: str | None = ""
    notes: str | None = ""


def save_viewing(user: User, data: ViewingInput, viewing: Viewing | None = None) -> Viewing:
    """Organise a viewing, or correct ``viewing``. Commits."""
    errors: dict[str, list] = {}
    area = db.session.get(Area, data.area_id) if data.area_id else None
    if area is None or area.kind == AreaKind.VILLAGE:
        errors["area_id"] = [_("Choose the county or a township.")]
    elif not may_organise(user, area):
        errors["area_id"] = [_("You may not organise a viewing for this area.")]
    if data.held_on is None:
        errors["held_on"] = [_("Enter a day.")]
    values = {
        "title": clean_text(errors, "title", data.title, 200, required=True, one_line=True),
        "hosts": clean_text(errors, "hosts", data.hosts, 300, one_line=True),
        "notes": clean_text(errors, "notes", data.notes, 5000),
    }
    if errors:
        raise FieldErrors(errors)
    if viewing is None:
        viewing = Viewing(revision=0)
        db.session.add(viewing)
    else:
        viewing.revision = (viewing.revision or 0) + 1
    viewing.area_id, viewing.held_on, viewing.start_time = area.id, data.held_on, data.start_time
    for name, value in values.items():
        setattr(viewing, name, value)
    db.session.commit()
    return viewing


def viewing_villages(viewing: Viewing, where: ColumnElement[bool] | None = None) -> list[Area]:
    """The villages of the viewing's area (those matching ``where`` too), by name."""
    return list(
        db.session.scalars(
            select(Area)
            .where(
                Area.kind == AreaKind.VILLAGE,
                Area.in_subtree_of(viewing.area),
                true() if where is None else where,
            )
            .order_by(Area.name, Area.id)
        )
    )


def attendance(viewing: Viewing) -> dict[int, ViewingVillage]:
    """The recorded attendance of a viewing, by village id."""
    return {
        row.village_id: row
        for row in db.session.scalars(
            select(ViewingVillage).where(ViewingVillage.viewing_id == viewing.id)
        )
    }


def may_record_attendance(user: User, viewing: Viewing, village_id: int) -> bool:
    """Those who write a village's party days record its attendance at a viewing of an area
    above it."""
    village = db.session.get(Area, village_id)
    return (
        village is not None
        and village.kind == AreaKind.VILLAGE
        and viewing.area.contains(village)
        and may_write_village(user, village.id)
    )


def record_attendance(viewing: Viewing, village: Area, present: int | None) -> ViewingVillage:
    """Record (or correct) how many party members watched in ``village``; the caller checked
    the writer. Commits."""
    if present is None or not 0 <= present <= MAX_BRANCH:
        raise FieldErrors(
            {"present": [_("Enter the party members watching, 0 to %(max)s.", max=MAX_BRANCH)]}
        )
    row = attendance(viewing).get(village.id)
    if row is None:
        row = ViewingVillage(viewing_id=viewing.id, village_id=village.id, present=present)
        db.session.add(row)
    row.present = present
    db.session.commit()
    return row
