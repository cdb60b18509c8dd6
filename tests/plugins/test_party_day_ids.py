"""Ids beyond what the database holds are refused (404 or the field's error), never an error
of the database, on pages and API alike."""

import pytest
from party_day_support import API, PAGES, enable, form

HUGE = "99999999999"


@pytest.fixture
def on(app, world):
    """The plugin enabled, an admin signed in."""
    enable(app)
    return world


@pytest.mark.parametrize(
    "path",
    [
        f"/days/{HUGE}",
        f"/equipment/{HUGE}",
        f"/viewings/{HUGE}",
        f"/rounds/{HUGE}",
        f"/cases/{HUGE}",
        f"/?village={HUGE}&area={HUGE}",
    ],
)
def test_huge_ids_in_pages(on, client, login, path):
    login("admin")
    assert client.get(PAGES + path).status_code in (200, 404)


def test_huge_ids_in_forms(on, client, login):
    login("admin")
    response = client.post(PAGES + "/new", data=form(on.village, village_id=HUGE))
    assert response.status_code == 200 and 'id="village_id-error"' in response.get_data(True)
    viewing = {"area_id": HUGE, "held_on": "2026-01-01", "title": "观摩"}
    response = client.post(PAGES + "/viewings/new", data=viewing)
    assert response.status_code == 200 and 'id="area_id-error"' in response.get_data(True)


def test_huge_ids_in_api_filters(on, client, bearer):
    headers = bearer(on.admin)
    assert client.get(f"{API}/party-days?village={HUGE}", headers=headers).status_code == 422
    assert client.get(f"{API}/cases?round={HUGE}", headers=headers).status_code == 422
