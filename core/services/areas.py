"""Building the administrative tree (county > township > village)."""

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from core.extensions import db
from core.models import Area, AreaKind, CampaignTarget, Event, Farm, Team, User
from core.services import Conflict, FieldErrors, clean_text

#: the kind of parent each kind of area needs (None: no parent)
PARENT_KIND = {
    AreaKind.COUNTY: None,
    AreaKind.TOWNSHIP: AreaKind.COUNTY,
    AreaKind.VILLAGE: AreaKind.TOWNSHIP,
}


def add_area(name: str, kind: AreaKind, parent: Area | None = None) -> Area:
    """Create an area below ``parent`` and set its materialized path (flushes, no commit)."""
    area = Area(name=name, kind=kind, parent=parent)
    db.session.add(area)
    db.session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area


def _parent_errors(kind: AreaKind, parent_id: int | None) -> tuple[Area | None, list[str]]:
    """The parent ``parent_id`` of a new area of ``kind``, and what is wrong with it."""
    parent = db.session.get(Area, parent_id) if parent_id else None
    if parent_id and parent is None:
        return None, [_("Choose an existing area.")]
    needed = PARENT_KIND[kind]
    if needed is None and parent is not None:
        return parent, [_("A county has no enclosing area.")]
    if needed is not None and (parent is None or parent.kind != needed):
        if kind == AreaKind.TOWNSHIP:
            return parent, [_("A township lies in a county.")]
        return parent, [_("A village lies in a township.")]
    return parent, []


def create_area(name: str, kind: AreaKind, parent_id: int | None) -> Area:
    """Create an area: a county has no parent, a township's is a county, a village's a
    township."""
    errors: dict[str, list[str]] = {}
    name = clean_text(errors, "name", name, 120, required=True, one_line=True)
    parent, problems = _parent_errors(AreaKind(kind), parent_id)
    if problems:
        errors["parent_id"] = problems
    if errors:
        raise FieldErrors(errors)
    area = add_area(name, AreaKind(kind), parent)
    db.session.commit()
    return area


def rename_area(area: Area, name: str) -> Area:
    """Rename an area (its place in the tree does not change)."""
    errors: dict[str, list[str]] = {}
    name = clean_text(errors, "name", name, 120, required=True, one_line=True)
    if errors:
        raise FieldErrors(errors)
    area.name = name
    db.session.commit()
    return area


def area_in_use(area: Area) -> bool:
    """True when anything refers to ``area`` (sub-areas, teams, farms, events, users,
    campaign targets)."""
    refs = [
        exists().where(Area.parent_id == area.id),
        exists().where(Team.village_id == area.id),
        exists().where(Farm.village_id == area.id),
        exists().where(Event.area_id == area.id),
        exists().where(User.area_id == area.id),
        exists().where(CampaignTarget.area_id == area.id),
    ]
    return bool(db.session.execute(select(or_(*refs))).scalar())


def delete_area(area: Area) -> None:
    """Delete an area nothing refers to; ``Conflict`` while anything does."""
    if area_in_use(area):
        raise Conflict(_("The area is still in use."))
    db.session.delete(area)
    db.session.commit()
