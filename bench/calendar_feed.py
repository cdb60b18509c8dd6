"""Benchmark: a 10,000-event calendar feed, served cold and warm, against a minimal writer.

Run with ``.venv/bin/python bench/calendar_feed.py [--events N]``. It builds N events in a
SQLite file in a temporary folder and measures, in seconds:

- ``render all``: the first feed after the events were bulk-inserted without the change hook,
  so every VEVENT is rendered with icalendar and stored (the worst case, happens once);
- ``cold feed``: a GET without validators, every VEVENT already cached (what a new subscriber
  or a calendar app without ETag support costs);
- ``warm feed``: a GET with the ETag of the previous answer (304; what polling apps cost);
- ``minimal writer``: a hand-written, correct (escaped, folded) writer of the same events,
  query included; the target is ``cold feed <= 3 x minimal writer``.
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import (  # noqa: E402
    CalendarCache,
    Campaign,
    CampaignKind,
    Event,
    EventStatus,
    VenueKind,
)
from core.models.events import new_uid  # noqa: E402

VENUES = list(VenueKind)


def build(n: int) -> None:
    """N events over two years, in two campaigns, a few cancelled."""
    campaigns = [
        Campaign(
            name=f"{year}年全国科普日",
            kind=CampaignKind.SCIENCE_DAY,
            year=year,
            starts_on=datetime(year, 9, 15).date(),
            ends_on=datetime(year, 9, 30).date(),
        )
        for year in (2026, 2027)
    ]
    db.session.add_all(campaigns)
    db.session.commit()
    start = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    now = datetime.now(UTC)
    rows = []
    for i in range(n):
        begins = start + timedelta(hours=7 * i)
        rows.append(
            {
                "uid": new_uid(),
                "title": f"梅子栽培技术讲座 第{i}场（{VENUES[i % 5].value}）",
                "campaign_id": campaigns[i % 2].id,
                "venue_kind": VENUES[i % 5],
                "place": f"戴家村村部{i % 97}号会议室",
                "starts_at": begins,
                "ends_at": begins + timedelta(hours=2),
                "all_day": i % 50 == 0,
                "description": "面向种植户讲解梅子的修剪、施肥与病虫害防治，发放技术资料，"
                "并现场解答问题。" * (1 + i % 3),
                "status": EventStatus.CANCELLED if i % 97 == 0 else EventStatus.SCHEDULED,
                "revision": i % 4,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Event), rows)
    db.session.commit()


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    out, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1
        out.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(out) + "\r\n"


def minimal_feed(base: str) -> str:
    """A correct feed by hand: the same properties, no icalendar, no cache."""
    from zoneinfo import ZoneInfo

    from core.calendar.writer import vtimezone

    zone = ZoneInfo("Asia/Shanghai")
    rows = db.session.execute(
        select(
            Event.id,
            Event.uid,
            Event.title,
            Event.place,
            Event.description,
            Event.starts_at,
            Event.ends_at,
            Event.all_day,
            Event.status,
            Event.venue_kind,
            Event.revision,
            Event.updated_at,
            Campaign.name.label("campaign"),
        )
        .outerjoin(Campaign, Campaign.id == Event.campaign_id)
        .order_by(Event.starts_at, Event.id)
    ).all()
    out = [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//minimal//ZH\r\n",
        vtimezone("Asia/Shanghai"),
    ]
    stamp = "%Y%m%dT%H%M%SZ"
    for event in rows:
        campaign = event.campaign
        changed = event.updated_at.strftime(stamp)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{changed}",
            f"SEQUENCE:{event.revision}",
            f"SUMMARY:{_escape(event.title)}",
        ]
        if event.all_day:
            first = event.starts_at.astimezone(zone).date()
            lines += [
                f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
                f"DTEND;VALUE=DATE:{first + timedelta(days=1):%Y%m%d}",
            ]
        else:
            lines += [
                f"DTSTART;TZID=Asia/Shanghai:{event.starts_at.astimezone(zone):%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Asia/Shanghai:{event.ends_at.astimezone(zone):%Y%m%dT%H%M%S}",
            ]
        lines += [
            f"LAST-MODIFIED:{changed}",
            f"LOCATION:{_escape(event.place)}",
            f"DESCRIPTION:{_escape(event.description)}",
            f"STATUS:{'CANCELLED' if event.status == 'cancelled' else 'CONFIRMED'}",
            f"CATEGORIES:{_escape(campaign or '')},{event.venue_kind.value}",
            f"URL:{base}{event.id}",
            "END:VEVENT",
        ]
        out.extend(_fold(line) for line in lines)
    out.append("END:VCALENDAR\r\n")
    return "".join(out)


def timed(label: str, func, results: dict):
    """Run ``func`` once, print and keep its time."""
    began = time.perf_counter()
    value = func()
    results[label] = time.perf_counter() - began
    print(f"{label:<16} {results[label]:8.3f} s")
    return value


def main() -> None:
    """Build the database, then measure each way of serving the feed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "CALENDAR_RATE_LIMIT": "1000000 per minute",
                "PLUGINS_AUTOLOAD": False,
            }
        )
        with app.app_context():
            db.create_all()
            build(args.events)
        client = app.test_client()
        results: dict[str, float] = {}
        first = timed("render all", lambda: client.get("/calendar/events.ics"), results)
        with app.app_context():
            cached = db.session.scalar(select(db.func.count()).select_from(CalendarCache))
        cold = timed("cold feed", lambda: client.get("/calendar/events.ics"), results)
        warm = timed(
            "warm feed",
            lambda: client.get(
                "/calendar/events.ics", headers={"If-None-Match": cold.headers["ETag"]}
            ),
            results,
        )
        with app.test_request_context():
            minimal = timed(
                "minimal writer", lambda: minimal_feed("http://localhost/events/"), results
            )
        assert first.status_code == cold.status_code == 200 and warm.status_code == 304
        print(
            f"events {args.events}, cached texts {cached}, feed {len(cold.data):,} bytes, "
            f"minimal {len(minimal.encode()):,} bytes"
        )
        ratio = results["cold feed"] / results["minimal writer"]
        print(f"cold feed / minimal writer = {ratio:.2f} (target <= 3)")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
