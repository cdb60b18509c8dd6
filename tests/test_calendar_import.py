"""Importing .ics files: by UID, idempotent, skipped components reported, malformed refused."""

import http.server
import socket
import threading
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
    assert "BEGIN:VEVENT" not in str(refused.value)  # the parser's English quoting the file: logged
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


def _many(count: int) -> bytes:
    """A calendar of ``count`` one-hour events."""
    event = (
        "BEGIN:VEVENT\r\nUID:e{n}@many\r\nDTSTAMP:20260901T000000Z\r\nSUMMARY:讲座 {n}\r\n"
        "DTSTART:20260920T010000Z\r\nDTEND:20260920T020000Z\r\nEND:VEVENT\r\n"
    )
    body = "".join(event.format(n=n) for n in range(count))
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n".encode()
    )


def test_a_file_with_too_many_events_is_refused_whole(app, client, world, login, invoke, tmp_path):
    with pytest.raises(ImportRefused) as refused:
        import_calendar(_many(2001))
    assert "holds 2001 events; at most 2000" in str(refused.value)
    assert _events() == {}
    path = tmp_path / "many.ics"
    path.write_bytes(_many(4))
    app.config["CALENDAR_IMPORT_MAX_EVENTS"] = 3
    try:
        result = invoke(app, "calendar", "import", str(path))
        assert result.exit_code == 1 and "nothing imported" in result.output
        assert "一次最多导入 3 个" in result.output  # the CLI speaks the default language
        login("admin")
        client.post("/lang/en", data={"next": "/"})
        from io import BytesIO

        page = client.post(
            "/calendar/import",
            data={"file": (BytesIO(_many(4)), "many.ics"), "campaign_id": ""},
            content_type="multipart/form-data",
        )
        assert "at most 3 can be imported" in page.get_data(as_text=True)
        assert _events() == {}
        assert import_calendar(_many(3)).created == ["e0@many", "e1@many", "e2@many"]
    finally:
        app.config["CALENDAR_IMPORT_MAX_EVENTS"] = 2000


def test_an_imported_title_keeps_one_line(world):
    text = PROGRAMME.replace("SUMMARY:科普日主题展", "SUMMARY:科普日\\n主题展")
    import_calendar(text.encode())
    assert _events()["day-2@science-day"].title == "科普日 主题展"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves the programme at /x.ics and redirects /start there (to 127.0.0.1)."""

    paths: list[str] = []

    def do_GET(self):
        type(self).paths.append(self.path)
        if self.path == "/start":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/x.ics")
            self.end_headers()
            return
        body = PROGRAMME.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Handler.paths = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def public_name(monkeypatch, local_server):
    """``calendar.example.org`` resolves to a public address whose connections reach the local
    server (so a redirect from a "public" host can be followed)."""
    public = "93.184.216.34"
    resolve, connect = socket.getaddrinfo, socket.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "calendar.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (public, port))]
        if host == "mixed.example.org":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (public, port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
            ]
        return resolve(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if address[0] == public:
            address = ("127.0.0.1", local_server.server_port)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return f"http://calendar.example.org:{local_server.server_port}"


def test_import_by_url_refuses_local_and_private_addresses(app, world, invoke, local_server):
    port = local_server.server_port
    for url in (
        f"http://127.0.0.1:{port}/x.ics",
        f"http://localhost:{port}/x.ics",
        f"http://[::1]:{port}/x.ics",
        "http://10.0.0.7/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://224.0.0.1/x.ics",
        "http://0.0.0.0/x.ics",
    ):
        result = invoke(app, "calendar", "import", url)
        assert result.exit_code == 1, url
        assert "本机或内网地址" in result.output and "nothing imported" in result.output
    assert _Handler.paths == [] and _events() == {}


def test_import_by_url_checks_every_redirect(app, world, invoke, public_name):
    result = invoke(app, "calendar", "import", f"{public_name}/start")
    assert result.exit_code == 1 and "127.0.0.1 是本机或内网地址" in result.output
    assert _Handler.paths == ["/start"] and _events() == {}
    mixed = public_name.replace("calendar.example.org", "mixed.example.org")
    assert invoke(app, "calendar", "import", f"{mixed}/x.ics").exit_code == 1
    assert _Handler.paths == ["/start"]
    result = invoke(app, "calendar", "import", f"{public_name}/x.ics")
    assert result.exit_code == 0 and "2 created" in result.output
