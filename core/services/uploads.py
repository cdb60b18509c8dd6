"""Uploaded photos: checked, decoded and saved again, stored under random names, served privately.

A photo is taken when its first bytes are those of a JPEG, PNG or WebP file, it is no larger
than the caller's limit in KB, and Pillow decodes it whole within ``MAX_PIXELS``. It is then
saved again in its own format from the decoded pixels: the EXIF orientation turned into the
pixels, the colours converted to sRGB, and nothing else kept (no EXIF with its GPS position, no
comments or text chunks, no bytes after the image), so a file that is also HTML, a script or an
archive loses that part. A thumbnail ``THUMBNAIL_WIDTH`` pixels wide is stored beside it.

Files live in ``<instance>/uploads/<folder>/`` and are only sent by a view that has checked the
reader, never cached by shared caches. A file is written before the row naming it is committed:
the session notes it, and a rollback of that transaction removes it again, so a failed write
(a refused form, a lost race, a conflict) leaves no file behind, whichever caller it was.
"""

from __future__ import annotations

import functools
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Response, abort, current_app, request, send_file
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import db
from core.services import FieldErrors

if TYPE_CHECKING:
    # Pillow is imported where a photo is decoded, not at start-up
    from PIL import Image

#: accepted photo types: media type -> (file extension, Pillow format, test on the first bytes)
PHOTO_TYPES = {
    "image/jpeg": (".jpg", "JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/png": (".png", "PNG", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/webp": (".webp", "WEBP", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
#: the most pixels a photo may decode to (a 50-megapixel camera; about 150 MB once decoded)
MAX_PIXELS = 50_000_000
#: the width of a thumbnail (never wider than the photo; at most three times as tall)
THUMBNAIL_WIDTH = 320
#: what Pillow is given when saving: lossy formats at a quality fit for photos
SAVE_OPTIONS = {"JPEG": {"quality": 85}, "PNG": {}, "WEBP": {"quality": 85}}


@functools.cache
def _srgb_profile():
    """The sRGB colour profile photos are converted to (made once, on first use)."""
    from PIL import ImageCms

    return ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: its bytes saved again, its media type and its thumbnail."""

    data: bytes
    media_type: str
    thumbnail: bytes


def uploaded_photos(field: str = "photos") -> list[bytes]:
    """The bytes of the files uploaded in the multipart ``field`` of the current request
    (parts without a file name or without bytes skipped), for :func:`clean_photos`."""
    return [
        data
        for f in request.files.getlist(field)
        if f and f.filename
        for data in [f.read()]
        if data
    ]


# --- checks ---------------------------------------------------------------------------------


def _too_large(several: bool, limit: int) -> str:
    """The refusal of a photo of more than ``limit`` KB."""
    if several:
        return _("A photo is larger than %(n)s KB.", n=limit)
    return _("The photo is larger than %(n)s KB.", n=limit)


def _not_an_image(several: bool) -> str:
    """The refusal of a file that is not a JPEG, PNG or WebP image."""
    if several:
        return _("Upload JPEG, PNG or WebP images only.")
    return _("Upload a JPEG, PNG or WebP image.")


def _pixel_message(several: bool, limit: int) -> str:
    """The refusal of a photo of too many pixels (``limit`` in millions)."""
    if several:
        return _("A photo has more than %(n)s million pixels.", n=limit)
    return _("The photo has more than %(n)s million pixels.", n=limit)


def _media_type(data: bytes) -> str | None:
    """The media type the first bytes announce, or ``None``."""
    return next((t for t, (_e, _f, test) in PHOTO_TYPES.items() if test(data[:16])), None)


def _decode(data: bytes, fmt: str) -> Image.Image | None:
    """The decoded image, or ``None`` when Pillow cannot read all of it as ``fmt``.

    Raises ``OverflowError`` when it has more than ``MAX_PIXELS`` (checked from the header,
    before the pixels are decoded).
    """
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own bomb limit: both mean too many pixels here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[fmt])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise OverflowError from None
        except Exception:  # any decoder failure on untrusted bytes is a refusal
            return None
    if image.width * image.height > MAX_PIXELS:
        raise OverflowError
    try:
        image.load()
    except Exception:  # truncated or damaged data, or a decoder error
        return None
    return image


def _srgb(image: Image.Image) -> Image.Image:
    """``image`` in sRGB when it carries another colour profile (dropped on saving)."""
    from PIL import ImageCms

    profile = image.info.get("icc_profile")
    if not profile:
        return image
    mode = "RGBA" if "A" in image.getbands() else "RGB"
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _srgb_profile(), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _pixels(image: Image.Image, fmt: str) -> Image.Image:
    """A copy of the pixels alone, upright and in sRGB, that ``fmt`` can save."""
    from PIL import ImageOps

    image = _srgb(ImageOps.exif_transpose(image))
    if "transparency" in image.info:  # a palette or keyed transparency lives in ``info``
        image = image.convert("RGBA")
    if fmt == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    clean = image.copy()
    clean.info = {}
    return clean


def _save(image: Image.Image, fmt: str) -> bytes:
    """``image`` encoded as ``fmt`` with no metadata."""
    out = io.BytesIO()
    image.save(out, fmt, **SAVE_OPTIONS[fmt])
    return out.getvalue()


def _thumbnail(image: Image.Image) -> Image.Image:
    """A copy at most ``THUMBNAIL_WIDTH`` wide (and three times as tall), proportions kept."""
    from PIL import Image

    small = image.copy()
    small.thumbnail((THUMBNAIL_WIDTH, 3 * THUMBNAIL_WIDTH), Image.Resampling.LANCZOS)
    return small


def clean_photo(data: bytes, max_kb: int, field: str = "photo", several: bool = False) -> Photo:
    """The photo of ``data`` saved again, with its thumbnail; ``FieldErrors`` on ``field``.

    Refused: more than ``max_kb`` KB, first bytes of no accepted type, data Pillow cannot
    decode, more than ``MAX_PIXELS``. ``several`` words the messages for a field that takes
    several photos ("A photo ...") rather than one ("The photo ...").
    """
    if len(data) > max_kb * 1024:
        raise FieldErrors({field: [_too_large(several, max_kb)]})
    media_type = _media_type(data)
    if media_type is None:
        raise FieldErrors({field: [_not_an_image(several)]})
    fmt = PHOTO_TYPES[media_type][1]
    try:
        image = _decode(data, fmt)
    except OverflowError:
        raise FieldErrors({field: [_pixel_message(several, MAX_PIXELS // 1_000_000)]}) from None
    if image is None:
        raise FieldErrors({field: [_not_an_image(several)]})
    with image:
        pixels = _pixels(image, fmt)
    return Photo(_save(pixels, fmt), media_type, _save(_thumbnail(pixels), fmt))


def clean_photos(
    photos: list[bytes],
    max_kb: int,
    max_count: int,
    already: int,
    too_many: str,
    errors: dict | None = None,
) -> list[Photo]:
    """Each of ``photos`` as :func:`clean_photo` does it, for the field ``photos``.

    ``FieldErrors`` with the first refusal, or with ``too_many`` when ``already`` stored ones
    and these would be more than ``max_count``. Given ``errors`` (a form's other mistakes), the
    refusal is noted there instead and no photo is returned: all are kept, or none.
    """
    try:
        if already + len(photos) > max_count:
            raise FieldErrors({"photos": [too_many]})
        return [clean_photo(data, max_kb, "photos", several=True) for data in photos]
    except FieldErrors as exc:
        if errors is None:
            raise
        errors.update(exc.errors)
        return []


# --- files ----------------------------------------------------------------------------------


def upload_dir(folder: str) -> Path:
    """``<instance>/uploads/<folder>/`` (made when missing)."""
    if not folder or Path(folder).name != folder:
        raise ValueError(f"not a folder name: {folder!r}")
    path = Path(current_app.instance_path) / "uploads" / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def _thumbnail_name(name: str) -> str:
    """The file name of the thumbnail of the photo stored as ``name``."""
    path = Path(name)
    return f"{path.stem}.thumb{path.suffix}"


def store_photo(folder: str, photo: Photo, stem: str | None = None) -> str:
    """Write ``photo`` and its thumbnail under a random name in ``folder``; return the name.

    ``stem`` (hex digits) replaces the random part where the name must be reproducible (the
    demo data of one seed)."""
    directory = upload_dir(folder)
    if stem is not None and not (stem.isalnum() and stem.isascii()):
        raise ValueError(f"not a file name stem: {stem!r}")
    name = (stem or secrets.token_hex(16)) + PHOTO_TYPES[photo.media_type][0]
    (directory / name).write_bytes(photo.data)
    (directory / _thumbnail_name(name)).write_bytes(photo.thumbnail)
    db.session.info.setdefault(_UNCOMMITTED, []).append((folder, name))
    return name


#: the session's key for the files written since its last commit
_UNCOMMITTED = "kepu_uncommitted_photos"


@event.listens_for(Session, "after_commit")
def _keep_written_photos(session: Session) -> None:
    """Their rows are committed: the files stay."""
    session.info.pop(_UNCOMMITTED, None)


@event.listens_for(Session, "after_rollback")
def _drop_written_photos(session: Session) -> None:
    """Their rows were never saved: remove the files written for them."""
    for folder, name in session.info.pop(_UNCOMMITTED, []):
        drop_photo(folder, name)


def photo_file(folder: str, name: str | None, thumbnail: bool = False) -> Path | None:
    """Where the photo ``name`` (or its thumbnail) lies; ``None`` when there is no such file.

    A photo stored before thumbnails were made has none: its thumbnail is the photo itself.
    """
    if not name:
        return None
    path = upload_dir(folder) / Path(name).name
    if thumbnail:
        small = path.with_name(_thumbnail_name(path.name))
        if small.is_file():
            return small
    return path if path.is_file() else None


def send_photo(folder: str, name: str | None, media_type: str, thumbnail: bool = False) -> Response:
    """The photo ``name`` (or its thumbnail), never kept by shared caches; 404 when missing.

    The caller has checked that the user may read it.
    """
    path = photo_file(folder, name, thumbnail)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=media_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def drop_photo(folder: str, name: str | None) -> None:
    """Remove the photo ``name`` and its thumbnail (nothing when there is none)."""
    if not name:
        return
    path = upload_dir(folder) / Path(name).name
    path.with_name(_thumbnail_name(path.name)).unlink(missing_ok=True)
    path.unlink(missing_ok=True)
