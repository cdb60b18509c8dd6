"""/api/v1/campaigns through HTTP."""

from datetime import date

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Campaign, CampaignKind

URL = "/api/v1/campaigns/"

WEEK = {
    "name": "2026年科技活动周",
    "kind": "st_week",
    "year": 2026,
    "starts_on": "2026-05-17",
    "ends_on": "2026-05-23",
}


def _add(name, kind, starts, ends):
    campaign = Campaign(name=name, kind=kind, year=starts.year, starts_on=starts, ends_on=ends)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def test_everyone_lists_campaigns_by_start(client, world, bearer):
    month = _add(
        "2026年科普宣传月", CampaignKind.OUTREACH_MONTH, date(2026, 3, 1), date(2026, 3, 31)
    )
    response = client.get(URL, headers=bearer(world.member))
    assert ids(response) == [month.id, world.campaign.id]
    assert pagination(response)["total"] == 2
    assert response.get_json()[1]["kind"] == "science_day"


def test_filters(client, world, bearer):
    old = _add("2025年全国科普日", CampaignKind.SCIENCE_DAY, date(2025, 9, 15), date(2025, 9, 21))
    headers = bearer(world.reviewer)
    assert ids(client.get(f"{URL}?year=2025", headers=headers)) == [old.id]
    assert ids(client.get(f"{URL}?kind=science_day&from=2026-01-01", headers=headers)) == [
        world.campaign.id
    ]
    # overlapping the range: 2026-09-30 is the campaign's last day
    assert ids(client.get(f"{URL}?from=2026-09-30&to=2026-10-31", headers=headers)) == [
        world.campaign.id
    ]
    assert ids(client.get(f"{URL}?to=2025-12-31", headers=headers)) == [old.id]
    response = client.get(f"{URL}?from=2026-10-01&to=2026-09-01", headers=headers)
    assert "from" in response.get_json()["errors"]["query"]


def test_get_one_404_401(client, world, bearer):
    response = client.get(f"{URL}{world.campaign.id}", headers=bearer(world.member))
    assert response.get_json()["starts_on"] == "2026-09-15"
    assert client.get(f"{URL}99999", headers=bearer(world.member)).status_code == 404
    assert client.get(f"{URL}{world.campaign.id}").status_code == 401


def test_admin_creates_changes_and_deletes_a_campaign(client, world, bearer):
    headers = bearer(world.admin)
    response = client.post(URL, json=WEEK, headers=headers)
    assert response.status_code == 201
    url = f"{URL}{response.get_json()['id']}"
    response = client.patch(url, json={"ends_on": "2026-05-24"}, headers=headers)
    assert response.get_json()["ends_on"] == "2026-05-24"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_a_campaign_with_events_is_not_deleted(client, world, bearer):
    world.make_event()
    response = client.delete(f"{URL}{world.campaign.id}", headers=bearer(world.admin))
    assert response.status_code == 409 and response.is_json


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "festival"}, "kind"),
        ({"year": "2026"}, "year"),
        ({"year": 20260}, "year"),
        ({"year": 1950}, "year"),  # the pages accept 2000-2100 too
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": "2026-05-01"}, "ends_on"),
    ],
)
def test_bad_campaign_input_names_the_field(client, world, bearer, change, field):
    before = snapshot()
    response = client.post(URL, json={**WEEK, **change}, headers=bearer(world.admin))
    assert list(field_errors(response)) == [field]
    assert snapshot() == before


def test_a_patch_cannot_end_before_the_start(client, world, bearer):
    before = snapshot()
    response = client.patch(
        f"{URL}{world.campaign.id}", json={"ends_on": "2026-09-01"}, headers=bearer(world.admin)
    )
    assert list(field_errors(response)) == ["ends_on"]
    assert snapshot() == before


def _writes(world):
    spare = _add("空活动", CampaignKind.OTHER, date(2026, 1, 1), date(2026, 1, 2))
    return {
        "create": ("post", URL, WEEK),
        "update": ("patch", f"{URL}{world.campaign.id}", {"description": "说明"}),
        "delete": ("delete", f"{URL}{spare.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)


def test_a_name_with_a_line_break_is_refused(client, world, bearer):
    before = snapshot()
    headers = bearer(world.admin)
    body = {
        "name": "科普日\nX-INJECTED:1",
        "kind": "science_day",
        "year": 2026,
        "starts_on": "2026-09-15",
        "ends_on": "2026-09-30",
    }
    assert list(field_errors(client.post(URL, json=body, headers=headers))) == ["name"]
    response = client.patch(f"{URL}{world.campaign.id}", json={"name": "科\x1b日"}, headers=headers)
    assert list(field_errors(response)) == ["name"]
    assert snapshot() == before
