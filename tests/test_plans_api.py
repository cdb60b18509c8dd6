"""/api/v1/plans through HTTP: planning, changing, cancelling and logging the planned visit."""

from datetime import time, timedelta

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot
from test_plans_pages import _day, make_plan

from core.extensions import db
from core.models import PlanStatus, Visit, VisitKind, VisitPlan

URL = "/api/v1/plans/"


def _body(world, **change):
    members = world.team_members(world.team)
    body = {
        "farm_id": world.farm.id,
        "planned_on": _day(3).isoformat(),
        "start_time": "09:00",
        "kind": "technical_training",
        "topic": "梅子冬季修剪",
        "member_ids": [members[0].id, members[1].id],
    }
    body.update(change)
    return body


def test_list_shows_the_plans_in_scope_soonest_first(client, world, bearer):
    later = make_plan(world, days_ahead=9)
    sooner = make_plan(world, days_ahead=1, start_time=time(8, 0))
    make_plan(world, team=world.other_team, farm=world.other_farm)
    response = client.get(URL, headers=bearer(world.member))
    assert ids(response) == [sooner.id, later.id]
    assert pagination(response)["total"] == 2
    item = response.get_json()[0]
    assert item["uid"] == sooner.uid and item["revision"] == 0 and item["status"] == "planned"
    assert item["start_time"] == "08:00:00" and item["kind"] == "technical_training"
    assert item["team_id"] == world.team.id and item["visit_id"] is None
    assert item["member_ids"] == [] and item["planned_on"] == _day(1).isoformat()


def test_filters(client, world, bearer):
    a = make_plan(world, days_ahead=1)
    b = make_plan(world, days_ahead=8, status=PlanStatus.CANCELLED)
    c = make_plan(world, team=world.other_team, farm=world.other_farm, days_ahead=4)
    headers = bearer(world.admin)

    def get(query):
        return ids(client.get(f"{URL}?{query}", headers=headers))

    day = _day(4).isoformat()
    assert get("") == [a.id, c.id, b.id]
    assert get(f"from={day}") == [c.id, b.id]
    assert get(f"to={day}") == [a.id, c.id]
    assert get(f"team={world.other_team.id}") == [c.id]
    assert get(f"farm={world.farm.id}") == [a.id, b.id]
    assert get("status=cancelled") == [b.id]
    assert get(f"area={world.township.id}") == [a.id, b.id]
    response = client.get(f"{URL}?status=maybe", headers=headers)
    assert "status" in response.get_json()["errors"]["query"]


def test_get_one_404_403_401(client, world, bearer):
    plan = make_plan(world)
    assert client.get(f"{URL}{plan.id}", headers=bearer(world.reviewer)).status_code == 200
    assert client.get(f"{URL}{plan.id}", headers=bearer(world.other_leader)).status_code == 403
    assert client.get(f"{URL}99999", headers=bearer(world.leader)).status_code == 404
    assert client.get(f"{URL}{plan.id}").status_code == 401


def test_a_leader_plans_a_visit_for_their_team(client, world, bearer):
    body = _body(world)
    response = client.post(URL, json=body, headers=bearer(world.leader))
    assert response.status_code == 201
    plan = response.get_json()
    assert plan["team_id"] == world.team.id and plan["created_by_id"] == world.leader.id
    assert plan["status"] == "planned" and plan["revision"] == 0
    assert plan["uid"].startswith("plan-") and plan["start_time"] == "09:00:00"
    assert sorted(plan["member_ids"]) == sorted(body["member_ids"])
    assert client.get(f"{URL}{plan['id']}", headers=bearer(world.member)).status_code == 200


def test_an_admin_names_the_team(client, world, bearer):
    headers = bearer(world.admin)
    response = client.post(URL, json=_body(world, member_ids=[]), headers=headers)
    assert list(field_errors(response)) == ["team_id"]
    response = client.post(URL, json=_body(world, team_id=world.team.id), headers=headers)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"planned_on": "YESTERDAY"}, "planned_on"),
        ({"planned_on": "2026-02-30"}, "planned_on"),
        ({"planned_on": None}, "planned_on"),
        ({"start_time": "25:00"}, "start_time"),
        ({"kind": "picnic"}, "kind"),
        ({"farm_id": "OTHER_FARM"}, "farm_id"),
        ({"farm_id": 99999}, "farm_id"),
        ({"member_ids": "OTHER_MEMBER"}, "member_ids"),
        ({"topic": "目" * 2001}, "topic"),
        ({"status": "cancelled"}, "status"),
        ({"team_id": 99999}, "team_id"),
    ],
)
def test_bad_plan_input_names_the_field(client, world, bearer, change, field):
    refs = {
        "OTHER_MEMBER": [world.team_members(world.other_team)[0].id],
        "OTHER_FARM": world.other_farm.id,
        "YESTERDAY": _day(-1).isoformat(),
    }
    change = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = snapshot()
    response = client.post(URL, json=_body(world, **change), headers=bearer(world.leader))
    assert list(field_errors(response)) == [field]
    assert snapshot() == before


def test_several_refusals_of_the_service_are_named_together(client, world, bearer):
    headers = bearer(world.leader)
    stranger = world.team_members(world.other_team)[0].id
    body = _body(
        world, planned_on=_day(-1).isoformat(), member_ids=[stranger], farm_id=world.other_farm.id
    )
    errors = field_errors(client.post(URL, json=body, headers=headers))
    assert set(errors) == {"planned_on", "member_ids", "farm_id"}


def test_a_leader_changes_a_plan_and_its_revision_rises(client, world, bearer):
    plan_id = make_plan(world, days_ahead=3).id
    headers = bearer(world.leader)
    member = world.team_members(world.team)[4]
    response = client.patch(
        f"{URL}{plan_id}", json={"start_time": "14:00", "member_ids": [member.id]}, headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["start_time"] == "14:00:00" and body["member_ids"] == [member.id]
    assert body["topic"] == "梅子冬季修剪" and body["revision"] == 1
    response = client.patch(f"{URL}{plan_id}", json={"kind": "picnic"}, headers=headers)
    assert list(field_errors(response)) == ["kind"]
    response = client.patch(f"{URL}{plan_id}", json={"status": "done"}, headers=headers)
    assert list(field_errors(response)) == ["status"]
    response = client.patch(f"{URL}{plan_id}", json={"start_time": None}, headers=headers)
    assert response.get_json()["start_time"] is None


def test_cancel_by_patch_or_delete_and_reinstate(client, world, bearer):
    plan = make_plan(world, days_ahead=2)
    headers = bearer(world.leader)
    response = client.patch(f"{URL}{plan.id}", json={"status": "cancelled"}, headers=headers)
    assert response.get_json()["status"] == "cancelled" and response.get_json()["revision"] == 1
    response = client.patch(f"{URL}{plan.id}", json={"status": "planned"}, headers=headers)
    assert response.get_json()["status"] == "planned" and response.get_json()["revision"] == 2
    assert client.delete(f"{URL}{plan.id}", headers=headers).status_code == 204
    assert client.delete(f"{URL}{plan.id}", headers=headers).status_code == 204  # harmless
    db.session.refresh(plan)
    assert plan.status == PlanStatus.CANCELLED and plan.revision == 3
    assert client.get(f"{URL}{plan.id}", headers=headers).status_code == 200  # kept


def test_an_overdue_cancelled_plan_cannot_be_reinstated(client, world, bearer):
    plan = make_plan(world, days_ahead=-1, status=PlanStatus.CANCELLED)
    response = client.patch(
        f"{URL}{plan.id}", json={"status": "planned"}, headers=bearer(world.leader)
    )
    assert list(field_errors(response)) == ["planned_on"]


def test_a_leader_cannot_move_a_plan_to_another_team(client, world, bearer):
    plan = make_plan(world)
    before = snapshot()
    response = client.patch(
        f"{URL}{plan.id}", json={"team_id": world.other_team.id}, headers=bearer(world.leader)
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_logging_the_planned_visit(client, world, bearer):
    members = world.team_members(world.team)
    plan = make_plan(
        world,
        days_ahead=0,
        members=[members[1]],
        kind=VisitKind.LECTURE,
        topic="梅子病虫害防治讲座",
    )
    headers = bearer(world.leader)
    body = {
        "visited_on": _day(0).isoformat(),
        "people_reached": 42,
        "households_reached": 15,
        "material": "梅子病虫害防治手册",
        "client_key": "plan-phone-0001",
    }
    response = client.post(f"{URL}{plan.id}/visit", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert visit["farm_id"] == world.farm.id and visit["kind"] == "lecture"
    assert visit["member_ids"] == [members[1].id] and visit["topics"] == "梅子病虫害防治讲座"
    assert visit["team_id"] == world.team.id and visit["people_reached"] == 42
    got = client.get(f"{URL}{plan.id}", headers=headers).get_json()
    assert got["status"] == "done" and got["visit_id"] == visit["id"] and got["revision"] == 1
    retry = client.post(f"{URL}{plan.id}/visit", json=body, headers=headers)
    assert retry.status_code == 200 and retry.get_json()["id"] == visit["id"]
    second = client.post(
        f"{URL}{plan.id}/visit", json={**body, "client_key": "other-0002"}, headers=headers
    )
    assert second.status_code == 409
    assert db.session.query(Visit).count() == 1
    assert client.patch(f"{URL}{plan.id}", json={"topic": "x"}, headers=headers).status_code == 409
    assert client.delete(f"{URL}{plan.id}", headers=headers).status_code == 409


def test_a_planned_visit_follows_the_visit_rules(client, world, bearer):
    plan = make_plan(world, days_ahead=2)
    headers = bearer(world.leader)
    before = snapshot()
    tomorrow = (_day(0) + timedelta(days=1)).isoformat()
    response = client.post(
        f"{URL}{plan.id}/visit",
        json={"visited_on": tomorrow, "people_reached": -1},
        headers=headers,
    )
    assert set(field_errors(response)) == {"visited_on", "people_reached"}
    response = client.post(f"{URL}{plan.id}/visit", json={"people_reached": 3}, headers=headers)
    assert list(field_errors(response)) == ["visited_on"]
    assert snapshot() == before


def test_a_cancelled_plan_gives_no_visit(client, world, bearer):
    plan = make_plan(world, status=PlanStatus.CANCELLED)
    before = snapshot()
    response = client.post(
        f"{URL}{plan.id}/visit",
        json={"visited_on": _day(0).isoformat()},
        headers=bearer(world.leader),
    )
    assert response.status_code == 409 and snapshot() == before


def _writes(world):
    plan = make_plan(world, days_ahead=3)
    return {
        "create": ("post", URL, _body(world, team_id=world.team.id)),
        "update": ("patch", f"{URL}{plan.id}", {"topic": "补充说明"}),
        "delete": ("delete", f"{URL}{plan.id}", None),
        "visit": ("post", f"{URL}{plan.id}/visit", {"visited_on": _day(0).isoformat()}),
    }


ALLOWED = {"admin", "leader"}


@pytest.mark.parametrize("action", ["create", "update", "delete", "visit"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    ok = {"create": 201, "update": 200, "delete": 204, "visit": 201}[action]
    check_write(client, world, bearer, role, method, path, body, ok if role in ALLOWED else 403)


def test_a_browser_session_only_reads(client, login, world):
    plan = make_plan(world)
    login("leader")
    assert client.get(URL).status_code == 200
    assert client.delete(f"{URL}{plan.id}").status_code == 401
    assert db.session.get(VisitPlan, plan.id).status == PlanStatus.PLANNED


def test_the_openapi_document_lists_the_plans(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/plans/"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/v1/plans/{plan_id}"])
    assert "post" in spec["paths"]["/api/v1/plans/{plan_id}/visit"]
    params = {p["name"] for p in spec["paths"]["/api/v1/plans/"]["get"]["parameters"]}
    assert {"area", "team", "from", "to", "status", "farm"} <= params
    assert set(spec["components"]["schemas"]["VisitPlanInput"]["required"]) == {
        "farm_id",
        "planned_on",
    }
