"""The visit pages: the leader's log form on a phone, the list, the detail, edit and delete."""

from datetime import date, timedelta

import pytest
from query_counter import count_queries
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import Visit, VisitKind


def _count() -> int:
    return db.session.execute(select(func.count(Visit.id))).scalar_one()


def _form(world, **overrides) -> dict:
    """A valid visit as the page posts it."""
    members = world.team_members(world.team)
    data = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": rules.today().isoformat(),
        "kind": VisitKind.TECHNICAL_TRAINING.value,
        "people_reached": "35",
        "households_reached": "12",
        "member_ids": [members[0].id, members[1].id],
        "topics": "梅子修剪",
        "material": "《梅子栽培技术手册》",
        "questions": "",
        "notes": "",
        "client_key": "3f0c2a1e-0000-4000-8000-000000000001",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_leader_logs_a_visit_and_sees_it_in_the_list(client, login, world):
    login("leader")
    page = client.get("/visits/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="zh-CN"' in html
    assert world.farm.name in html
    assert 'name="client_key"' in html
    assert 'type="date"' in html and f'value="{rules.today().isoformat()}"' in html
    assert 'inputmode="numeric"' in html
    assert "<fieldset" in html and "<legend>" in html
    response = client.post("/visits/new", data=_form(world))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/visits")
    visit = db.session.execute(select(Visit)).scalar_one()
    assert visit.team_id == world.team.id and visit.people_reached == 35
    assert visit.households_reached == 12 and len(visit.members_present) == 2
    assert visit.logged_by_id == world.leader.id
    listing = client.get("/visits").get_data(as_text=True)
    assert "flash-success" in listing
    assert world.farm.name in listing and f"/visits/{visit.id}" in listing
    # the answer names the saved visit's key for the phone's outbox, not as a message
    key = _form(world)["client_key"]
    assert f'data-saved-keys="{key}"' in listing and listing.count(key) == 1
    assert 'data-saved-keys=""' in client.get("/visits").get_data(as_text=True)


def test_form_offers_the_teams_farms_first_and_its_members(client, login, world):
    login("leader")
    html = client.get("/visits/new").get_data(as_text=True)
    assert html.index(world.farm.name) < html.index("</optgroup>")
    for member in world.team_members(world.team):
        assert member.name in html
    for member in world.team_members(world.other_team):
        assert member.name not in html


def test_client_key_is_kept_when_the_form_is_re_rendered(client, login, world):
    login("leader")
    response = client.post("/visits/new", data=_form(world, people_reached="-5"))
    assert 'value="3f0c2a1e-0000-4000-8000-000000000001"' in response.get_data(as_text=True)


def test_each_form_gets_a_fresh_client_key(client, login, world):
    login("leader")
    first = client.get("/visits/new").get_data(as_text=True)
    second = client.get("/visits/new").get_data(as_text=True)
    key = first.split('name="client_key"')[1].split('value="')[1].split('"')[0]
    assert len(key) >= 32 and key not in second


def test_duplicate_submit_logs_one_visit(client, login, world):
    login("leader")
    assert client.post("/visits/new", data=_form(world)).status_code == 302
    again = client.post("/visits/new", data=_form(world), follow_redirects=True)
    assert again.status_code == 200
    assert _count() == 1
    assert "flash-info" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"people_reached": "-5"}, "people_reached", "Enter a whole number from 0 to"),
        ({"households_reached": "-1"}, "households_reached", "Enter a whole number from 0 to"),
        ({"people_reached": "many"}, "people_reached", "Not a valid integer value"),
        ({"people_reached": ""}, "people_reached", "Enter how many people were reached."),
        (
            {"visited_on": (date.today() + timedelta(days=3)).isoformat()},
            "visited_on",
            "The date of a visit cannot be in the future.",
        ),
        ({"visited_on": "yesterday"}, "visited_on", "Not a valid date value"),
        ({"visited_on": ""}, "visited_on", "Enter the date of the visit."),
        ({"kind": None}, "kind", "Choose what kind of visit it was."),
        ({"kind": "picnic"}, "kind", "Not a valid choice"),
        ({"farm_id": ""}, "farm_id", "Choose a farm from the list."),
        ({"farm_id": "999999"}, "farm_id", "Choose a farm from the list."),
    ],
)
def test_bad_values_re_render_with_the_message_and_change_nothing(
    client, login, world, overrides, field, message
):
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    response = client.post("/visits/new", data=_form(world, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert _count() == 0


def test_a_farm_of_another_village_is_refused(client, login, world):
    login("leader")
    response = client.post("/visits/new", data=_form(world, farm_id=world.other_farm.id))
    assert response.status_code == 200
    assert _count() == 0


def test_a_member_of_another_team_cannot_be_present(client, login, world):
    login("leader")
    stranger = world.team_members(world.other_team)[0]
    response = client.post("/visits/new", data=_form(world, member_ids=[stranger.id]))
    assert response.status_code == 200
    assert 'id="member_ids-error"' in response.get_data(as_text=True)
    assert _count() == 0


@pytest.mark.parametrize("username", ["member", "reviewer"])
def test_users_who_do_not_log_visits_get_403(client, login, world, username):
    login(username)
    assert client.get("/visits/new").status_code == 403
    assert client.post("/visits/new", data=_form(world)).status_code == 403
    assert _count() == 0


def test_a_leader_cannot_log_for_another_team(client, login, world):
    login("leader2")
    response = client.post("/visits/new", data=_form(world))
    assert response.status_code == 403
    assert _count() == 0


def test_admin_chooses_the_team_first(client, login, world):
    login("admin")
    chooser = client.get("/visits/new")
    assert chooser.status_code == 200
    assert world.other_team.name in chooser.get_data(as_text=True)
    page = client.get(f"/visits/new?team={world.other_team.id}")
    html = page.get_data(as_text=True)
    assert world.other_farm.name in html
    assert world.team_members(world.other_team)[0].name in html
    data = _form(world, team_id=world.other_team.id, farm_id=world.other_farm.id, member_ids=[])
    assert client.post("/visits/new", data=data).status_code == 302
    assert db.session.execute(select(Visit.team_id)).scalar_one() == world.other_team.id


def test_list_shows_only_visits_in_scope_newest_first(client, login, world):
    old = world.make_visit(days_ago=20)
    new = world.make_visit(days_ago=1)
    hidden = world.make_visit(team=world.other_team, farm=world.other_farm)
    login("leader")
    html = client.get("/visits").get_data(as_text=True)
    assert "has-error" not in html
    assert html.index(f"/visits/{new.id}") < html.index(f"/visits/{old.id}")
    assert f"/visits/{hidden.id}" not in html


def test_list_filters(client, login, world):
    training = world.make_visit(kind=VisitKind.TECHNICAL_TRAINING, days_ago=2)
    lecture = world.make_visit(kind=VisitKind.LECTURE, days_ago=10)
    other = world.make_visit(team=world.other_team, farm=world.other_farm)
    login("admin")
    html = client.get("/visits?kind=lecture").get_data(as_text=True)
    assert f"/visits/{lecture.id}" in html and f"/visits/{training.id}" not in html
    since = (date.today() - timedelta(days=5)).isoformat()
    html = client.get(f"/visits?date_from={since}").get_data(as_text=True)
    assert f"/visits/{training.id}" in html and f"/visits/{lecture.id}" not in html
    html = client.get(f"/visits?team={world.other_team.id}").get_data(as_text=True)
    assert f"/visits/{other.id}" in html and f"/visits/{training.id}" not in html
    html = client.get(f"/visits?farm={world.farm.id}").get_data(as_text=True)
    assert f"/visits/{other.id}" not in html and f"/visits/{training.id}" in html
    bad = client.get("/visits?date_from=soon&kind=picnic&team=x")
    assert bad.status_code == 200


def test_list_is_paginated_with_a_fixed_number_of_queries(app, client, login, world):
    login("admin")

    def queries(url):
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    world.make_visit()
    few = queries("/visits")
    for n in range(30):
        world.make_visit(days_ago=n % 20, team=world.other_team if n % 2 else world.team)
    assert queries("/visits") == few
    html = client.get("/visits").get_data(as_text=True)
    assert 'rel="next"' in html
    assert client.get("/visits?page=2").status_code == 200


def test_detail_shows_every_field(client, login, world):
    visit = world.make_visit(topics="修剪技术", material="手册", questions="病虫害？", notes="天晴")
    login("member")
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    for text in ("修剪技术", "手册", "病虫害？", "天晴", world.farm.name, world.team.name):
        assert text in html
    assert f"/visits/{visit.id}/edit" not in html


def test_unknown_visit_is_404_and_out_of_scope_is_403(client, login, world):
    visit = world.make_visit(team=world.other_team, farm=world.other_farm)
    login("leader")
    assert client.get("/visits/999999").status_code == 404
    assert client.get("/visits/999999/edit").status_code == 404
    assert client.post("/visits/999999/delete").status_code == 404
    assert client.get(f"/visits/{visit.id}").status_code == 403


def test_leader_edits_a_visit(client, login, world):
    visit = world.make_visit(people_reached=5)
    login("leader")
    page = client.get(f"/visits/{visit.id}/edit")
    assert page.status_code == 200 and 'value="5"' in page.get_data(as_text=True)
    data = _form(world, people_reached="40", visited_on=visit.visited_on.isoformat())
    response = client.post(f"/visits/{visit.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(visit)
    assert visit.people_reached == 40 and len(visit.members_present) == 2


def test_bad_edit_changes_nothing(client, login, world):
    visit = world.make_visit(people_reached=5)
    login("leader")
    response = client.post(f"/visits/{visit.id}/edit", data=_form(world, people_reached="-5"))
    assert response.status_code == 200
    future = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(f"/visits/{visit.id}/edit", data=_form(world, visited_on=future))
    assert response.status_code == 200
    db.session.refresh(visit)
    assert visit.people_reached == 5


@pytest.mark.parametrize("username", ["member", "reviewer", "leader2"])
def test_others_may_not_edit_or_delete(client, login, world, username):
    visit = world.make_visit(people_reached=5)
    login(username)
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    assert client.post(f"/visits/{visit.id}/edit", data=_form(world)).status_code == 403
    assert client.post(f"/visits/{visit.id}/delete").status_code == 403
    db.session.refresh(visit)
    assert visit.people_reached == 5 and _count() == 1


def test_leader_deletes_a_visit(client, login, world):
    visit = world.make_visit()
    login("leader")
    assert client.get(f"/visits/{visit.id}/delete").status_code == 405
    assert client.post(f"/visits/{visit.id}/delete").status_code == 302
    assert _count() == 0


def test_visit_pages_need_login(client, world):
    assert client.get("/visits").status_code == 302
    assert client.post("/visits/new", data=_form(world)).status_code == 302
    assert _count() == 0
