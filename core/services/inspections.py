"""Inspections (督查): the unit a record is about, photos, and the writes.

- admin: records and changes inspections anywhere;
- reviewer: records and changes inspections of the teams and villages inside their area
  subtree, and reads them;
- leader and member: read the inspections of their own team, and those of their team's village
  as a whole (an inspection is not secret from the unit inspected), never write.

Who reads which (``inspection_scope``, ``unit_scope``) and who writes where
(``may_review_area``) is decided in ``core.permissions``; the same scope serves rectification
items (``core.services.rectifications``).
"""

from dataclasses import dataclass, field
from datetime import date

from flask import Response, current_app
from flask_babel import gettext as _

from core import rules
from core.extensions import db
from core.models import (
    Area,
    AreaKind,
    Inspection,
    InspectionKind,
    InspectionPhoto,
    Team,
    User,
)
from core.permissions import may_review_area
from core.services import FieldErrors, clean_text
from core.services.uploads import Photo, clean_photos, drop_photo, send_photo, store_photo

#: where the photos are stored: <instance>/uploads/inspections/
PHOTO_FOLDER = "inspections"
#: longest findings text
MAX_FINDINGS = 10_000


# --- units ---------------------------------------------------------------------------------


def resolve_unit(
    errors: dict, team_id: int | None, village_id: int | None
) -> tuple[Team | None, Area | None]:
    """The (team, village) a record is about: a live team (its village follows), or a village.

    Notes an error on ``team_id`` or ``village_id`` when neither names a live unit.
    """
    if team_id:
        team = db.session.get(Team, team_id)
        if team is None or team.is_deleted:
            errors["team_id"] = [_("Choose an existing team.")]
            return None, None
        return team, team.village
    village = db.session.get(Area, village_id) if village_id else None
    if village is None or village.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a team or a village.")]
        return None, None
    return None, village


def unit_in_reach(user: User, team_id: int | None, village_id: int | None) -> bool | None:
    """Whether ``user`` may write records of the unit named: ``None`` when it does not exist.

    Pages and API answer 403 for ``False`` (a unit outside the reviewer's area) before the
    service reports the other errors.
    """
    _team, village = resolve_unit({}, team_id, village_id)
    if village is None:
        return None
    return may_review_area(user, village)


# --- photos --------------------------------------------------------------------------------


def photo_response(photo: InspectionPhoto, thumbnail: bool = False) -> Response:
    """The image of ``photo`` (or its thumbnail), never cached by shared caches (404 when its
    file is missing)."""
    return send_photo(PHOTO_FOLDER, photo.filename, photo.media_type, thumbnail)


def _check_photos(errors: dict, photos: list[bytes], already: int) -> list[Photo]:
    """``photos`` checked and saved again (``core.services.uploads``); notes an error when one
    is refused or there are too many."""
    limit = int(current_app.config["INSPECTION_MAX_PHOTOS"])
    return clean_photos(
        photos,
        int(current_app.config["INSPECTION_MAX_PHOTO_KB"]),
        limit,
        already,
        _("An inspection keeps at most %(n)s photos.", n=limit),
        errors,
    )


def _store_photos(inspection: Inspection, photos: list[Photo]) -> None:
    """Write the photos under random names and attach them to ``inspection``."""
    for photo in photos:
        inspection.photos.append(
            InspectionPhoto(
                filename=store_photo(PHOTO_FOLDER, photo),
                media_type=photo.media_type,
                size=len(photo.data),
            )
        )


def add_photos(inspection: Inspection, photos: list[bytes]) -> Inspection:
    """Attach ``photos`` to ``inspection`` within the size, type and count limits. Commits.

    ``FieldErrors`` (field ``photos``) when none is given or one is refused; nothing is stored
    then.
    """
    errors: dict[str, list[str]] = {}
    if not photos:
        raise FieldErrors({"photos": [_("Choose at least one photo.")]})
    cleaned = _check_photos(errors, photos, len(inspection.photos))
    if errors:
        raise FieldErrors(errors)
    _store_photos(inspection, cleaned)
    db.session.commit()
    return inspection


def delete_photo(photo: InspectionPhoto) -> None:
    """Remove a photo and its files (the caller has checked permission). Commits."""
    name = photo.filename
    db.session.delete(photo)
    db.session.commit()
    drop_photo(PHOTO_FOLDER, name)


# --- writes --------------------------------------------------------------------------------


@dataclass
class InspectionInput:
    """What a page or API call submits for an inspection (``team_id`` or ``village_id``)."""

    team_id: int | None = None
    village_id: int | None = None
    kind: InspectionKind | str | None = None
    inspected_on: date | None = None
    findings: str = ""
    #: bytes of new photos (pages only)
    photos: list[bytes] = field(default_factory=list)


def _check(
    user: User, data: InspectionInput, inspection: Inspection | None
) -> tuple[Team | None, Area, str, list[Photo]]:
    """Validate ``data``; raise FieldErrors naming every bad field."""
    errors: dict[str, list[str]] = {}
    team, village = resolve_unit(errors, data.team_id, data.village_id)
    if village is not None and not may_review_area(user, village):
        errors["team_id" if team else "village_id"] = [
            _("Choose a team or a village inside your area.")
        ]
    try:
        InspectionKind(data.kind)
    except ValueError:
        errors["kind"] = [_("Choose scheduled or unannounced.")]
    if data.inspected_on is None:
        errors["inspected_on"] = [_("Enter the day of the inspection.")]
    elif data.inspected_on > rules.today():
        errors["inspected_on"] = [_("The day cannot be in the future.")]
    findings = clean_text(errors, "findings", data.findings, MAX_FINDINGS, required=True)
    already = len(inspection.photos) if inspection is not None else 0
    photos = _check_photos(errors, list(data.photos or []), already)
    if errors:
        raise FieldErrors(errors)
    return team, village, findings, photos


def record_inspection(user: User, data: InspectionInput) -> Inspection:
    """Record an inspection by ``user`` (a reviewer inside their area, or an admin). Commits."""
    team, village, findings, photos = _check(user, data, None)
    inspection = Inspection(
        team=team,
        village=village,
        kind=InspectionKind(data.kind),
        inspected_on=data.inspected_on,
        findings=findings,
        inspector=user,
    )
    db.session.add(inspection)
    _store_photos(inspection, photos)
    db.session.commit()
    return inspection


def update_inspection(user: User, inspection: Inspection, data: InspectionInput) -> Inspection:
    """Change an inspection (and add photos); the same rules as recording one. Commits."""
    if not may_review_area(user, inspection.village):
        raise FieldErrors({"village_id": [_("Choose a team or a village inside your area.")]})
    team, village, findings, photos = _check(user, data, inspection)
    inspection.team, inspection.village = team, village
    inspection.kind = InspectionKind(data.kind)
    inspection.inspected_on = data.inspected_on
    inspection.findings = findings
    _store_photos(inspection, photos)
    db.session.commit()
    return inspection


def delete_inspection(inspection: Inspection, user: User | None) -> None:
    """Delete an inspection recorded by mistake (caller checked): soft, with who and when, so
    an admin can restore it with its photos. Rectification items made from it stay; their
    link shows nothing while it is deleted. Commits."""
    inspection.soft_delete(user)
    db.session.commit()
