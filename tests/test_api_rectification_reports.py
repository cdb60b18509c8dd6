"""/api/v1/rectifications/{id}/steps, /reports, /accept, /send-back and report photos: the
two-sided follow-up through the API."""

from datetime import timedelta
from io import BytesIO

import pytest

from core.extensions import db
from core.models import Notification, Rectification, Role
from core.services.rectifications import RectificationInput, create_rectification
from tests.assessment_support import TODAY
from tests.image_support import PNG

API = "/api/v1/rectifications"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


@pytest.fixture
def item(world) -> Rectification:
    return create_rectification(
        world.reviewer,
        RectificationInput(
            requirement="补齐走访台账", deadline=TODAY + timedelta(days=10), team_id=world.team.id
        ),
    )


def test_leader_reports_by_json_and_the_item_awaits_review(world, client, bearer, item):
    leader = bearer(world.leader)
    response = client.post(f"{API}/{item.id}/reports", json={"text": "台账已补齐"}, headers=leader)
    assert response.status_code == 201, response.get_json()
    step = response.get_json()
    assert step["kind"] == "report" and step["text"] == "台账已补齐" and step["photos"] == []
    assert step["author_id"] == world.leader.id and step["rectification_id"] == item.id
    shown = client.get(f"{API}/{item.id}", headers=leader).get_json()
    assert shown["awaiting_review"] is True and shown["status"] == "open"
    reviewer = bearer(world.reviewer)
    listed = client.get(f"{API}/?status=awaiting", headers=reviewer).get_json()
    assert [i["id"] for i in listed] == [item.id]
    assert db.session.scalar(
        db.select(db.func.count(Notification.id)).where(Notification.user_id == world.reviewer.id)
    )


def test_a_report_with_photos_by_multipart(world, client, bearer, item):
    headers = bearer(world.leader)
    response = client.post(
        f"{API}/{item.id}/reports",
        data={"text": "已更新宣传栏", "photos": [(BytesIO(PNG), "a.png")]},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()["photos"][0]
    assert photo["media_type"] == "image/png"
    with client.get(photo["url"], headers=bearer(world.member)) as image:
        assert image.status_code == 200 and image.data == PNG
    with client.get(photo["url"], headers=bearer(world.other_leader)) as image:
        assert image.status_code == 403
    other = client.get(f"{API}/{item.id + 1}/photos/{photo['id']}", headers=headers)
    assert other.status_code == 404
    refused = client.post(
        f"{API}/{item.id}/reports",
        data={"text": "再报", "photos": [(BytesIO(b"not an image"), "a.png")]},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert refused.status_code == 422 and "photos" in refused.get_json()["errors"]["files"]
    missing = client.post(
        f"{API}/{item.id}/reports", data={}, content_type="multipart/form-data", headers=headers
    )
    assert missing.status_code == 422 and "text" in missing.get_json()["errors"]["form"]
    steps = client.get(f"{API}/{item.id}/steps", headers=headers).get_json()
    assert len(steps) == 1


def test_who_may_report_and_answer(world, client, bearer, item):
    url = f"{API}/{item.id}/reports"
    assert client.post(url, json={"text": "x"}, headers=bearer(world.member)).status_code == 403
    assert (
        client.post(url, json={"text": "x"}, headers=bearer(world.other_leader)).status_code == 403
    )
    assert client.post(url, json={"text": "x"}, headers=bearer(world.reviewer)).status_code == 403
    missing = client.post(url, json={}, headers=bearer(world.leader))
    assert missing.status_code == 422 and "text" in missing.get_json()["errors"]["json"]
    assert (
        client.post(url, json={"text": "已整改"}, headers=bearer(world.leader)).status_code == 201
    )
    stranger = world.make_user("reviewer2", Role.REVIEWER, area=world.other_township)
    db.session.commit()
    accept = f"{API}/{item.id}/accept"
    assert client.post(accept, json={}, headers=bearer(stranger)).status_code == 403
    assert client.post(accept, json={}, headers=bearer(world.leader)).status_code == 403
    assert client.get(f"{API}/{item.id}/steps", headers=bearer(stranger)).status_code == 403
    # a leader still may not create or change items
    assert (
        client.post(
            f"{API}/",
            json={"team_id": world.team.id, "requirement": "x", "deadline": "2026-12-30"},
            headers=bearer(world.leader),
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"{API}/{item.id}", json={"title": "x"}, headers=bearer(world.leader)
        ).status_code
        == 403
    )


def test_send_back_needs_a_reason_then_accept_closes(world, client, bearer, item):
    leader, reviewer = bearer(world.leader), bearer(world.reviewer)
    client.post(f"{API}/{item.id}/reports", json={"text": "第一次报告"}, headers=leader)
    url = f"{API}/{item.id}/send-back"
    response = client.post(url, json={"reason": " "}, headers=reviewer)
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]["json"]
    assert client.get(f"{API}/{item.id}", headers=reviewer).get_json()["awaiting_review"]
    response = client.post(url, json={"reason": "照片不清楚"}, headers=reviewer)
    assert response.status_code == 200
    assert response.get_json()["awaiting_review"] is False
    assert response.get_json()["status"] == "open"
    again = client.post(url, json={"reason": "再退回"}, headers=reviewer)
    assert again.status_code == 409
    client.post(f"{API}/{item.id}/reports", json={"text": "第二次报告"}, headers=leader)
    response = client.post(f"{API}/{item.id}/accept", headers=reviewer)
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert done["status"] == "done" and done["done_by_id"] == world.reviewer.id
    assert done["done_on"] == TODAY.isoformat() and done["done_note"] == "第二次报告"
    steps = client.get(f"{API}/{item.id}/steps", headers=leader).get_json()
    assert [(s["kind"], s["text"]) for s in steps] == [
        ("report", "第一次报告"),
        ("sent_back", "照片不清楚"),
        ("report", "第二次报告"),
        ("accepted", ""),
    ]
    assert steps[1]["author_name"] == world.reviewer.name


@pytest.mark.parametrize(
    "language, expected",
    [("en", "its follow-up is closed"), ("zh-CN", "整改已完成")],
)
def test_a_done_item_answers_409_in_the_callers_language(
    world, client, bearer, item, language, expected
):
    leader = bearer(world.leader)
    client.post(f"{API}/{item.id}/reports", json={"text": "已整改"}, headers=leader)
    client.post(f"{API}/{item.id}/accept", json={"note": "核实"}, headers=bearer(world.reviewer))
    response = client.post(
        f"{API}/{item.id}/reports",
        json={"text": "再报"},
        headers={**leader, "Accept-Language": language},
    )
    assert response.status_code == 409 and expected in response.get_json()["message"]


def test_a_deleted_item_is_404(world, client, bearer, item):
    reviewer = bearer(world.reviewer)
    assert client.delete(f"{API}/{item.id}", headers=reviewer).status_code == 204
    leader = bearer(world.leader)
    assert (
        client.post(f"{API}/{item.id}/reports", json={"text": "x"}, headers=leader).status_code
        == 404
    )
    assert client.get(f"{API}/{item.id}/steps", headers=leader).status_code == 404
    assert client.post(f"{API}/{item.id}/accept", json={}, headers=reviewer).status_code == 404


def test_the_endpoints_are_documented(client, world, bearer):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/rectifications/{item_id}"
    assert {"get"} <= set(paths[base + "/steps"])
    assert "multipart/form-data" in paths[base + "/reports"]["post"]["requestBody"]["content"]
    assert "409" in paths[base + "/accept"]["post"]["responses"]
    assert "post" in paths[base + "/send-back"]
    assert "get" in paths[base + "/photos/{photo_id}"]
