"""Importing .ics files: by UID, idempotent, skipped components reported, malformed refused."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from core.calendar.importer import ImportRefused, import_calendar
from core.extensions import db
from core.models import Campaign, CampaignKind, Event, EventStatus, VenueKind

TZ = ZoneInfo("Asia/Shanghai")

PROGRAMME = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Science Day//Programme//ZH\r
BEGIN:VEVENT\r
UID:day-1@science-day\r
DTSTAMP:20260901T000000Z\r
SUMMARY:科普讲座：智慧农业\r
DTSTART;TZID=Asia/Shanghai:20260920T090000\r
DTEND;TZID=Asia/Shanghai:20260920T113000\r
LOCATION:县科技馆\r
CATEGORIES:进学校\r
DESCRIPTION:面向中学生\\, 讲解无人机植保\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:day-2@science-day\r
DTSTAMP:20260901T000000Z\r
SUMMARY:科普日主题展\r
DTSTART;VALUE=DATE:20260919\r
DTEND;VALUE=DATE:20260921\r
CATEGORIES:Market town\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly@science-day\r
DTSTAMP:20260901T000000Z\r
SUMMARY:每周讲座\r
DTSTART:20260901T090000Z\r
RRULE:FREQ=WEEKLY;COUNT=4\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:nostart@science-day\r
DTSTAMP:20260901T000000Z\r
SUMMARY:没有开始时间\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:backwards@science-day\r
DTSTAMP:20260901T000000Z\r
SUMMARY:倒着的时间\r
DTSTART:20260920T100000Z\r
DTEND:20260920T090000Z\r
END:VEVENT\r
BEGIN:VTODO\r
UID:todo@science-day\r
SUMMARY:准备材料\r
END:VTODO\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def english(app):
    """Reasons are checked in English (the default locale is zh_CN)."""
    with force_locale("en"):
        yield


@pytest.fixture
def programme(tmp_path):
    path = tmp_path / "science-day.ics"
    path.write_text(PROGRAMME, encoding="utf-8")
    return path


def _events():
    return {e.uid: e for e in db.session.execute(db.select(Event)).scalars()}


def test_import_creates_events_and_reports_skips(world):
    report = import_calendar(PROGRAMME.encode(), world.campaign)
    assert sorted(report.created) == ["day-1@science-day", "day-2@science-day"]
    reasons = dict(report.skipped)
    assert any("RRULE" in why for why in reasons.values())
    assert any("DTSTART" in why for why in reasons.values())
    assert any("end is not after the start" in why for why in reasons.values())
    assert any(what.startswith("VTODO") for what in reasons)
    events = _events()
    lecture = events["day-1@science-day"]
    assert lecture.title == "科普讲座：智慧农业" and lecture.place == "县科技馆"
    assert lecture.venue_kind == VenueKind.SCHOOL and lecture.campaign_id == world.campaign.id
    assert lecture.starts_at == datetime(2026, 9, 20, 9, 0, tzinfo=TZ)
    assert lecture.description == "面向中学生, 讲解无人机植保"
    show = events["day-2@science-day"]
    assert show.all_day and show.venue_kind == VenueKind.MARKET_TOWN
    assert show.starts_at == datetime(2026, 9, 19, tzinfo=TZ)
    assert show.ends_at == datetime(2026, 9, 21, tzinfo=TZ)


def test_reimport_changes_nothing_and_updates_by_uid(world):
    import_calendar(PROGRAMME.encode(), world.campaign)
    revisions = {uid: e.revision for uid, e in _events().items()}
    again = import_calendar(PROGRAMME.encode(), world.campaign)
    assert again.created == [] and again.updated == []
    assert sorted(again.unchanged) == sorted(revisions)
    db.session.expire_all()
    assert {uid: e.revision for uid, e in _events().items()} == revisions
    changed = PROGRAMME.replace("科普讲座：智慧农业", "科普讲座：数字乡村")
    report = import_calendar(changed.encode(), world.campaign)
    assert report.updated == ["day-1@science-day"]
    db.session.expire_all()
    lecture = _events()["day-1@science-day"]
    assert lecture.title == "科普讲座：数字乡村"
    assert lecture.revision == revisions["day-1@science-day"] + 1


def test_malformed_file_is_refused_and_changes_nothing(world):
    broken = PROGRAMME.replace("END:VCALENDAR", "").replace("BEGIN:VTODO", "BEGIN:VEVENT")
    with pytest.raises(ImportRefused) as refused:
        import_calendar(broken.encode(), world.campaign)
    assert "not a valid iCalendar file" in str(refused.value)
    assert _events() == {}
    with pytest.raises(ImportRefused):
        import_calendar(b"hello, not a calendar", world.campaign)


def test_cli_import(app, world, programme, invoke):
    result = invoke(app, "calendar", "import", str(programme), "--campaign", str(world.campaign.id))
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged, 4 skipped" in result.output
    assert "RRULE" in result.output
    again = invoke(app, "calendar", "import", str(programme), "--campaign", str(world.campaign.id))
    assert "0 created, 0 updated, 2 unchanged" in again.output
    bad = programme.with_name("bad.ics")
    bad.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", encoding="utf-8")
    refused = invoke(app, "calendar", "import", str(bad))
    assert refused.exit_code == 1 and "nothing imported" in refused.output
    assert invoke(app, "calendar", "import", "ftp://example.org/x.ics").exit_code == 1
    assert invoke(app, "calendar", "import", str(programme), "--campaign", "999").exit_code == 1


def test_round_trip_of_kepus_own_feed(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_RATE_LIMIT", "1000 per minute")
    world.make_event(title="讲座, 带逗号; 和分号", description="第一行\n第二行")
    allday = world.make_event(title="全天", days_ahead=9)
    start = allday.starts_at.astimezone(TZ).replace(hour=0, minute=0)
    allday.starts_at, allday.ends_at, allday.all_day = start, start + timedelta(days=3), True
    cancelled = world.make_event(title="取消", venue_kind=VenueKind.ENTERPRISE)
    cancelled.status = EventStatus.CANCELLED
    db.session.commit()
    fields = (
        "uid",
        "title",
        "place",
        "description",
        "starts_at",
        "ends_at",
        "all_day",
        "venue_kind",
        "status",
    )
    before = {e.uid: tuple(getattr(e, f) for f in fields) for e in _events().values()}
    feed = client.get("/calendar/events.ics").data
    # an empty database: the same campaign is found again by its name among CATEGORIES
    db.session.execute(db.delete(Event))
    db.session.commit()
    report = import_calendar(feed)
    assert sorted(report.created) == sorted(before) and report.skipped == []
    after = {e.uid: tuple(getattr(e, f) for f in fields) for e in _events().values()}
    assert after == before
    assert {e.campaign_id for e in _events().values()} == {world.campaign.id}


def test_admin_upload_page(client, world, login):
    login("leader")
    assert client.get("/calendar/import").status_code == 403
    client.post("/logout")
    login("admin")
    page = client.get("/calendar/import")
    assert page.status_code == 200
    from io import BytesIO

    response = client.post(
        "/calendar/import",
        data={
            "file": (BytesIO(PROGRAMME.encode()), "programme.ics"),
            "campaign_id": str(world.campaign.id),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "RRULE" in html and "VTODO" in html
    assert len(_events()) == 2
    bad = client.post(
        "/calendar/import",
        data={
            "file": (BytesIO(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"), "bad.ics"),
            "campaign_id": "",
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 200 and "aria-invalid" in bad.get_data(as_text=True)


def test_campaign_named_in_categories(world):
    other = Campaign(
        name="2026年科技活动周",
        kind=CampaignKind.ST_WEEK,
        year=2026,
        starts_on=date(2026, 5, 17),
        ends_on=date(2026, 5, 23),
    )
    db.session.add(other)
    db.session.commit()
    text = PROGRAMME.replace("CATEGORIES:进学校", "CATEGORIES:2026年科技活动周,进学校")
    import_calendar(text.encode())
    assert _events()["day-1@science-day"].campaign_id == other.id
    assert _events()["day-2@science-day"].campaign_id is None


def test_bad_dates_are_skipped_with_their_reason(world):
    text = PROGRAMME.replace("DTSTART;VALUE=DATE:20260919", "DTSTART;VALUE=DATE:20260231")
    report = import_calendar(text.encode())
    assert ("VEVENT 2 (day-2@science-day)", "bad dates: 20260231") in report.skipped
    assert "day-2@science-day" not in _events()


def test_reimport_without_campaign_keeps_it(world):
    import_calendar(PROGRAMME.encode(), world.campaign)
    report = import_calendar(PROGRAMME.encode())
    assert report.updated == [] and len(report.unchanged) == 2
    assert _events()["day-1@science-day"].campaign_id == world.campaign.id
