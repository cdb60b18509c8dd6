"""The review's period box shows the period in effect, never a sample that looks chosen."""

import pytest
from review_world import ReviewWorld


@pytest.fixture
def rw(world):
    return ReviewWorld(world)


def test_the_period_box_holds_the_period_shown(rw, client, login):
    login("reviewer")
    page = client.get("/review", query_string={"period": "2025"}).get_data(as_text=True)
    assert 'name="period" value="2025"' in page and 'placeholder="2026-Q2"' not in page
    default = client.get("/review").get_data(as_text=True)
    assert 'placeholder="2026-Q2"' not in default
    dated = client.get("/review", query_string={"from": "2025-03-01", "to": "2025-03-31"})
    assert 'name="period" value=""' in dated.get_data(as_text=True)  # dates given instead
