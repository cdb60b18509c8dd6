"""GET /api/v1/review: the page's figures as JSON, in the OpenAPI document, scoped."""

import pytest
from review_world import ReviewWorld

from core.plugins.state import set_enabled

API = "/api/v1/review"


@pytest.fixture
def rw(world):
    return ReviewWorld(world)


def _get(client, headers, **args):
    return client.get(API, query_string=args, headers=headers)


def test_figures_as_json(rw, client, bearer, world):
    response = _get(client, bearer(world.reviewer), period="2025")
    assert response.status_code == 200
    body = response.get_json()
    assert body["area"] == {
        "id": world.township.id,
        "name": "永阳镇",
        "kind": "township",
        "full_name": "测试县 永阳镇",
    }
    assert body["period"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "code": "2025",
        "days": 365,
        "reference_day": "2025-12-31",
    }
    a, b = body["teams"]
    assert a == {
        "team_id": rw.team_a.id,
        "team_name": "戴家村服务队",
        "area_id": world.village.id,
        "area_name": "戴家村",
        "members": 10,
        "meets_min_size": True,
        "members_without_farms": 0,
        "members_over_max": 0,
        "farms_assigned": 1,
        "farms_visited": 2,
        "farms_stale": 0,
        "visits_by_kind": {
            "party_education": 1,
            "policy_study": 1,
            "technical_training": 1,
            "onsite_guidance": 0,
            "lecture": 1,
        },
        "visits": 4,
        "visits_with_photos": 1,
        "people_reached": 59,
        "households_reached": 21,
        "events_held": 2,
        "last_activity": "2025-11-01",
    }
    assert (b["members_without_farms"], b["farms_stale"], b["last_activity"]) == (
        1,
        3,
        "2025-05-05",
    )
    total = body["areas"][-1]
    assert total["total"] and total["area_name"] == "永阳镇" and total["coverage"] == 0.75
    assert (total["farms_assigned"], total["events_held"], total["people_reached"]) == (4, 2, 66)
    assert (b["visits_with_photos"], total["visits_with_photos"]) == (1, 2)
    assert {(e["campaign_name"], e["venue_kind"], e["events"]) for e in body["events"]} == {
        ("2026年全国科普日", "village", 1),
        ("", "school", 1),
    }
    assert body["visits_per_month"][0] == {
        "month": "2025-02",
        "visits": 1,
        "visits_by_kind": {"onsite_guidance": 1},
    }
    assert body["sections"] == []


def test_periods_and_ranges(rw, client, bearer, world):
    headers = bearer(world.reviewer)
    q2 = _get(client, headers, period="2025-Q1").get_json()
    assert q2["period"]["end"] == "2025-03-31" and q2["teams"][0]["visits"] == 2
    free = _get(client, headers, **{"from": "2025-03-15", "to": "2025-03-31"}).get_json()
    assert free["period"]["code"] == "" and free["teams"][0]["visits"] == 1


@pytest.mark.parametrize(
    "args, field",
    [
        ({"from": "2025-05-01", "to": "2025-04-01"}, "to"),
        ({"from": "2025-02-30"}, "from"),
        ({"from": "2019-01-01", "to": "2025-01-01"}, "to"),
        ({"period": "2025-Q5"}, "period"),
        ({"area": 999999}, "area"),
    ],
)
def test_bad_input_is_422(rw, client, bearer, world, args, field):
    response = _get(client, bearer(world.reviewer), **args)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_scope(rw, client, bearer, world):
    assert _get(client, bearer(world.reviewer), area=world.other_township.id).status_code == 403
    assert _get(client, bearer(world.reviewer), area=world.county.id).status_code == 403
    assert _get(client, bearer(world.leader)).status_code == 403
    assert _get(client, bearer(world.member)).status_code == 403
    assert _get(client, {}).status_code == 401
    admin = _get(client, bearer(world.admin), period="2025").get_json()
    assert admin["area"]["name"] == "测试县" and len(admin["teams"]) == 3


def test_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    get = spec["paths"]["/api/v1/review/"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"area", "period", "from", "to"} <= names
    assert {"200", "403", "422"} <= set(get["responses"])
    schema = spec["components"]["schemas"]["TeamFigures"]
    assert "farms_stale" in schema["properties"]


def test_plugin_sections_and_failures(sample_app, sample, world, make_app):
    ReviewWorld(world)
    set_enabled(sample_app, "kepu_sample", True)
    client = sample_app.test_client()
    headers = {"Authorization": f"Bearer {world.token(world.reviewer)}"}
    [section] = client.get(API, headers=headers).get_json()["sections"]
    assert section["available"] and section["title"] == "Sample notes of 永阳镇"
    assert section["figures"] == [{"label": "Notes", "value": 0, "flagged": False, "url": None}]
    sample.FAILING.add("review_sections")
    body = client.get(API, headers=headers).get_json()
    assert body["sections"] == [
        {
            "plugin": "kepu_sample",
            "available": False,
            "key": None,
            "title": None,
            "figures": [],
            "tables": [],
        }
    ]
    assert body["teams"]
