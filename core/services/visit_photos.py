"""Photos of visits (工作留痕): checked, stored, served and removed.

Photos go through ``core.services.uploads`` like an inspection's: at most ``VISIT_PHOTOS_MAX``
per visit, each at most ``VISIT_PHOTO_MAX_KB``, JPEG, PNG or WebP. Whoever may write the
visit's team records (the team's leader, admins) adds and removes them; whoever may read the
visit sees them. A removed photo is soft-deleted: it is part of the visit's evidence and counted
by the review, so it stays on the trail and on disk, and an admin can restore it.
"""

from flask import Response, current_app
from flask_babel import gettext as _

from core.extensions import db
from core.models import User, Visit, VisitPhoto
from core.permissions import can_write_team_records
from core.services import FieldErrors
from core.services.uploads import Photo, clean_photos, send_photo, store_photo

#: where the photos are stored: <instance>/uploads/visits/
PHOTO_FOLDER = "visits"


def photo_limits() -> tuple[int, int]:
    """(photos per visit, KB per photo) from the configuration."""
    config = current_app.config
    return int(config["VISIT_PHOTOS_MAX"]), int(config["VISIT_PHOTO_MAX_KB"])


def too_many_message(limit: int) -> str:
    """The refusal of more than ``limit`` photos on one visit."""
    return _("A visit keeps at most %(n)s photos.", n=limit)


def check_photos(errors: dict, photos: list[bytes], already: int) -> list[Photo]:
    """``photos`` checked and saved again; notes an error on ``photos`` when one is refused or
    there would be more than the limit with the ``already`` stored ones."""
    if not photos:
        return []
    limit, max_kb = photo_limits()
    return clean_photos(photos, max_kb, limit, already, too_many_message(limit), errors)


def attach_photos(visit: Visit, photos: list[Photo]) -> None:
    """Write ``photos`` under random names and attach them to ``visit`` (not committed; a
    rollback removes the files again)."""
    for photo in photos:
        name = store_photo(PHOTO_FOLDER, photo)
        visit.photos.append(
            VisitPhoto(filename=name, media_type=photo.media_type, size=len(photo.data))
        )


def commit_with_photos(visit: Visit, photos: list[Photo]) -> Visit:
    """Attach ``photos`` to ``visit`` and commit; when the commit fails, its rollback removes
    the files just written (``core.services.uploads``) and the error goes on."""
    attach_photos(visit, photos)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return visit


def add_photos(user: User, visit: Visit, photos: list[bytes]) -> Visit:
    """Attach ``photos`` to ``visit`` within the size, type and count limits. Commits.

    ``FieldErrors`` (field ``photos``) when none is given, one is refused, or ``user`` may not
    change the visit; nothing is stored then.
    """
    if not can_write_team_records(user, visit.team_id):
        raise FieldErrors({"team_id": [_("You may only change visits of your own team.")]})
    if not photos:
        raise FieldErrors({"photos": [_("Choose at least one photo.")]})
    errors: dict[str, list[str]] = {}
    cleaned = check_photos(errors, photos, len(visit.photos))
    if errors:
        raise FieldErrors(errors)
    return commit_with_photos(visit, cleaned)


def remove_photo(photo: VisitPhoto, user: User | None) -> None:
    """Remove a photo from its visit (the caller has checked permission): soft, with who and
    when, its file kept, so an admin can restore it. Commits."""
    photo.soft_delete(user)
    db.session.commit()


def photo_response(photo: VisitPhoto, thumbnail: bool = False) -> Response:
    """The image of ``photo`` (or its thumbnail), never kept by shared caches (404 when its
    file is missing); the caller has checked that the user may read the visit."""
    return send_photo(PHOTO_FOLDER, photo.filename, photo.media_type, thumbnail)
