"""Queries per request of the everyday paths: fixed numbers, whatever the size of the data.

The numbers are those bench/README.md states per endpoint; a change of one is a change of
that table. Counts do not depend on the machine (timings are measured by ``make bench``).
"""

from datetime import date, timedelta

import pytest

from core.calendar import cache, feeds
from core.extensions import db
from core.models import ApiToken, Assignment, Member, utcnow
from tests.query_counter import count_queries

FEED = "/calendar/events.ics"


def _more_data(world, n):
    """``n`` more members, farms, assignments, visits and events for the leader's team."""
    for i in range(n):
        farm = world.make_farm(world.village, f"示范户{i}")
        member = Member(name=f"队员{i}", team=world.team)
        db.session.add_all([member, Assignment(member=member, farm=farm)])
        world.make_visit(farm=farm, days_ago=1 + i)
        world.make_event(days_ahead=1 + i, title=f"讲座{i}")
    db.session.commit()


def _queries(client, path, **kwargs) -> tuple[int, int]:
    """(status, statements) of one request, from a cold session."""
    db.session.expire_all()
    with count_queries() as statements:
        status = client.get(path, **kwargs).status_code
    return status, len(statements)


def _costs(client, world, headers):
    team = world.team.id
    return {
        "api team": _queries(client, f"/api/v1/teams/{team}", headers=headers),
        "api visits": _queries(
            client, f"/api/v1/visits/?team={team}&page_size=20", headers=headers
        ),
        "api events": _queries(client, "/api/v1/events/", headers=headers),
    }


def test_api_reads_cost_a_fixed_small_number_of_queries(client, world, bearer):
    headers = bearer(world.leader)
    client.get("/api/v1/areas/", headers=headers)  # the token's first use is written once
    _more_data(world, 1)
    small = _costs(client, world, headers)
    _more_data(world, 12)
    assert _costs(client, world, headers) == small
    # token and user (1), the team and its scope (1), its flags (2)
    assert small["api team"] == (200, 4)
    # token (1), count and page (2), members present (1), who logged and changed (1), the
    # photos of the whole page (1)
    assert small["api visits"] == (200, 6)


def test_signed_in_pages_cost_the_same_whatever_the_data(client, world, login):
    login("leader")
    _more_data(world, 1)
    paths = ["/", f"/teams/{world.team.id}", "/visits/new", "/visits"]
    small = {path: _queries(client, path) for path in paths}
    _more_data(world, 12)
    assert {path: _queries(client, path) for path in paths} == small
    # each includes the session's user, the plugin flags and the inbox count (3); the home
    # page reads the bulletins about the leader's team in one query
    assert small == {
        "/": (200, 11),
        f"/teams/{world.team.id}": (200, 11),
        "/visits/new": (200, 7),
        "/visits": (200, 8),  # one more: the farm filter is grouped by township
    }


def test_a_conditional_feed_poll_reads_no_event_and_renders_nothing(client, world, monkeypatch):
    _more_data(world, 5)
    etag = client.get(FEED).headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("a 304 must not read, render or ask plugins")

    monkeypatch.setattr(feeds, "event_rows", refuse)
    monkeypatch.setattr(feeds, "plugin_entries", refuse)
    monkeypatch.setattr(cache, "render", refuse)
    status, statements = _queries(client, FEED, headers={"If-None-Match": etag})
    assert status == 304 and statements <= 2


def test_any_recorded_change_makes_the_next_poll_download_again(client, world):
    event = world.make_event(title="梅子栽培讲座")
    etag = client.get(FEED).headers["ETag"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    event.place = "村部二楼"
    db.session.commit()
    again = client.get(FEED, headers={"If-None-Match": etag})
    assert again.status_code == 200 and "村部二楼" in again.get_data(as_text=True)


@pytest.mark.parametrize("minutes, written", [(1, False), (6, True)])
def test_a_tokens_last_use_is_written_at_most_every_five_minutes(
    client, world, bearer, minutes, written
):
    headers = bearer(world.leader)
    client.get("/api/v1/areas/", headers=headers)
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == world.leader.id))
    earlier = utcnow() - timedelta(minutes=minutes)
    token.last_used_at = earlier
    db.session.commit()
    status, _ = _queries(client, "/api/v1/areas/", headers=headers)
    db.session.refresh(token)
    assert status == 200 and (token.last_used_at > earlier) is written
    assert token.last_used_at.date() == date.today() or not written
