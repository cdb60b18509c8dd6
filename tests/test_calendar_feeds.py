"""Calendar feeds: correct iCalendar for real clients, filters, caching validators, plugins."""

import re
import warnings
from datetime import UTC, date, datetime, timedelta

import icalendar
import ics
import pytest
import vobject
from query_counter import count_queries

from core.calendar.writer import fold
from core.extensions import db
from core.models import CalendarCache, Campaign, CampaignKind, Event, EventStatus, VenueKind
from core.plugins.state import set_enabled

FEED = "/calendar/events.ics"


@pytest.fixture(autouse=True)
def _no_rate_limit(app, monkeypatch):
    """The session-wide app would otherwise count every test's requests together."""
    monkeypatch.setitem(app.config, "CALENDAR_RATE_LIMIT", "100000 per minute")


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    """The VEVENTs of a feed by UID, parsed by icalendar."""
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def parse_everywhere(body: bytes) -> None:
    """The feed passes icalendar, vobject and ics-py, each an independent parser."""
    icalendar.Calendar.from_ical(body)
    parsed = vobject.readOne(body.decode())
    assert parsed.name == "VCALENDAR"
    with warnings.catch_warnings():  # pygal's import hook warns on ics' lazy imports
        warnings.simplefilter("ignore", ImportWarning)
        ics.Calendar(body.decode())


def test_feed_is_anonymous_valid_icalendar_for_three_parsers(client, world):
    world.make_event(title="梅子栽培讲座；分号, 逗号\n第二行", description="讲座内容" * 40)
    world.make_event(title="全天科普展", all_day=True, days_ahead=8)
    response = client.get(FEED)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    parse_everywhere(response.data)
    raw = response.data.decode()
    lines = raw.split("\r\n")
    assert raw.endswith("END:VCALENDAR\r\n") and "\n" not in raw.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # long Chinese text was folded
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai" in raw
    assert "X-WR-TIMEZONE:Asia/Shanghai" in raw and "X-WR-CALNAME:" in raw
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw and "X-PUBLISHED-TTL:PT1H" in raw
    assert "DTSTART;TZID=Asia/Shanghai:" in raw
    assert r"梅子栽培讲座；分号\, 逗号\n第二行" in raw


def test_event_properties(client, world):
    event = world.make_event()
    allday = world.make_event(title="全天科普展", days_ahead=8)
    start = allday.starts_at.astimezone(world_tz()).replace(hour=0, minute=0)
    allday.starts_at, allday.ends_at, allday.all_day = start, start + timedelta(days=2), True
    db.session.commit()
    found = vevents(client.get(FEED).data)
    item = found[event.uid]
    assert item["sequence"] == event.revision
    assert item.decoded("dtstart") == event.starts_at
    assert str(item.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert item.decoded("dtstamp") == event.updated_at.replace(microsecond=0)
    assert item.decoded("last-modified") == event.updated_at.replace(microsecond=0)
    assert str(item["status"]) == "CONFIRMED"
    assert str(item["url"]).endswith(f"/events/{event.id}")
    assert item.categories == ["2026年全国科普日", "进农村"]
    whole = found[allday.uid]
    assert whole.decoded("dtstart") == start.date()
    assert whole.decoded("dtend") == start.date() + timedelta(days=2)  # exclusive
    assert "DTSTART;VALUE=DATE:" in whole.to_ical().decode()


def world_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_english_on_request(client, world):
    event = world.make_event(venue_kind=VenueKind.SCHOOL)
    zh = vevents(client.get(FEED).data)[event.uid]
    en = vevents(client.get(FEED + "?lang=en").data)[event.uid]
    assert zh.categories == ["2026年全国科普日", "进学校"]
    assert en.categories == ["2026年全国科普日", "School"]
    assert client.get(FEED + "?lang=fr").status_code == 400


def test_update_raises_sequence_and_rerenders(client, world):
    event = world.make_event()
    before = vevents(client.get(FEED).data)[event.uid]["sequence"]
    event.title = "改名后的讲座"
    db.session.commit()
    after = vevents(client.get(FEED).data)[event.uid]
    assert after["sequence"] > before
    assert str(after["summary"]) == "改名后的讲座"


def test_campaign_rename_rerenders(client, world):
    event = world.make_event()
    client.get(FEED)
    world.campaign.name = "2026年科技活动周"
    db.session.commit()
    assert vevents(client.get(FEED).data)[event.uid].categories[0] == "2026年科技活动周"


def test_cancelled_and_deleted_events_stay_cancelled_for_a_while(client, world, app):
    cancelled = world.make_event(title="取消的")
    deleted = world.make_event(title="删除的")
    old = world.make_event(title="早已取消")
    cancelled.status = EventStatus.CANCELLED
    deleted.soft_delete()
    old.status = EventStatus.CANCELLED
    db.session.commit()
    days = app.config["CALENDAR_KEEP_CANCELLED_DAYS"]
    db.session.execute(
        db.update(Event)
        .where(Event.id == old.id)
        .values(updated_at=datetime.now(UTC) - timedelta(days=days + 2))
    )
    db.session.commit()
    found = vevents(client.get(FEED).data)
    assert str(found[cancelled.uid]["status"]) == "CANCELLED"
    assert str(found[deleted.uid]["status"]) == "CANCELLED"
    assert old.uid not in found
    alone = vevents(client.get(f"/calendar/events/{old.id}.ics").data)
    assert str(alone[old.uid]["status"]) == "CANCELLED"  # its own page still offers it


def test_conditional_requests_answer_304(client, world):
    world.make_event()
    first = client.get(FEED)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(FEED, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get(FEED, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    world.make_event(title="新活动")
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 200


def test_filters_combine(client, world):
    here = world.make_event(title="本村")
    there = world.make_event(team=world.other_team, title="外村", venue_kind=VenueKind.SCHOOL)
    other_campaign = Campaign(
        name="2026年科普宣传月",
        kind=CampaignKind.OUTREACH_MONTH,
        year=2026,
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 31),
    )
    db.session.add(other_campaign)
    db.session.commit()
    loose = world.make_event(title="宣传月", campaign=other_campaign)

    def uids(query):
        response = client.get(FEED + query)
        assert response.status_code == 200, query
        return set(vevents(response.data))

    assert uids("") == {here.uid, there.uid, loose.uid}
    assert uids(f"?area={world.township.id}") == {here.uid, loose.uid}
    assert uids(f"?area={world.county.id}") == {here.uid, there.uid, loose.uid}
    assert uids(f"?team={world.other_team.id}") == {there.uid}
    assert uids(f"?campaign={world.campaign.id}") == {here.uid, there.uid}
    assert uids("?venue=school") == {there.uid}
    assert uids(f"?campaign={world.campaign.id}&venue=village") == {here.uid}
    assert uids(f"?area={world.township.id}&campaign={other_campaign.id}") == {loose.uid}
    assert client.get(FEED + "?team=999999").status_code == 404
    assert client.get(FEED + "?team=abc").status_code == 400
    assert client.get(FEED + "?venue=moon").status_code == 400


@pytest.mark.parametrize("warm", [False, True])
def test_query_count_does_not_grow_with_events(client, world, warm):
    counts = []
    for n in (3, 27):  # 3 events, then 30
        for i in range(n):
            world.make_event(title=f"活动{i}", days_ahead=i % 20 + 1)
        db.session.execute(db.delete(CalendarCache))
        db.session.commit()
        if warm:
            client.get(FEED)
        with count_queries() as statements:
            response = client.get(FEED)
        assert response.status_code == 200
        counts.append(len(statements))
    assert len(vevents(response.data)) == 30
    assert counts[0] == counts[1]


def test_events_render_when_they_change(client, world, login):
    login("admin")
    response = client.post(
        "/api/v1/events",
        json={
            "title": "接口创建",
            "venue_kind": "school",
            "starts_at": "2026-12-01T09:00:00+08:00",
            "ends_at": "2026-12-01T11:00:00+08:00",
        },
        headers={"Authorization": f"Bearer {world.token(world.admin)}"},
    )
    assert response.status_code == 201, response.json
    cached = (
        db.session.execute(
            db.select(CalendarCache.locale).where(CalendarCache.event_id == response.json["id"])
        )
        .scalars()
        .all()
    )
    assert sorted(cached) == ["en", "zh_CN"]


def test_single_event_ics(client, world):
    event = world.make_event()
    response = client.get(f"/calendar/events/{event.id}.ics")
    assert response.status_code == 200
    parse_everywhere(response.data)
    assert list(vevents(response.data)) == [event.uid]
    download = client.get(f"/calendar/events/{event.id}.ics?download=y")
    assert download.headers["Content-Disposition"].startswith("attachment")
    event.soft_delete()
    db.session.commit()
    assert client.get(f"/calendar/events/{event.id}.ics").status_code == 404


def test_pages_offer_subscribe_links(client, world, login):
    event = world.make_event()
    login("leader")
    pages = {
        "/events": "/calendar/events.ics",
        f"/events?campaign={world.campaign.id}": (
            f"/calendar/events.ics?campaign={world.campaign.id}"
        ),
        f"/events/{event.id}": f"/calendar/events/{event.id}.ics",
        "/campaigns": f"/calendar/events.ics?campaign={world.campaign.id}",
        f"/teams/{world.team.id}": f"/calendar/events.ics?team={world.team.id}",
    }
    for page, feed in pages.items():
        html = client.get(page).get_data(as_text=True)
        assert f'href="webcal://localhost{feed}"' in html.replace("&amp;", "&"), page
        assert f'readonly value="http://localhost{feed}"' in html.replace("&amp;", "&"), page
        assert re.search(r"/calendar\.[0-9a-f]{12}\.js", html)


def test_rate_limited(client, world, app):
    app.config["CALENDAR_RATE_LIMIT"] = "2 per minute"
    codes = [
        client.get(FEED + "?lang=en&area=" + str(world.county.id)).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_fold_never_splits_a_character():
    text = fold("DESCRIPTION:" + "梅" * 100)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.replace("\r\n ", "") == "DESCRIPTION:" + "梅" * 100 + "\r\n"


def test_plugin_entries_in_the_public_feed_only_while_enabled(sample_app, world):
    sample_app.config["CALENDAR_RATE_LIMIT"] = "1000 per minute"
    client = sample_app.test_client()
    entry = "sample-day@kepu_sample"  # the sample plugin's calendar_events entry
    assert entry not in vevents(client.get(FEED).data)
    with sample_app.app_context():
        set_enabled(sample_app, "kepu_sample", True)
    on = client.get(FEED)
    parse_everywhere(on.data)
    assert entry in vevents(on.data)
    assert entry in vevents(client.get(FEED + f"?area={world.county.id}").data)
    assert entry not in vevents(client.get(FEED + f"?team={world.team.id}").data)
    assert entry not in vevents(client.get(FEED + f"?campaign={world.campaign.id}").data)
    with sample_app.app_context():
        set_enabled(sample_app, "kepu_sample", False)
    assert entry not in vevents(client.get(FEED).data)


def test_a_second_feed_renders_nothing(client, world):
    for i in range(3):
        world.make_event(title=f"活动{i}")
    client.get(FEED)
    rendered = dict(
        db.session.execute(db.select(CalendarCache.event_id, CalendarCache.rendered_at)).all()
    )
    assert len(rendered) == 3
    client.get(FEED + "?lang=en")
    client.get(FEED)
    db.session.expire_all()
    again = dict(
        db.session.execute(
            db.select(CalendarCache.event_id, CalendarCache.rendered_at).where(
                CalendarCache.locale == "zh_CN"
            )
        ).all()
    )
    assert again == rendered


@pytest.mark.parametrize("broken", ["event", "team", "campaign", "area"])
def test_line_breaks_stored_before_names_were_checked_still_make_valid_feeds(client, world, broken):
    event = world.make_event(place="礼堂\r\n二楼", description="第一行\n第二行\x07")
    if broken == "event":
        event.title = "讲座\r\nX-INJECTED:1\x01"
    elif broken == "team":
        world.team.name = "服务队\nX-INJECTED:1"
    elif broken == "campaign":
        world.campaign.name = "科普日\rX-INJECTED:1"
    else:
        world.village.name = "戴家村\nX-INJECTED:1"
    db.session.commit()
    for url in (
        f"/calendar/events/{event.id}.ics",
        f"{FEED}?team={world.team.id}",
        f"{FEED}?campaign={world.campaign.id}",
        f"{FEED}?area={world.village.id}",
        FEED,
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        parse_everywhere(response.data)
        raw = response.data.decode()
        assert "\nX-INJECTED" not in raw and "\x01" not in raw and "\x07" not in raw
        assert "\n" not in raw.replace("\r\n", "")
        assert vevents(response.data)[event.uid]["location"] == "礼堂\n二楼"
