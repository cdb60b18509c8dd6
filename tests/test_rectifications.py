"""Rectification items: creation, follow-up to done, overdue (computed), home page, API."""

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Rectification, RectificationStatus
from core.notify.digest import DIGEST_PARTS, compose
from core.notify.sections import overdue_items as digest_part
from core.services import FieldErrors
from core.services.inspections import InspectionInput, record_inspection
from core.services.rectifications import (
    RectificationInput,
    create_rectification,
    is_overdue,
    mark_done,
    overdue_rectifications,
)
from tests.assessment_support import TODAY

TODAY_STATE = {"day": TODAY}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    TODAY_STATE["day"] = TODAY
    monkeypatch.setattr("core.rules.today", lambda: TODAY_STATE["day"])


def travel(days: int) -> None:
    """Move the fixed today forward."""
    TODAY_STATE["day"] = TODAY + timedelta(days=days)


def _item(world, user=None, **kw):
    data = {
        "team_id": world.team.id,
        "requirement": "补齐队员至10人",
        "deadline": TODAY + timedelta(days=10),
        "title": "队员不足",
    } | kw
    return create_rectification(user or world.reviewer, RectificationInput(**data))


# --- service --------------------------------------------------------------------------------


def test_create_validates(world):
    with pytest.raises(FieldErrors) as exc:
        _item(world, requirement="", deadline=TODAY - timedelta(days=1), title="x" * 201)
    assert set(exc.value.errors) == {"requirement", "deadline", "title"}
    with pytest.raises(FieldErrors) as exc:
        _item(world, team_id=world.other_team.id)
    assert "team_id" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        _item(world, team_id=None, village_id=None)
    assert "village_id" in exc.value.errors
    assert db.session.scalar(db.select(db.func.count(Rectification.id))) == 0


def test_from_an_inspection_takes_its_unit(world):
    inspection = record_inspection(
        world.reviewer,
        InspectionInput(None, world.village.id, "unannounced", TODAY, "科普栏未更新"),
    )
    item = _item(world, team_id=None, inspection_id=inspection.id)
    assert item.team_id is None and item.village_id == world.village.id
    assert item.inspection_id == inspection.id


def test_overdue_is_computed_and_done_stops_it(world):
    item = _item(world)
    assert item.status == RectificationStatus.OPEN and not is_overdue(item)
    travel(10)
    assert not is_overdue(item)  # the deadline day itself is still in time
    travel(11)
    assert is_overdue(item)
    assert overdue_rectifications(world.reviewer) == [item]
    with pytest.raises(FieldErrors) as exc:
        mark_done(world.reviewer, item, "  ")
    assert "done_note" in exc.value.errors
    mark_done(world.reviewer, item, "已补充两名队员")
    assert item.status == RectificationStatus.DONE and item.done_on == TODAY + timedelta(days=11)
    assert not is_overdue(item) and overdue_rectifications(world.reviewer) == []
    with pytest.raises(FieldErrors):
        mark_done(world.reviewer, item, "again")


def test_overdue_list_follows_scope(world):
    mine = _item(world)
    theirs = _item(world, user=world.admin, team_id=world.other_team.id)
    travel(30)
    assert overdue_rectifications(world.admin) == [mine, theirs]
    assert overdue_rectifications(world.reviewer) == [mine]
    assert overdue_rectifications(world.leader) == [mine]
    assert overdue_rectifications(world.other_leader) == [theirs]


# --- pages ----------------------------------------------------------------------------------


def test_reviewer_follows_an_item_to_done(world, client, login):
    login("reviewer")
    response = client.post(
        "/rectifications/new",
        data={
            "team_id": str(world.team.id),
            "village_id": "",
            "title": "台账",
            "requirement": "补齐走访台账",
            "deadline": (TODAY + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(db.select(Rectification))
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert "补齐走访台账" in html and 'name="done_note"' in html
    response = client.post(f"/rectifications/{item.id}/done", data={"done_note": ""})
    assert response.status_code == 200
    assert db.session.get(Rectification, item.id).status == RectificationStatus.OPEN
    response = client.post(
        f"/rectifications/{item.id}/done",
        data={"done_note": "台账已补齐", "done_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    item = db.session.get(Rectification, item.id)
    assert item.status == RectificationStatus.DONE and item.done_note == "台账已补齐"
    assert item.done_by_id == world.reviewer.id
    listed = client.get("/rectifications?status=done").get_data(as_text=True)
    assert "台账" in listed
    assert client.post(f"/rectifications/{item.id}/reopen").status_code == 302
    assert db.session.get(Rectification, item.id).status == RectificationStatus.OPEN


def test_list_filters_overdue(world, client, login):
    _item(world, title="逾期事项", deadline=TODAY)
    _item(world, title="未到期事项", deadline=TODAY + timedelta(days=30))
    travel(1)
    login("reviewer")
    html = client.get("/rectifications?status=overdue").get_data(as_text=True)
    assert "逾期事项" in html and "未到期事项" not in html
    html = client.get("/rectifications?status=open").get_data(as_text=True)
    assert "逾期事项" in html and "未到期事项" in html


def test_home_lists_overdue_items_in_the_area(world, client, login):
    _item(world, title="逾期的整改", deadline=TODAY)
    _item(world, user=world.admin, team_id=world.other_team.id, title="别镇的整改", deadline=TODAY)
    travel(2)
    login("reviewer")
    html = client.get("/").get_data(as_text=True)
    assert "逾期的整改" in html and "别镇的整改" not in html


def test_home_has_no_overdue_section_without_items(world, client, login):
    _item(world, title="还来得及", deadline=TODAY + timedelta(days=3))
    login("reviewer")
    html = client.get("/").get_data(as_text=True)
    assert "还来得及" not in html


def test_leader_reads_but_cannot_follow_up(world, client, login):
    item = _item(world)
    login("leader")
    assert client.get(f"/rectifications/{item.id}").status_code == 200
    assert "done_note" not in client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert (
        client.post(f"/rectifications/{item.id}/done", data={"done_note": "x"}).status_code == 403
    )
    assert client.get("/rectifications/new").status_code == 403


def test_reviewer_of_another_township_gets_403(world, client, login):
    theirs = _item(world, user=world.admin, team_id=world.other_team.id)
    login("reviewer")
    assert client.get(f"/rectifications/{theirs.id}").status_code == 403
    assert (
        client.post(f"/rectifications/{theirs.id}/done", data={"done_note": "x"}).status_code == 403
    )
    response = client.post(
        "/rectifications/new",
        data={
            "team_id": str(world.other_team.id),
            "requirement": "x",
            "deadline": (TODAY + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 403


# --- API ------------------------------------------------------------------------------------


def test_api_create_filter_and_done(world, client, bearer):
    headers = bearer(world.reviewer)
    response = client.post(
        "/api/v1/rectifications/",
        json={"team_id": world.team.id, "requirement": "补齐队员", "deadline": "2026-11-25"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    assert item["status"] == "open" and item["overdue"] is False
    travel(10)
    listed = client.get("/api/v1/rectifications/?status=overdue", headers=headers).get_json()
    assert [i["id"] for i in listed] == [item["id"]] and listed[0]["overdue"] is True
    url = f"/api/v1/rectifications/{item['id']}"
    response = client.patch(url, json={"status": "done"}, headers=headers)
    assert response.status_code == 422 and "done_note" in response.get_json()["errors"]["json"]
    response = client.patch(url, json={"status": "done", "done_note": "已补齐"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "done" and response.get_json()["overdue"] is False
    assert client.get("/api/v1/rectifications/?status=overdue", headers=headers).get_json() == []


def test_api_validation_and_scope(world, client, bearer):
    reviewer = bearer(world.reviewer)
    response = client.post(
        "/api/v1/rectifications/",
        json={"team_id": world.team.id, "requirement": "x", "deadline": "2026-01-01"},
        headers=reviewer,
    )
    assert response.status_code == 422 and "deadline" in response.get_json()["errors"]["json"]
    response = client.post(
        "/api/v1/rectifications/",
        json={"team_id": world.other_team.id, "requirement": "x", "deadline": "2026-12-01"},
        headers=reviewer,
    )
    assert response.status_code == 403
    own = _item(world)
    leader = bearer(world.leader)
    assert client.get(f"/api/v1/rectifications/{own.id}", headers=leader).status_code == 200
    assert (
        client.patch(
            f"/api/v1/rectifications/{own.id}",
            json={"status": "done", "done_note": "x"},
            headers=leader,
        ).status_code
        == 403
    )
    assert client.get("/api/v1/rectifications/?status=late", headers=reviewer).status_code == 422


def test_weekly_digest_lists_overdue_items(world):
    assert digest_part in DIGEST_PARTS
    _item(world, title="逾期的整改", deadline=TODAY)
    assert digest_part(world.reviewer, TODAY - timedelta(days=7), TODAY) is None
    travel(3)
    section = digest_part(world.reviewer, TODAY - timedelta(days=7), TODAY)
    assert len(section.lines) == 1 and "逾期的整改" in section.lines[0]
    assert section in compose(world.reviewer, TODAY - timedelta(days=4), TODAY + timedelta(days=2))
