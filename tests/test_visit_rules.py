"""One set of limits for a visit, the same on the pages and in the API (core.services.visit_rules):
the earliest day, the longest texts; and the households-over-people flag, shown, never refused."""

from datetime import timedelta

from sqlalchemy import func, select
from test_api_support import field_errors, snapshot

from core import rules
from core.extensions import db
from core.models import Visit, VisitKind
from core.services.visit_rules import EARLIEST_VISIT_DAY, MAX_MATERIAL, MAX_VISIT_TEXT

URL = "/api/v1/visits/"
EN = {"Accept-Language": "en"}
TOO_EARLY = f"A visit cannot be dated before {EARLIEST_VISIT_DAY.isoformat()}."
TOO_LONG = f"Use at most {MAX_VISIT_TEXT} characters."
FLAG = "More households than people reached"


def _count() -> int:
    return db.session.execute(select(func.count(Visit.id))).scalar_one()


def _body(world, **change) -> dict:
    """A valid visit as the API takes it."""
    body = {
        "farm_id": world.farm.id,
        "visited_on": (rules.today() - timedelta(days=1)).isoformat(),
        "kind": VisitKind.TECHNICAL_TRAINING.value,
        "people_reached": 30,
        "households_reached": 12,
        "topics": "梅子修剪",
    }
    return body | change


def _form(world, **change) -> dict:
    """A valid visit as the page posts it."""
    data = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": rules.today().isoformat(),
        "kind": VisitKind.TECHNICAL_TRAINING.value,
        "people_reached": "35",
        "households_reached": "12",
        "topics": "梅子修剪",
        "material": "",
        "questions": "",
        "notes": "",
        "client_key": "3f0c2a1e-0000-4000-8000-000000000002",
    }
    return data | change


def _english(client, login, username="leader"):
    login(username)
    client.post("/lang/en", data={"next": "/"})


def test_the_api_refuses_a_visit_before_the_earliest_day_and_changes_nothing(client, world, bearer):
    headers = bearer(world.leader) | EN
    before = snapshot()
    response = client.post(URL, json=_body(world, visited_on="1900-01-01"), headers=headers)
    assert field_errors(response) == {"visited_on": [TOO_EARLY]}
    assert snapshot() == before
    visit = world.make_visit()
    before = snapshot()
    response = client.patch(f"{URL}{visit.id}", json={"visited_on": "1900-01-01"}, headers=headers)
    assert field_errors(response) == {"visited_on": [TOO_EARLY]}
    assert snapshot() == before
    day = EARLIEST_VISIT_DAY.isoformat()
    response = client.post(URL, json=_body(world, visited_on=day), headers=headers)
    assert response.status_code == 201 and response.get_json()["visited_on"] == day


def test_the_page_refuses_the_same_day_with_the_same_message(client, login, world):
    _english(client, login)
    page = client.get("/visits/new").get_data(as_text=True)
    assert f'min="{EARLIEST_VISIT_DAY.isoformat()}"' in page
    assert f'max="{rules.today().isoformat()}"' in page
    before = snapshot()
    response = client.post("/visits/new", data=_form(world, visited_on="1900-01-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TOO_EARLY in html and 'id="visited_on-error"' in html
    assert _count() == 0 and snapshot() == before
    visit = world.make_visit()
    before = snapshot()
    response = client.post(f"/visits/{visit.id}/edit", data=_form(world, visited_on="1900-01-01"))
    assert response.status_code == 200 and TOO_EARLY in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_api_refuses_notes_longer_than_the_shared_limit(client, world, bearer):
    headers = bearer(world.leader) | EN
    before = snapshot()
    for name in ("notes", "topics", "questions"):
        body = _body(world, **{name: "记" * (MAX_VISIT_TEXT + 1)})
        assert field_errors(client.post(URL, json=body, headers=headers)) == {name: [TOO_LONG]}
    body = _body(world, material="册" * (MAX_MATERIAL + 1))
    assert list(field_errors(client.post(URL, json=body, headers=headers))) == ["material"]
    assert snapshot() == before


def test_the_form_accepts_notes_of_exactly_the_limit_and_refuses_one_more(client, login, world):
    _english(client, login)
    too_long = "记" * (MAX_VISIT_TEXT + 1)
    response = client.post("/visits/new", data=_form(world, notes=too_long))
    assert response.status_code == 200 and TOO_LONG in response.get_data(as_text=True)
    assert _count() == 0
    response = client.post("/visits/new", data=_form(world, notes="记" * MAX_VISIT_TEXT))
    assert response.status_code == 302
    assert db.session.execute(select(Visit.notes)).scalar_one() == "记" * MAX_VISIT_TEXT


def test_a_visit_with_notes_at_the_limit_from_the_api_can_be_edited_in_the_form(
    client, login, world, bearer
):
    notes = "记" * MAX_VISIT_TEXT
    response = client.post(URL, json=_body(world, notes=notes), headers=bearer(world.leader))
    assert response.status_code == 201
    visit_id = response.get_json()["id"]
    login("leader")
    page = client.get(f"/visits/{visit_id}/edit")
    assert page.status_code == 200 and notes in page.get_data(as_text=True)
    visited_on = response.get_json()["visited_on"]
    data = _form(world, visited_on=visited_on, people_reached="41", notes=notes)
    response = client.post(f"/visits/{visit_id}/edit", data=data)
    assert response.status_code == 302
    visit = db.session.get(Visit, visit_id)
    assert visit.people_reached == 41 and visit.notes == notes


def test_more_households_than_people_is_saved_and_flagged(client, login, world, bearer):
    headers = bearer(world.leader)
    response = client.post(
        URL, json=_body(world, people_reached=3, households_reached=10), headers=headers
    )
    assert response.status_code == 201
    flagged = response.get_json()
    assert flagged["households_exceed_people"] is True
    assert flagged["people_reached"] == 3 and flagged["households_reached"] == 10
    visit = db.session.get(Visit, flagged["id"])
    assert (visit.people_reached, visit.households_reached) == (3, 10)
    fine = world.make_visit(people_reached=20, households_reached=20)
    assert (
        client.get(f"{URL}{fine.id}", headers=headers).get_json()["households_exceed_people"]
        is False
    )
    listed = {
        v["id"]: v["households_exceed_people"] for v in client.get(URL, headers=headers).get_json()
    }
    assert listed == {visit.id: True, fine.id: False}

    _english(client, login, "member")
    detail = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'<span class="flag">{FLAG}</span>' in detail
    assert FLAG not in client.get(f"/visits/{fine.id}").get_data(as_text=True)
    assert client.get("/visits").get_data(as_text=True).count(FLAG) == 1


def test_the_page_saves_more_households_than_people(client, login, world):
    _english(client, login)
    response = client.post(
        "/visits/new", data=_form(world, people_reached="2", households_reached="5")
    )
    assert response.status_code == 302
    visit = db.session.execute(select(Visit)).scalar_one()
    assert (visit.people_reached, visit.households_reached) == (2, 5)
    assert FLAG in client.get(f"/visits/{visit.id}").get_data(as_text=True)
