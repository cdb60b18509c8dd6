"""A leader logs a visit with a photo on a phone without a connection: the outbox keeps the
photo with the visit and sends both once when the connection returns."""

import pytest
from image_support import image_bytes
from sqlalchemy import select

from core.extensions import db
from core.models import Visit

pytestmark = pytest.mark.e2e

#: a photo as a phone's camera gives it (small, so the test stays quick)
PHOTO = {
    "name": "IMG_0001.jpg",
    "mimeType": "image/jpeg",
    "buffer": image_bytes("JPEG", (640, 480)),
}


def _visits() -> list[Visit]:
    db.session.expire_all()
    return db.session.execute(select(Visit)).scalars().all()


def _kept_photos(page, key: str) -> int:
    """How many visit copies have photos kept in the phone's IndexedDB."""
    return page.evaluate(
        """(key) => new Promise((resolve, reject) => {
          const open = indexedDB.open(key, 1);
          open.onsuccess = () => {
            const count = open.result.transaction("photos").objectStore("photos").count();
            count.onsuccess = () => { open.result.close(); resolve(count.result); };
            count.onerror = () => reject(count.error);
          };
          open.onerror = () => reject(open.error);
        })""",
        key,
    )


def test_a_visit_with_a_photo_logged_offline_arrives_once_with_its_photo(phone, world):
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/visits/new")
    assert page.get_attribute("#photos", "accept") == "image/*"
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=onsite_guidance]")
    page.fill("#people_reached", "9")
    page.set_input_files("#photos", files=[PHOTO])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.set_offline(True)
    page.click("form button[type=submit].primary")
    page.locator("#outbox:not([hidden])").wait_for()
    key = f"kepu-outbox-{world.leader.id}"
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem('{key}'))")
    assert len(kept) == 1 and kept[0]["photos"] == 1
    assert all(isinstance(value, str) for _name, value in kept[0]["fields"])
    assert _kept_photos(page, key) == 1
    assert page.evaluate("document.getElementById('photos').files.length") == 0  # form cleared
    assert _visits() == []
    # a copy of what is kept, to send it again later as a retry would
    page.evaluate(
        """(key) => new Promise((resolve) => {
          window.__item = localStorage.getItem(key);
          const open = indexedDB.open(key, 1);
          open.onsuccess = () => {
            const get = open.result.transaction("photos").objectStore("photos").getAll();
            get.onsuccess = () => {
              window.__photos = get.result[0];
              open.result.close();
              resolve();
            };
          };
        })""",
        key,
    )

    page.context.set_offline(False)
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    visits = _visits()
    assert [(v.people_reached, len(v.photos)) for v in visits] == [(9, 1)]
    assert visits[0].photos[0].media_type == "image/jpeg"

    # the same copy sent again (a retry after a lost answer): neither visit nor photo twice
    page.evaluate(
        """(key) => new Promise((resolve) => {
          localStorage.setItem(key, window.__item);
          const id = JSON.parse(window.__item)[0].id;
          const open = indexedDB.open(key, 1);
          open.onsuccess = () => {
            const tx = open.result.transaction("photos", "readwrite");
            tx.objectStore("photos").put(window.__photos, id);
            tx.oncomplete = () => { open.result.close(); resolve(); };
          };
        })""",
        key,
    )
    page.reload()
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    visits = _visits()
    assert [(v.people_reached, len(v.photos)) for v in visits] == [(9, 1)]

    page.goto(page.base + f"/visits/{visits[0].id}")
    thumbnail = page.locator(".visit-photos img")
    assert thumbnail.count() == 1
    page.wait_for_function(
        "() => document.querySelector('.visit-photos img').complete"
        " && document.querySelector('.visit-photos img').naturalWidth > 0"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []
    assert page.foreign_requests == []


def _noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: as heavy as a phone's photo, per pixel."""
    import io
    import os

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def test_online_a_photo_too_large_is_made_smaller_on_the_phone_or_refused(
    phone, world, app, monkeypatch
):
    monkeypatch.setitem(app.config, "VISIT_PHOTO_MAX_KB", 900)
    heavy = {"name": "IMG_0002.png", "mimeType": "image/png", "buffer": _noise_png(800, 600)}
    assert len(heavy["buffer"]) > 900 * 1024
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=lecture]")
    page.fill("#people_reached", "40")
    page.set_input_files("#photos", files=[heavy])
    page.click("form button[type=submit].primary")
    page.wait_for_url(page.base + "/visits")
    assert page.locator(".flash-success").count() == 1
    key = f"kepu-outbox-{world.leader.id}"
    assert page.evaluate(f"() => localStorage.getItem('{key}')") == "[]"
    visits = _visits()
    assert [len(v.photos) for v in visits] == [1]
    assert visits[0].photos[0].media_type == "image/jpeg"  # made smaller, as a JPEG

    monkeypatch.setitem(app.config, "VISIT_PHOTO_MAX_KB", 1)  # nothing fits in 1 KB
    page.goto(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=lecture]")
    page.fill("#people_reached", "41")
    page.set_input_files("#photos", files=[PHOTO])
    page.click("form button[type=submit].primary")
    page.locator("#outbox.flash-error").wait_for()
    assert "1 KB" in page.inner_text("#outbox")
    assert page.url == page.base + "/visits/new"
    assert page.input_value("#people_reached") == "41"  # nothing lost: correct and send
    assert len(_visits()) == 1
    assert page.evaluate(f"() => localStorage.getItem('{key}')") == "[]"
    assert page.console_errors == []


def test_a_refused_photo_comes_back_to_the_form_with_its_visit(phone, world):
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=lecture]")
    page.fill("#people_reached", "17")
    gif = {"name": "scan.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\x00" * 40}
    page.set_input_files("#photos", files=[gif])
    page.context.set_offline(True)
    page.click("form button[type=submit].primary")
    page.locator("#outbox:not([hidden])").wait_for()

    page.context.set_offline(False)  # sent, and refused: not an image Kepu takes
    page.locator("#outbox.flash-error button").click()
    assert page.input_value("#people_reached") == "17"
    page.wait_for_function("() => document.getElementById('photos').files.length === 1")
    assert page.evaluate("document.getElementById('photos').files[0].name") == "scan.gif"
    assert _visits() == []
    page.set_input_files("#photos", files=[PHOTO])  # the leader chooses a real photo
    page.click("form button[type=submit].primary")
    page.wait_for_url(page.base + "/visits")
    assert [(v.people_reached, len(v.photos)) for v in _visits()] == [(17, 1)]
    assert page.console_errors == []
