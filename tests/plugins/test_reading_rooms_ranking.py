"""Reading rooms: reviewers read the year-end ranking and the stored monthly reports of the
rooms in their area (a township reviewer their township's rooms, a county reviewer all of
them); admins confirm; leaders and members never read the ranking."""

from datetime import date

import pytest
from reading_rooms_helpers import API, BASE, Rooms

from core.extensions import db
from core.models import Role
from plugins.reading_rooms.models import Commendation
from plugins.reading_rooms.services import confirm_commendations, store_report


@pytest.fixture
def rooms(app, world):
    rooms = Rooms(app, world)
    world.make_user("county_reviewer", Role.REVIEWER, area=world.county)
    db.session.commit()
    return rooms


def _room_ids(html: str, start: str) -> list[str]:
    """The data-room values of the list that starts at ``start``."""
    part = html[html.index(start) :]
    part = part[: part.index("</ol>")]
    return [chunk.split('"', 1)[0] for chunk in part.split('data-room="')[1:]]


def test_township_reviewer_reads_the_ranking_of_their_rooms(client, login, world, rooms):
    confirm_commendations(2026, world.admin)
    login("reviewer")
    response = client.get(f"{BASE}/ranking?year=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "永阳镇书屋" in html and "戴家村书屋" in html and "傅家边村书屋" not in html
    # county-wide ranks: 永阳镇 400 (1), 傅家边村 200 (2, not shown), 戴家村 80 (3)
    assert '<td class="num">1</td><td>永阳镇书屋' in html
    assert '<td class="num">3</td><td>戴家村书屋' in html
    assert _room_ids(html, 'id="rr-proposal"') == [str(rooms.township.id), str(rooms.village.id)]
    assert _room_ids(html, 'id="rr-confirmed"') == [str(rooms.township.id), str(rooms.village.id)]
    assert 'id="confirm-commendations"' not in html and 'id="rr-area-note"' in html
    assert f"{BASE}/ranking" in client.get(f"{BASE}/").get_data(as_text=True)  # linked


def test_county_reviewer_reads_every_room(client, login, rooms):
    login("county_reviewer")
    html = client.get(f"{BASE}/ranking?year=2026").get_data(as_text=True)
    assert all(name in html for name in ("永阳镇书屋", "戴家村书屋", "傅家边村书屋"))


def test_reviewers_never_confirm(client, login, bearer, world, rooms):
    login("reviewer")
    assert client.post(f"{BASE}/ranking?year=2026").status_code == 403
    headers = bearer(world.reviewer)
    assert client.post(f"{API}/ranking/2026/confirm", headers=headers).status_code == 403
    assert db.session.query(Commendation).count() == 0


@pytest.mark.parametrize("username", ["leader", "member"])
def test_leaders_and_members_still_have_no_ranking(client, login, world, rooms, username):
    login(username)
    assert client.get(f"{BASE}/ranking").status_code == 403
    assert f"{BASE}/ranking" not in client.get(f"{BASE}/").get_data(as_text=True)


def test_ranking_api_follows_the_area(client, bearer, world, rooms):
    confirm_commendations(2026, world.admin)
    township = client.get(f"{API}/ranking?year=2026", headers=bearer(world.reviewer))
    assert township.status_code == 200
    body = township.json
    mine = [rooms.township.id, rooms.village.id]
    assert [(r["room_id"], r["rank"]) for r in body["rows"]] == [(mine[0], 1), (mine[1], 3)]
    assert [r["room_id"] for r in body["proposal"]] == mine
    assert [c["room_id"] for c in body["confirmed"]] == mine
    county_user = db.session.scalar(
        db.select(world.admin.__class__).filter_by(username="county_reviewer")
    )
    county = client.get(f"{API}/ranking?year=2026", headers=bearer(county_user)).json
    assert len(county["rows"]) == 3 and len(county["confirmed"]) == 3
    for user in (world.leader, world.member):
        assert client.get(f"{API}/ranking", headers=bearer(user)).status_code == 403


def test_monthly_reports_follow_the_area(client, login, bearer, world, rooms):
    report = store_report(date(2026, 1, 1), date(2026, 1, 31))
    shown = client.get(f"{API}/reports/{report.id}", headers=bearer(world.reviewer)).json
    assert [r["room_id"] for r in shown["rows"]] == [rooms.township.id, rooms.village.id]
    login("county_reviewer")
    html = client.get(f"{BASE}/reports/{report.id}").get_data(as_text=True)
    assert all(f'data-room="{r.id}"' in html for r in (rooms.township, rooms.village, rooms.other))
