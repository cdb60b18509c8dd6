"""A visit names who logged it, who changed it last and when, and shows its history (page and
API), to everyone who may read it and to nobody else."""

from datetime import date, timedelta

import pytest
from query_counter import count_queries
from sqlalchemy import select

from core.audit.context import acting_as
from core.audit.history import last_change, last_changes, record_history
from core.extensions import db
from core.models import Role, Visit, VisitKind

VISITS = "/api/v1/visits/"
YESTERDAY = date.today() - timedelta(days=1)


def _body(world, **change) -> dict:
    members = world.team_members(world.team)
    body = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": YESTERDAY.isoformat(),
        "kind": "technical_training",
        "people_reached": 40,
        "households_reached": 12,
        "member_ids": [members[1].id, members[2].id],
        "topics": "梅子修剪",
    }
    return body | change


def _form(world, **change) -> dict:
    """The visit form as the edit page posts it."""
    members = world.team_members(world.team)
    form = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": YESTERDAY.isoformat(),
        "kind": "technical_training",
        "people_reached": "40",
        "households_reached": "12",
        "member_ids": [members[1].id, members[2].id],
        "topics": "梅子修剪",
    }
    return form | change


def _logged_by_admin(client, world, bearer) -> int:
    """The admin logs a visit of the team through the API: 40 people reached."""
    response = client.post(VISITS, json=_body(world), headers=bearer(world.admin))
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert visit["logged_by"] == "admin"
    assert visit["changed_by"] is None and visit["changed_at"] is None
    return visit["id"]


def _changed_by_leader(client, login, world, visit_id, **change) -> None:
    """The team's leader changes the visit on its edit page (400 people reached)."""
    assert login("leader").status_code == 302
    form = _form(world, people_reached="400") | change
    response = client.post(f"/visits/{visit_id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")


@pytest.fixture
def changed_visit(client, login, world, bearer) -> int:
    """The issue's visit: logged by the admin with 40 people, changed by the leader to 400."""
    visit_id = _logged_by_admin(client, world, bearer)
    _changed_by_leader(client, login, world, visit_id)
    assert db.session.get(Visit, visit_id).people_reached == 400
    return visit_id


def _page(client, visit_id) -> str:
    response = client.get(f"/visits/{visit_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_issue_the_page_names_who_changed_the_visit(client, login, world, changed_visit):
    login("reviewer")
    client.post("/lang/en", data={"next": "/"})
    html = _page(client, changed_visit)
    assert 'lang="en"' in html
    assert '<a href="/profile">reviewer</a>' in html  # seen by the reviewer
    assert "Logged by admin on" in html
    assert "Last changed by leader on" in html
    assert "Change history" in html
    assert "40 → 400" in html
    assert "People reached" in html
    assert html.index("Created") < html.index("Changed")  # oldest first
    # the history is for every reader: never where a change came from
    assert "127.0.0.1" not in html


def test_the_leader_sees_the_same_in_chinese_by_default(client, login, world, changed_visit):
    login("leader")
    html = _page(client, changed_visit)
    assert 'lang="zh-CN"' in html
    assert '<a href="/profile">leader</a>' in html
    assert "40 → 400" in html
    assert "服务人数" in html  # People reached, the form's label
    assert "修改" in html  # Changed
    assert "leader" in html and "admin" in html


def test_a_visit_never_changed_names_only_its_logger(client, login, world, bearer):
    visit_id = _logged_by_admin(client, world, bearer)
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    html = _page(client, visit_id)
    assert "Logged by admin on" in html
    assert "Last changed by" not in html
    assert "Created" in html and "Changed" not in html
    assert "Material handed out" not in html  # nothing to say about an empty field


def test_the_history_shows_names_labels_and_dates(client, login, world, bearer):
    visit_id = _logged_by_admin(client, world, bearer)
    members = world.team_members(world.team)
    gone = members[2]
    _changed_by_leader(
        client,
        login,
        world,
        visit_id,
        kind="onsite_guidance",
        member_ids=[members[1].id, members[3].id],
        visited_on=(YESTERDAY - timedelta(days=1)).isoformat(),
    )
    gone.soft_delete()  # a member who left still has a name in the history
    db.session.commit()
    login("reviewer")
    client.post("/lang/en", data={"next": "/"})
    html = _page(client, visit_id)
    assert "Technical training → On-site guidance" in html
    assert f"{members[1].name}、{gone.name} → {members[1].name}、{members[3].name}" in html
    assert "Members present" in html and "Kind of visit" in html and "Date" in html
    assert "technical_training" not in html and "onsite_guidance" not in html
    assert "client_key" not in html and "logged_by_id" not in html


def test_the_api_names_the_logger_and_the_last_change(client, world, bearer, changed_visit):
    headers = bearer(world.reviewer)
    visit = client.get(f"{VISITS}{changed_visit}", headers=headers).get_json()
    assert visit["logged_by"] == "admin"
    assert visit["changed_by"] == "leader"
    assert visit["changed_at"] and visit["changed_at"].endswith("+08:00")
    (listed,) = client.get(VISITS, headers=headers).get_json()
    assert (listed["logged_by"], listed["changed_by"]) == ("admin", "leader")
    assert listed["changed_at"] == visit["changed_at"]


def test_a_patch_answers_with_its_author(client, world, bearer, changed_visit):
    response = client.patch(
        f"{VISITS}{changed_visit}", json={"people_reached": 401}, headers=bearer(world.admin)
    )
    assert response.status_code == 200
    assert response.get_json()["changed_by"] == "admin"


def test_the_history_api(client, world, bearer, changed_visit):
    response = client.get(f"{VISITS}{changed_visit}/history", headers=bearer(world.reviewer))
    assert response.status_code == 200
    created, changed = response.get_json()
    assert (created["action"], created["user"]) == ("create", "admin")
    assert created["user_id"] == world.admin.id and created["actor"] == ""
    assert created["changes"]["people_reached"] == [None, 40]
    members = world.team_members(world.team)
    assert created["changes"]["members_present"] == [[], [members[1].id, members[2].id]]
    assert (changed["action"], changed["user"]) == ("update", "leader")
    assert changed["changes"] == {"people_reached": [40, 400]}
    assert created["at"] <= changed["at"] and changed["at"].endswith("+08:00")
    assert "remote_addr" not in changed and "request_id" not in changed


def test_the_history_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/visits/{visit_id}/history"]["get"]
    assert operation["summary"] and {"200", "401", "404"} <= set(operation["responses"])
    visit = spec["components"]["schemas"]["Visit"]["properties"]
    assert {"logged_by", "changed_by", "changed_at"} <= set(visit)


def test_who_may_not_read_the_visit_gets_404(client, world, bearer, changed_visit):
    outsiders = [
        world.other_leader,
        world.make_user("member2", Role.MEMBER, team=world.other_team),
        world.make_user("reviewer2", Role.REVIEWER, area=world.other_township),
    ]
    db.session.commit()
    for user in outsiders:
        response = client.get(f"{VISITS}{changed_visit}/history", headers=bearer(user))
        assert response.status_code == 404, user.username
    for user in (world.member, world.leader, world.reviewer, world.admin):
        response = client.get(f"{VISITS}{changed_visit}/history", headers=bearer(user))
        assert response.status_code == 200, user.username
    assert client.get(f"{VISITS}999/history", headers=bearer(world.admin)).status_code == 404
    anonymous = client.application.test_client()
    assert anonymous.get(f"{VISITS}{changed_visit}/history").status_code == 401


def test_a_deleted_visit_has_no_history_to_read(client, world, bearer, changed_visit):
    headers = bearer(world.admin)
    assert client.delete(f"{VISITS}{changed_visit}", headers=headers).status_code == 204
    assert client.get(f"{VISITS}{changed_visit}/history", headers=headers).status_code == 404
    # the trail keeps it: restored, it is back with its whole history
    events = record_history("visits", changed_visit)
    assert [event.action for event in events] == ["create", "update", "delete"]


def test_a_job_is_named_by_its_label(app, world):
    visit = world.make_visit(people_reached=30, logged_by=world.leader)
    with acting_as("job: core.fix_counts"):
        visit.people_reached = 31
        db.session.commit()
    last = last_change("visits", visit.id)
    assert last.action == "update" and last.user_id is None
    assert last.by == last.who == "job: core.fix_counts"
    assert last_change("visits", 999) is None


def test_history_costs_the_same_however_long(app, world):
    members = world.team_members(world.team)
    short = world.make_visit(members_present=members[:2])
    long = world.make_visit(members_present=members[:2])
    for n in range(6):
        long.people_reached = 100 + n
        long.members_present = members[n : n + 3]
        db.session.commit()
    ids = [short.id, long.id]
    db.session.expire_all()
    with count_queries() as few:
        assert len(record_history("visits", ids[0])) == 1
    db.session.expire_all()
    with count_queries() as many:
        entries = record_history("visits", ids[1])
    assert len(entries) >= 7 and len(many) == len(few) == 4  # events, members, farm, team
    assert entries[-1].shown["members_present"][1] == [m.name for m in members[5:8]]
    db.session.expire_all()
    with count_queries() as batch:
        found = last_changes("visits", [*ids, 12345])
    assert len(batch) == 1 and set(found) == {str(i) for i in ids}


def _list_queries(client, headers, expected: int) -> int:
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(VISITS, headers=headers)
    assert response.status_code == 200 and len(response.get_json()) == expected
    return len(statements)


def test_the_list_costs_the_same_for_one_visit_or_five(client, world, bearer):
    headers = bearer(world.admin)
    users = [world.admin, world.leader]
    world.make_visit(logged_by=world.leader)
    client.get(VISITS, headers=headers)  # the token's first use is written once
    one = _list_queries(client, headers, 1)
    for n in range(4):
        visit = world.make_visit(logged_by=users[n % 2], days_ago=4 + n)
        visit.people_reached += 1
        visit.kind = VisitKind.LECTURE
        db.session.commit()
    assert _list_queries(client, headers, 5) == one
    rows = client.get(VISITS, headers=headers).get_json()
    assert {row["logged_by"] for row in rows} == {"admin", "leader"}
    logged = db.session.scalars(select(Visit).order_by(Visit.id)).all()
    assert [row["id"] for row in rows if row["changed_by"] is None] == [logged[0].id]
