"""Creating, changing and soft-deleting demonstration farms (the caller has checked admin)."""

from dataclasses import dataclass

from flask_babel import gettext as _

from core.extensions import db
from core.models import Area, AreaKind, Farm, FarmKind
from core.services import FieldErrors, clean_phone, clean_text


@dataclass
class FarmInput:
    """What a page or API call submits for a farm."""

    name: str
    kind: FarmKind | str | None
    village_id: int | None
    industry: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    notes: str = ""


def _check(data: FarmInput) -> Area:
    """Validate ``data``; raise FieldErrors naming every bad field."""
    errors: dict[str, list[str]] = {}
    clean_text(errors, "name", data.name, 120, required=True)
    clean_text(errors, "industry", data.industry, 80)
    clean_text(errors, "contact_name", data.contact_name, 80)
    clean_phone(errors, "contact_phone", data.contact_phone)
    clean_text(errors, "notes", data.notes, 2000)
    try:
        FarmKind(data.kind)
    except ValueError:
        errors["kind"] = [_("Choose the kind of farm.")]
    village = db.session.get(Area, data.village_id) if data.village_id else None
    if village is None or village.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a village.")]
    if errors:
        raise FieldErrors(errors)
    return village


def _apply(farm: Farm, data: FarmInput, village: Area) -> None:
    farm.name = data.name.strip()
    farm.kind = FarmKind(data.kind)
    farm.village = village
    farm.industry = (data.industry or "").strip()
    farm.contact_name = (data.contact_name or "").strip()
    farm.contact_phone = (data.contact_phone or "").strip()
    farm.notes = (data.notes or "").strip()


def create_farm(data: FarmInput) -> Farm:
    """Create a farm in a village."""
    village = _check(data)
    farm = Farm()
    _apply(farm, data, village)
    db.session.add(farm)
    db.session.commit()
    return farm


def update_farm(farm: Farm, data: FarmInput) -> Farm:
    """Change a farm's details."""
    village = _check(data)
    _apply(farm, data, village)
    db.session.commit()
    return farm


def delete_farm(farm: Farm) -> None:
    """Soft-delete a farm: gone from lists, pickers and farm counts; visits keep pointing at it."""
    farm.soft_delete()
    db.session.commit()
