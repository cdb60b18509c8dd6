"""The model campaign: photos of a nomination's evidence, from the nomination form, the
nomination page and the API; all or none stored, served only to the nomination's readers."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.model_campaign import services as svc
from plugins.model_campaign.demo import build
from plugins.model_campaign.models import Criterion, Nomination, NominationPhoto, Round, Tier
from tests.image_support import JPEG, PNG, decoded, image_bytes

API = "/api/v1/plugins/model_campaign"
PAGES = "/plugins/model_campaign"
YEAR = date.today().year
NOT_AN_IMAGE = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def mc(app, world):
    """The plugin enabled, a criterion of each tier and this year's round."""
    set_enabled(app, "model_campaign", True)
    db.session.add_all(Criterion(tier=t, title=f"{t}-a", max_score=10) for t in Tier)
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    db.session.commit()
    return world


def _folder(app) -> Path:
    return Path(app.instance_path) / "uploads" / "model_campaign"


def _stored(app) -> set[str]:
    folder = _folder(app)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _form(mc, photos):
    """The nomination form of the leader's village, with ``photos`` as (bytes, name) pairs."""
    return {
        "round_id": str(db.session.scalar(select(Round.id))),
        "tier": "village",
        "area_id": str(mc.village.id),
        "reason": "党建引领科普成效突出",
        "evidence": "全年培训12场",
        "photos": [(BytesIO(data), name) for data, name in photos],
    }


def _nominate_page(client, mc, photos):
    return client.post(
        f"{PAGES}/nominations/new", data=_form(mc, photos), content_type="multipart/form-data"
    )


def test_the_form_offers_phone_photos(mc, client, login):
    login("leader")
    html = client.get(f"{PAGES}/nominations/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'accept="image/*"' in html and "multiple" in html


def test_leader_nominates_with_photos_and_readers_see_them(mc, app, client, login):
    login("leader")
    big = image_bytes("JPEG", (1600, 1200))
    response = _nominate_page(client, mc, [(PNG, "a.png"), (big, "b.jpg")])
    assert response.status_code == 302
    nomination = db.session.scalar(select(Nomination))
    first, second = nomination.photos
    assert [p.media_type for p in nomination.photos] == ["image/png", "image/jpeg"]
    assert (_folder(app) / first.filename).read_bytes() == PNG
    html = client.get(f"{PAGES}/nominations/{nomination.id}").get_data(as_text=True)
    url = f"{PAGES}/nominations/{nomination.id}/photos/{second.id}"
    assert f'<a href="{url}"><img src="{url}?thumbnail=1"' in html
    client.post("/logout")
    for username in ("member", "reviewer", "admin"):
        login(username)
        with client.get(url) as full:
            assert full.status_code == 200 and decoded(full.data).size == (1600, 1200)
            assert full.headers["Cache-Control"] == "private, no-store"
        with client.get(f"{url}?thumbnail=1") as thumbnail:
            assert decoded(thumbnail.data).size == (320, 240)
        client.post("/logout")
    login("leader2")  # another township: may not read the nomination, nor its photos
    assert client.get(url).status_code == 403
    assert client.get(f"{url}?thumbnail=1").status_code == 403


def test_a_non_image_refuses_the_whole_nomination(mc, app, client, login):
    login("leader")
    before = _stored(app)  # the instance folder is shared by the session's tests
    response = _nominate_page(client, mc, [(PNG, "a.png"), (NOT_AN_IMAGE, "evil.jpg")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error"' in html
    assert db.session.scalar(select(func.count(Nomination.id))) == 0
    assert _stored(app) == before
    response = _nominate_page(client, mc, [(PNG, f"{i}.png") for i in range(svc.MAX_PHOTOS + 1)])
    assert str(svc.MAX_PHOTOS) in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Nomination.id))) == 0
    assert _nominate_page(client, mc, []).status_code == 302  # photos stay optional


def test_photos_added_from_the_nomination_page(mc, app, client, login):
    login("leader")
    _nominate_page(client, mc, [(PNG, "a.png")])
    nomination = db.session.scalar(select(Nomination))
    page = f"{PAGES}/nominations/{nomination.id}"
    assert 'id="mc-add-photos"' in client.get(page).get_data(as_text=True)
    files = {"photos": [(BytesIO(JPEG), "b.jpg")]}
    response = client.post(f"{page}/photos", data=files, content_type="multipart/form-data")
    assert response.status_code == 302 and len(nomination.photos) == 2
    bad = {"photos": [(BytesIO(JPEG), "c.jpg"), (BytesIO(NOT_AN_IMAGE), "d.jpg")]}
    response = client.post(f"{page}/photos", data=bad, content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Nomination, nomination.id).photos) == 2
    client.post("/logout")
    login("member")  # reads, never adds
    assert 'id="mc-add-photos"' not in client.get(page).get_data(as_text=True)
    files = {"photos": [(BytesIO(JPEG), "e.jpg")]}
    assert client.post(f"{page}/photos", data=files).status_code == 403


def test_api_adds_and_serves_photos_to_readers_only(mc, app, client, bearer):
    leader = bearer(mc.leader)
    body = {
        "round_id": db.session.scalar(select(Round.id)),
        "tier": "village",
        "area_id": mc.village.id,
        "reason": "成效突出",
        "evidence": "培训12场",
    }
    nid = client.post(f"{API}/nominations", json=body, headers=leader).get_json()["id"]
    url = f"{API}/nominations/{nid}/photos"
    response = client.post(
        url,
        data={"photos": [(BytesIO(PNG), "a.png"), (BytesIO(JPEG), "b.jpg")]},
        headers=leader,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    photos = response.get_json()["photos"]
    assert [p["media_type"] for p in photos] == ["image/png", "image/jpeg"]
    assert photos[0]["url"] == f"{url}/{photos[0]['id']}"
    assert client.get(f"{API}/nominations/{nid}", headers=leader).get_json()["photos"] == photos
    with client.get(photos[0]["url"], headers=bearer(mc.member)) as image:
        assert image.status_code == 200 and image.data == PNG
    assert client.get(photos[0]["url"], headers=bearer(mc.other_leader)).status_code == 403
    assert client.get(f"{url}/99999", headers=leader).status_code == 404
    before = _stored(app)
    bad = client.post(
        url,
        data={"photos": [(BytesIO(PNG), "c.png"), (BytesIO(NOT_AN_IMAGE), "d.png")]},
        headers=leader,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "photos" in bad.get_json()["errors"]["files"]
    empty = client.post(url, data={}, headers=leader, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert _stored(app) == before
    assert db.session.scalar(select(func.count(NominationPhoto.id))) == 2
    member = client.post(
        url,
        data={"photos": [(BytesIO(PNG), "e.png")]},
        headers=bearer(mc.member),
        content_type="multipart/form-data",
    )
    assert member.status_code == 403
    spec = client.get("/api/v1/openapi.json").get_json()
    assert f"{API}/nominations/{{nomination_id}}/photos" in spec["paths"]


def test_no_photos_after_the_final_decision(mc, client, bearer):
    round_id = db.session.scalar(select(Round.id))
    data = svc.NominationInput(round_id, "village", mc.village.id, reason="好", evidence="好")
    nomination = svc.create_nomination(data, mc.leader)
    svc.decide(nomination, "withdrawn", "", mc.leader)
    response = client.post(
        f"{API}/nominations/{nomination.id}/photos",
        data={"photos": [(BytesIO(PNG), "a.png")]},
        headers=bearer(mc.leader),
        content_type="multipart/form-data",
    )
    assert response.status_code == 409


def test_demo_nominations_show_generated_photos(app, world):
    set_enabled(app, "model_campaign", True)
    counts = build(7, date.today())
    db.session.commit()
    photos = db.session.scalars(select(NominationPhoto)).all()
    assert counts["photos"] == len(photos) > 0
    for photo in photos:
        data = (_folder(app) / photo.filename).read_bytes()
        assert photo.media_type == "image/jpeg" and len(data) < 64 * 1024
