"""Uploaded photos: decoded and saved again (no hidden payload, no metadata), bounded, with a
thumbnail, stored under random names and removed with it."""

import io
import zipfile
import zlib

import pytest
from flask_babel import force_locale
from image_support import JPEG, PNG, decoded, image_bytes
from PIL import ExifTags, Image, ImageCms
from werkzeug.exceptions import NotFound

from core.services import FieldErrors
from core.services.uploads import (
    THUMBNAIL_WIDTH,
    clean_photo,
    clean_photos,
    drop_photo,
    photo_file,
    send_photo,
    store_photo,
    upload_dir,
)


@pytest.fixture(autouse=True)
def instance(app, monkeypatch, tmp_path):
    """A fresh instance folder, and English messages."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.test_request_context(), force_locale("en"):
        yield


def _clean(data: bytes):
    return clean_photo(data, 4096)


def _refusal(data: bytes, **kw) -> str:
    with pytest.raises(FieldErrors) as exc:
        clean_photo(data, 4096, **kw)
    [(field, [message])] = exc.value.errors.items()
    assert field == kw.get("field", "photo")
    return message


def _claiming(width: int, height: int) -> bytes:
    """A real small PNG whose header claims ``width`` x ``height`` pixels."""
    data = bytearray(PNG)
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


# --- what is kept ---------------------------------------------------------------------------


def test_a_png_with_html_appended_is_stored_without_it():
    photo = _clean(PNG + b"<html><script>alert(document.cookie)</script></html>")
    assert photo.media_type == "image/png" and photo.data == PNG
    assert b"<script" not in photo.data and b"<script" not in photo.thumbnail


def test_a_png_that_is_also_a_zip_loses_the_archive():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.html", "<script>alert(1)</script>")
    photo = _clean(PNG + archive.getvalue())
    assert photo.data == PNG and b"PK\x03\x04" not in photo.data


def test_a_jpeg_comment_holding_a_script_is_dropped():
    data = image_bytes("JPEG", (16, 16), comment=b"<script>alert(1)</script>")
    assert b"<script>" in data
    photo = _clean(data)
    assert photo.media_type == "image/jpeg" and photo.data == JPEG
    assert b"<script>" not in photo.data and "comment" not in decoded(photo.data).info


def test_exif_gps_is_dropped_and_the_orientation_applied():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter clockwise
    exif[ExifTags.Base.Make] = "KepuCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 52.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (118.0, 50.0, 0.0),
    }
    data = image_bytes("JPEG", (40, 20), exif=exif.tobytes())
    assert decoded(data).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    photo = _clean(data)
    stored = decoded(photo.data)
    assert stored.size == (20, 40)  # upright, as the camera meant it
    assert not stored.getexif() and "exif" not in stored.info
    assert b"KepuCam" not in photo.data and b"Exif" not in photo.data


def test_a_colour_profile_is_applied_not_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo = _clean(image_bytes("JPEG", (16, 16), icc_profile=profile))
    assert "icc_profile" not in decoded(photo.data).info


def test_webp_stays_webp_and_png_transparency_stays():
    webp = _clean(image_bytes("WEBP", (8, 8)))
    assert webp.media_type == "image/webp" and decoded(webp.data).format == "WEBP"
    keyed = image_bytes("PNG", (4, 4), 0, mode="P", transparency=0)
    stored = decoded(_clean(keyed).data)
    assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0


def test_the_thumbnail_is_320_pixels_wide_and_never_larger_than_the_photo():
    photo = _clean(image_bytes("PNG", (1000, 500)))
    assert decoded(photo.data).size == (1000, 500)
    assert decoded(photo.thumbnail).size == (THUMBNAIL_WIDTH, 160)
    assert decoded(photo.thumbnail).format == "PNG"
    assert decoded(_clean(PNG).thumbnail).size == (4, 4)
    assert decoded(_clean(image_bytes("JPEG", (100, 2000))).thumbnail).size == (48, 960)


# --- what is refused ------------------------------------------------------------------------


def test_a_file_with_a_png_header_that_is_not_an_image_is_refused():
    fake = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    assert _refusal(fake) == "Upload a JPEG, PNG or WebP image."
    assert _refusal(fake, field="photos", several=True) == "Upload JPEG, PNG or WebP images only."
    assert _refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 64) == "Upload a JPEG, PNG or WebP image."
    assert _refusal(image_bytes("PNG", (64, 64))[:60]) == "Upload a JPEG, PNG or WebP image."
    assert _refusal(b"GIF89a" + b"\x00" * 20) == "Upload a JPEG, PNG or WebP image."


@pytest.mark.parametrize("side", [8000, 10_000, 20_000])
def test_an_image_of_huge_dimensions_is_refused_before_it_is_decoded(side):
    # 64 million pixels (over Kepu's limit), 100 million (over Pillow's warning), 400 million
    # (over Pillow's own refusal): each refused from the header alone
    assert _refusal(_claiming(side, side)) == "The photo has more than 50 million pixels."
    message = _refusal(_claiming(side, side), field="photos", several=True)
    assert message == "A photo has more than 50 million pixels."


def test_size_and_count_limits():
    with pytest.raises(FieldErrors) as exc:
        clean_photo(PNG + b"\x00" * 2048, 1)
    assert exc.value.errors == {"photo": ["The photo is larger than 1 KB."]}
    with pytest.raises(FieldErrors) as exc:
        clean_photos([PNG, PNG], 4096, 3, 2, too_many="three at most")
    assert exc.value.errors == {"photos": ["three at most"]}
    assert [p.data for p in clean_photos([PNG, JPEG], 4096, 3, 1, too_many="")] == [PNG, JPEG]


# --- files ----------------------------------------------------------------------------------


def test_stored_under_a_random_name_beside_its_thumbnail_and_dropped_with_it(app):
    photo = _clean(image_bytes("JPEG", (640, 480)))
    name = store_photo("things", photo)
    folder = upload_dir("things")
    assert name.endswith(".jpg") and len(name) == 36
    assert sorted(p.name for p in folder.iterdir()) == sorted([name, name[:-4] + ".thumb.jpg"])
    assert photo_file("things", name).read_bytes() == photo.data
    assert photo_file("things", name, thumbnail=True).read_bytes() == photo.thumbnail
    assert photo_file("things", "../" + name) == photo_file("things", name)  # no way out
    with send_photo("things", name, "image/jpeg", thumbnail=True) as response:
        response.direct_passthrough = False
        assert response.get_data() == photo.thumbnail
        assert response.headers["Cache-Control"] == "private, no-store"
    drop_photo("things", name)
    assert list(folder.iterdir()) == [] and photo_file("things", name) is None
    with pytest.raises(NotFound):
        send_photo("things", name, "image/jpeg")
    with pytest.raises(ValueError):
        upload_dir("../elsewhere")


def test_a_photo_stored_before_thumbnails_is_its_own_thumbnail():
    (upload_dir("old") / "before.png").write_bytes(PNG)
    assert photo_file("old", "before.png", thumbnail=True).name == "before.png"
