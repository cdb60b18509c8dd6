"""The audit trail (操作记录): recorded automatically by every write, read by scope."""

import json
from datetime import date, timedelta

from sqlalchemy import select

from core import rules
from core.extensions import db
from core.models import Area, AreaKind, AuditEvent, Visit, VisitKind, VisitPlan
from core.services import password_resets
from core.services import plans as plans_service
from core.services import visits as visits_service

VISITS = "/api/v1/visits/"


def _trail(**where) -> list[AuditEvent]:
    """The audit rows matching ``where`` (column = value), oldest first."""
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def _visit_body(world, **change):
    members = world.team_members(world.team)
    body = {
        "farm_id": world.farm.id,
        "visited_on": (date.today() - timedelta(days=1)).isoformat(),
        "kind": "technical_training",
        "people_reached": 40,
        "households_reached": 12,
        "member_ids": [members[0].id, members[1].id],
        "topics": "梅子修剪",
    }
    return body | change


def _visit_through_the_api(client, world, bearer) -> int:
    """A leader creates a visit, changes it (40 -> 400 people) and deletes it; its id."""
    headers = bearer(world.leader)
    response = client.post(VISITS, json=_visit_body(world), headers=headers)
    assert response.status_code == 201, response.get_json()
    visit_id = response.get_json()["id"]
    response = client.patch(f"{VISITS}{visit_id}", json={"people_reached": 400}, headers=headers)
    assert response.status_code == 200
    assert client.delete(f"{VISITS}{visit_id}", headers=headers).status_code == 204
    return visit_id


def test_a_visit_made_changed_and_deleted_through_the_api_leaves_three_rows(client, world, bearer):
    visit_id = _visit_through_the_api(client, world, bearer)
    rows = _trail(object_type="visits", object_id=str(visit_id))
    assert [row.action for row in rows] == ["create", "update", "delete"]
    created, changed, deleted = rows
    assert all(row.user_id == world.leader.id for row in rows)
    assert all(row.token_id is not None and row.actor == "" for row in rows)
    assert all(row.remote_addr == "127.0.0.1" and row.request_id for row in rows)
    assert all(row.team_id == world.team.id and row.area_id == world.village.id for row in rows)
    assert created.changes["people_reached"] == [None, 40]
    assert created.changes["kind"] == [None, "technical_training"]
    assert created.changes["visited_on"][1] == (date.today() - timedelta(days=1)).isoformat()
    assert sorted(created.changes["members_present"][1]) == sorted(
        m.id for m in world.team_members(world.team)[:2]
    )
    assert changed.changes == {"people_reached": [40, 400]}
    assert set(deleted.changes) == {"deleted_at", "deleted_by_id"}  # soft: the row stays
    assert deleted.changes["deleted_by_id"] == [None, world.leader.id]
    assert created.at <= changed.at <= deleted.at


def test_the_same_through_the_pages(client, login, world):
    login("leader")
    members = world.team_members(world.team)
    form = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": date.today().isoformat(),
        "kind": "technical_training",
        "people_reached": "40",
        "households_reached": "12",
        "member_ids": [members[0].id],
        "topics": "梅子修剪",
        "client_key": "3f0c2a1e-0000-4000-8000-0000000000a1",
    }
    assert client.post("/visits/new", data=form).status_code == 302
    visit_id = db.session.scalar(select(Visit.id))
    form["people_reached"] = "400"
    assert client.post(f"/visits/{visit_id}/edit", data=form).status_code == 302
    assert client.post(f"/visits/{visit_id}/delete").status_code == 302
    rows = _trail(object_type="visits", object_id=str(visit_id))
    assert [row.action for row in rows] == ["create", "update", "delete"]
    assert all(row.user_id == world.leader.id and row.token_id is None for row in rows)
    assert rows[1].changes["people_reached"] == [40, 400]


def test_a_rolled_back_write_leaves_no_trace(app, world):
    before = len(_trail())
    db.session.add(Area(name="撤销村", kind=AreaKind.VILLAGE, parent=world.township))
    db.session.flush()
    assert len(_trail_in_session()) == before + 1  # written in the change's transaction
    db.session.rollback()
    assert len(_trail()) == before


def _trail_in_session() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent)))


def test_a_command_is_labelled(runner, world):
    result = runner.invoke(
        args=["users", "create", "wang", "--role", "leader", "--team", str(world.team.id)],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    (row,) = _trail(object_type="users", action="create", actor="command: kepu users create")
    assert row.user_id is None and row.team_id == world.team.id
    assert row.changes["username"] == [None, "wang"]
    assert row.changes["password_hash"] == [None, "***"]  # never the hash itself


def test_secrets_are_masked_and_a_tokens_use_is_not_recorded(client, world, bearer):
    headers = bearer(world.leader)
    (token,) = _trail(object_type="api_tokens")
    assert token.changes["token_hash"] == [None, "***"]
    assert client.get(VISITS, headers=headers).status_code == 200  # sets last_used_at
    assert len(_trail(object_type="api_tokens")) == 1
    world.leader.set_password("another-long-password")
    db.session.commit()
    (changed,) = _trail(object_type="users", action="update")
    assert changed.changes == {"password_hash": ["***", "***"]}
    assert "pbkdf2" not in str([row.changes for row in _trail()])


def test_a_job_and_a_plugins_records_are_labelled(make_app, sample, invoke, world):
    from core.jobs.job import collect_jobs, run_job

    app = make_app()
    assert invoke(app, "plugins", "enable", "kepu_sample").exit_code == 0
    (switch,) = _trail(object_type="plugin_states")
    assert switch.actor == "command: kepu plugins enable"
    assert run_job(app, collect_jobs(app)["kepu_sample.note"]) is True
    (note,) = _trail(object_type="kepu_sample_notes")
    assert note.action == "create" and note.actor == "job: kepu_sample.note"
    assert note.changes["body"] == [None, "job ran"]
    assert _trail(object_type="job_runs") == []  # technical tables are left out


def test_a_service_write_outside_requests_records_no_user(app, world):
    visit = world.make_visit(people_reached=5)
    visits_service.delete_visit(visit, None)
    row = _trail(object_type="visits")[-1]
    assert row.action == "delete" and row.user_id is None and row.actor == ""


# --- reading the trail -----------------------------------------------------------------------


def _other_townships_visit(world):
    """A visit of the other township's team (recorded, outside the reviewer's area)."""
    return world.make_visit(team=world.other_team, farm=world.other_farm, people_reached=7)


def _as(client, login, username):
    """Log the client out, then in as ``username``."""
    client.post("/logout")
    assert login(username).status_code == 302


def _page(client, query=""):
    response = client.get(f"/audit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_each_change_with_before_and_after(client, login, world, bearer):
    visit_id = _visit_through_the_api(client, world, bearer)
    login("admin")
    html = _page(client, f"?object_type=visits&object_id={visit_id}")
    assert "3 条变更" in html and "操作记录" in html  # in the admin's menu
    assert "people_reached" in html and "40 → 400" in html
    assert "leader" in html and "style=" not in html and "<script>" not in html
    assert (
        client.get("/admin/audit?object_type=visits")
        .headers["Location"]
        .endswith("/audit?object_type=visits")
    )


def test_scope_admin_all_reviewer_area_leader_team_member_none(client, login, world, bearer):
    other = _other_townships_visit(world)  # first: a deleted visit's id may be taken again
    visit_id = _visit_through_the_api(client, world, bearer)
    _as(client, login, "admin")
    html = _page(client, "?object_type=visits")
    assert f"走访 #{visit_id}" in html and f"走访 #{other.id}" in html
    _as(client, login, "reviewer")  # 永阳镇: this township's visit, not the other's
    html = _page(client, "?object_type=visits")
    assert f"走访 #{visit_id}" in html and f"走访 #{other.id}" not in html
    _as(client, login, "leader2")  # the other team's leader
    html = _page(client, "?object_type=visits")
    assert f"走访 #{visit_id}" not in html and f"走访 #{other.id}" in html
    _as(client, login, "leader")
    html = _page(client)
    assert f"走访 #{visit_id}" in html and f"走访 #{other.id}" not in html
    assert "用户 #" in html  # the team's users are the team's records
    _as(client, login, "member")
    assert client.get("/audit").status_code == 403
    assert "/audit" not in client.get("/").get_data(as_text=True)  # not in the member's menu
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_a_reviewer_of_another_township_sees_none_of_this_ones(client, login, world, bearer):
    from core.models import Role, User

    _visit_through_the_api(client, world, bearer)
    world.make_user("reviewer2", Role.REVIEWER, area=world.other_township)
    db.session.commit()
    _as(client, login, "reviewer2")
    html = _page(client, "?object_type=visits")
    assert "走访 #" not in html
    assert db.session.scalar(select(User.id).where(User.username == "reviewer2"))


def test_filters(client, login, world, bearer):
    other = _other_townships_visit(world)  # first: a deleted visit's id may be taken again
    visit_id = _visit_through_the_api(client, world, bearer)
    login("admin")
    html = _page(client, "?user=leader&object_type=visits")
    assert f"走访 #{visit_id}" in html and f"走访 #{other.id}" not in html
    html = _page(client, f"?area={world.other_township.id}&object_type=visits")
    assert f"走访 #{visit_id}" not in html and f"走访 #{other.id}" in html
    html = _page(client, f"?object_type=visits&object_id={other.id}")
    assert f"走访 #{other.id}" in html and f"走访 #{visit_id}" not in html
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    assert "走访 #" not in _page(client, f"?object_type=visits&date_to={yesterday}")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert "走访 #" in _page(client, f"?object_type=visits&date_to={tomorrow}")
    assert "走访 #" not in _page(client, "?user=nobody&object_type=visits")


def test_csv_export_of_the_filtered_trail(client, login, world, bearer):
    visit_id = _visit_through_the_api(client, world, bearer)
    login("reviewer")
    response = client.get(f"/audit/export.csv?object_type=visits&object_id={visit_id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # the header and three changes, newest first
    assert ",delete,走访,visits," in lines[1] and ",create,走访,visits," in lines[3]
    assert "people_reached: 40 → 400" in lines[2] and ",leader," in lines[2]


# --- the API ---------------------------------------------------------------------------------

AUDIT = "/api/v1/audit"


def test_the_api_lists_the_trail_in_scope_with_filters(client, world, bearer):
    other = _other_townships_visit(world)
    visit_id = _visit_through_the_api(client, world, bearer)
    query = f"?object_type=visits&object_id={visit_id}"
    response = client.get(AUDIT + query, headers=bearer(world.reviewer))
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    newest = response.get_json()[0]
    assert newest["action"] == "delete" and newest["user_id"] == world.leader.id
    assert newest["team_id"] == world.team.id and newest["at"].endswith("+08:00")
    changed = response.get_json()[1]
    assert changed["changes"] == {"people_reached": [40, 400]}
    mine = client.get(f"{AUDIT}?object_type=visits", headers=bearer(world.other_leader))
    assert {row["object_id"] for row in mine.get_json()} == {str(other.id)}
    admin = bearer(world.admin)
    by_user = client.get(f"{AUDIT}/?user={world.leader.id}&page_size=1", headers=admin)
    assert len(by_user.get_json()) == 1
    assert json.loads(by_user.headers["X-Pagination"])["total"] >= 3
    area = client.get(f"{AUDIT}?object_type=visits&area={world.other_township.id}", headers=admin)
    assert {row["object_id"] for row in area.get_json()} == {str(other.id)}
    # the filter takes local dates: after 16:00 UTC it is already tomorrow in Shanghai
    future = (rules.today() + timedelta(days=1)).isoformat()
    assert client.get(f"{AUDIT}?from={future}", headers=admin).get_json() == []
    assert client.get(f"{AUDIT}?area=999999", headers=admin).status_code == 422
    assert client.get(AUDIT, headers=bearer(world.member)).status_code == 403
    assert client.get(AUDIT).status_code == 401


def test_the_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/audit/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"user", "object_type", "object_id", "area", "from", "to", "page"} <= names
    assert "403" in operation["responses"] and "401" in operation["responses"]


def test_a_change_made_right_after_a_commit_keeps_the_value_before(app, world):
    visit = world.make_visit(people_reached=40)  # committed: its values are expired
    visit.people_reached = 400
    db.session.commit()
    row = _trail(object_type="visits")[-1]
    assert row.action == "update" and row.changes == {"people_reached": [40, 400]}


def test_guarded_updates_are_recorded_too(app, world):
    """Completing a plan and using a reset link run conditional UPDATEs (race guards) that
    the ORM's flush never sees: each leaves its row all the same."""
    plan = VisitPlan(
        team=world.team, farm=world.farm, planned_on=date.today(), kind=VisitKind.LECTURE
    )
    db.session.add(plan)
    db.session.commit()
    data = visits_service.VisitInput(
        team_id=world.team.id,
        farm_id=world.farm.id,
        visited_on=date.today(),
        kind="lecture",
        people_reached=5,
    )
    visit, created = plans_service.log_planned_visit(world.leader, plan, data)
    assert created
    row = _trail(object_type="visit_plans", object_id=str(plan.id))[-1]
    assert row.changes == {"status": ["planned", "done"], "visit_id": [None, visit.id]}
    assert row.team_id == world.team.id and row.area_id == world.village.id

    first = password_resets.issue(world.member, world.admin)
    second = password_resets.issue(world.member, world.admin)  # ends the first link
    assert password_resets.valid(first) is None
    password_resets.complete(password_resets.valid(second), "a-long-new-passphrase")
    rows = _trail(object_type="password_resets")
    assert [row.action for row in rows] == ["create", "update", "create", "update"]
    assert all(row.changes["used_at"][0] is None for row in rows if row.action == "update")
