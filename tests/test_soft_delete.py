"""Records that feed the review are soft-deleted with who and when, and admins restore them.

The issue's probe: a leader changed a visit an admin logged from 40 to 400 people reached,
then deleted it, and nothing was left. Now the deletion hides the visit from every list,
figure and API answer, keeps it with who deleted it, and an admin restores it from the
deleted-records page or the API.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Inspection, Rectification, Visit
from core.models.soft_delete import INCLUDE_DELETED

VISITS = "/api/v1/visits/"
DELETED = "/api/v1/deleted/"


def _kept(model, ident):
    """The row, deleted or not."""
    db.session.expire_all()
    return db.session.get(model, ident, execution_options={INCLUDE_DELETED: True})


def _trail(object_type, object_id):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.id)
    ).all()


def _review_visits(client, headers) -> int:
    body = client.get("/api/v1/review/?period=" + str(date.today().year), headers=headers)
    return sum(team["visits"] for team in body.get_json()["teams"])


def test_the_probe_a_leader_deletes_an_admins_visit_and_an_admin_restores_it(
    client, world, bearer, login
):
    admin, leader = bearer(world.admin), bearer(world.leader)
    body = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": (date.today() - timedelta(days=1)).isoformat(),
        "kind": "technical_training",
        "people_reached": 40,
        "households_reached": 12,
    }
    visit_id = client.post(VISITS, json=body, headers=admin).get_json()["id"]
    assert client.patch(f"{VISITS}{visit_id}", json={"people_reached": 400}, headers=leader)
    assert _review_visits(client, admin) == 1
    assert client.delete(f"{VISITS}{visit_id}", headers=leader).status_code == 204

    # gone from the API, the list and the review's figures ...
    assert client.get(f"{VISITS}{visit_id}", headers=admin).status_code == 404
    assert client.get(VISITS, headers=admin).get_json() == []
    assert _review_visits(client, admin) == 0
    # ... but kept, with who deleted it and when, and the trail says so
    visit = _kept(Visit, visit_id)
    assert visit.people_reached == 400 and visit.deleted_by_id == world.leader.id
    assert [e.action for e in _trail("visits", visit_id)] == ["create", "update", "delete"]

    # the admin finds it on the page, in their language, and restores it
    login("admin")
    client.post("/lang/en")
    page = client.get("/admin/deleted/?kind=visits").get_data(as_text=True)
    assert f"Visit #{visit_id}" in page and "by leader" in page and "戴家梅子基地" in page
    response = client.post(f"/admin/deleted/visits/{visit_id}/restore")
    assert response.status_code == 302
    assert "restored" in client.get(response.location).get_data(as_text=True)
    assert client.get(f"{VISITS}{visit_id}", headers=admin).get_json()["people_reached"] == 400
    assert _review_visits(client, admin) == 1
    restored = _trail("visits", visit_id)[-1]
    assert restored.action == "restore" and restored.user_id == world.admin.id
    assert _kept(Visit, visit_id).deleted_by_id is None


def test_the_deleted_records_api(client, world, bearer):
    visit = world.make_visit(people_reached=7)
    leader, admin = bearer(world.leader), bearer(world.admin)
    assert client.delete(f"{VISITS}{visit.id}", headers=leader).status_code == 204
    listed = client.get(f"{DELETED}?object_type=visits", headers=admin)
    assert listed.status_code == 200 and "X-Pagination" in listed.headers
    (row,) = listed.get_json()
    assert row["id"] == visit.id and row["deleted_by"] == "leader"
    assert row["object_type"] == "visits" and row["summary"].startswith(
        visit.visited_on.isoformat()
    )
    url = f"{DELETED}visits/{visit.id}/restore"
    assert client.post(url, headers=admin).status_code == 204
    assert client.post(url, headers=admin).status_code == 404  # live again
    assert client.get(f"{DELETED}?object_type=nothing", headers=admin).status_code == 404
    assert client.post(f"{DELETED}nothing/1/restore", headers=admin).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/deleted/" in spec["paths"]
    assert "/api/v1/deleted/{object_type}/{record_id}/restore" in spec["paths"]


@pytest.mark.parametrize("username", ["leader", "reviewer", "member"])
def test_only_admins_see_and_restore_deleted_records(client, world, bearer, login, username):
    visit = world.make_visit()
    client.delete(f"{VISITS}{visit.id}", headers=bearer(world.leader))
    user = {"leader": world.leader, "reviewer": world.reviewer, "member": world.member}[username]
    headers = bearer(user)
    assert client.get(DELETED, headers=headers).status_code == 403
    assert client.post(f"{DELETED}visits/{visit.id}/restore", headers=headers).status_code == 403
    login(username)
    assert client.get("/admin/deleted/").status_code == 403
    assert client.post(f"/admin/deleted/visits/{visit.id}/restore").status_code == 403
    assert _kept(Visit, visit.id).deleted_at is not None


def test_a_retry_of_a_visit_deleted_since_is_not_logged_again(client, world, bearer):
    leader = bearer(world.leader)
    body = {
        "farm_id": world.farm.id,
        "visited_on": date.today().isoformat(),
        "kind": "lecture",
        "people_reached": 9,
        "client_key": "phone-key-1",
    }
    visit_id = client.post(VISITS, json=body, headers=leader).get_json()["id"]
    client.delete(f"{VISITS}{visit_id}", headers=leader)
    response = client.post(VISITS, json=body, headers=leader)  # the outbox's late retry
    assert response.status_code < 500
    total = select(func.count(Visit.id)).execution_options(**{INCLUDE_DELETED: True})
    assert db.session.scalar(total) == 1


def test_restoring_a_member_of_a_deleted_team_asks_for_the_team_first(client, world, bearer):
    member = world.team_members(world.team)[0]
    admin = bearer(world.admin)
    assert client.delete(f"/api/v1/members/{member.id}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/teams/{world.team.id}", headers=admin).status_code == 204
    response = client.post(f"{DELETED}members/{member.id}/restore", headers=admin)
    assert response.status_code == 409 and world.team.name in response.get_json()["message"]
    assert client.post(f"{DELETED}teams/{world.team.id}/restore", headers=admin).status_code == 204
    assert client.post(f"{DELETED}members/{member.id}/restore", headers=admin).status_code == 204


def test_a_deleted_event_comes_back_in_the_calendar(client, world, bearer):
    event = world.make_event(title="梅子栽培讲座")
    admin = bearer(world.admin)
    assert client.delete(f"/api/v1/events/{event.id}", headers=admin).status_code == 204
    assert _kept(type(event), event.id).deleted_by_id == world.admin.id
    feed = client.get("/calendar/events.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" in feed  # calendars drop it
    assert client.post(f"{DELETED}events/{event.id}/restore", headers=admin).status_code == 204
    feed = client.get("/calendar/events.ics").get_data(as_text=True)
    assert "梅子栽培讲座" in feed and "STATUS:CANCELLED" not in feed
    assert "SEQUENCE:2" in feed  # raised at the deletion and again at the restore


def test_an_inspection_deleted_keeps_its_rectification_items_readable(client, world, login):
    inspection = Inspection(
        village=world.village,
        team=world.team,
        kind="unannounced",
        inspected_on=date.today(),
        findings="台账未更新",
    )
    item = Rectification(
        village=world.village,
        team=world.team,
        requirement="补齐台账",
        deadline=date.today() + timedelta(days=10),
        inspection=inspection,
    )
    db.session.add_all([inspection, item])
    db.session.commit()
    login("reviewer")
    assert client.post(f"/inspections/{inspection.id}/delete").status_code == 302
    assert client.get(f"/inspections/{inspection.id}").status_code == 404
    assert client.get(f"/rectifications/{item.id}").status_code == 200
    assert client.post(f"/rectifications/{item.id}/delete").status_code == 302
    assert client.get(f"/rectifications/{item.id}").status_code == 404
    assert _kept(Rectification, item.id).deleted_by_id == world.reviewer.id
    assert _kept(Inspection, inspection.id).deleted_by_id == world.reviewer.id


def test_the_audit_page_names_kinds_in_the_users_language(client, world, login):
    world.make_visit()
    login("admin")
    page = client.get("/audit").get_data(as_text=True)
    assert "走访记录" in page or "走访" in page
    client.post("/lang/en")
    page = client.get("/audit").get_data(as_text=True)
    assert "Visit #" in page and '<option value="visits">Visit</option>' in page
