"""Party days in the calendar feeds (only while enabled), the quarter reminder job (once per
village and quarter), the review section matching the lists, and the demo data."""

from datetime import date, timedelta

import icalendar
from flask_babel import force_locale
from party_day_support import enable, make_day
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.job import collect_jobs, run_job
from core.models import Notification
from core.plugins import call
from core.plugins.state import set_enabled
from core.rules import today
from plugins.party_day.demo import build
from plugins.party_day.models import Equipment, PartyDay, Reminder
from plugins.party_day.services import remind_missing, reminder_due

FEED = "/calendar/events.ics"
JOB = "party_day.remind_missing"


def _uids(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_hook_calendar_events_party_days_in_the_feed_only_while_enabled(app, world, client):
    app.config["CALENDAR_RATE_LIMIT"] = "1000 per minute"
    held = make_day(world.village, today() - timedelta(days=10))
    whole = make_day(world.other_village, today() - timedelta(days=20), start_time=None)
    uid = f"day-{held.id}@party_day"
    assert uid not in _uids(client.get(FEED).data)
    enable(app)
    events = _uids(client.get(FEED).data)
    assert uid in events and f"day-{whole.id}@party_day" in events
    assert "青梅病虫害绿色防控" in str(events[uid]["summary"])
    assert events[uid].decoded("dtstart").hour == 9  # local time, with its TZID
    assert events[f"day-{whole.id}@party_day"].decoded("dtstart") == whole.held_on
    assert uid in _uids(client.get(f"{FEED}?area={world.county.id}").data)
    set_enabled(app, "party_day", False)
    assert uid not in _uids(client.get(FEED).data)


def test_hook_scheduled_jobs_daily_and_skipped_while_disabled(app, world):
    job = collect_jobs(app)[JOB]
    assert job.spec.trigger == "cron" and dict(job.spec.trigger_args) == {"hour": 8, "minute": 0}
    assert run_job(app, job) is False  # disabled
    enable(app)
    assert run_job(app, job) is True
    expected = 2 if reminder_due(today()) else 0
    assert db.session.scalar(select(func.count(Reminder.id))) == expected


def _inbox(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_the_quarter_job_reminds_leaders_once_per_village_and_quarter(app, world):
    enable(app)
    make_day(world.other_village, date(2026, 5, 20))
    assert remind_missing(date(2026, 4, 30)) == 0  # not yet a month before the quarter ends
    assert remind_missing(date(2026, 6, 1)) == 1
    [note] = _inbox(world.leader)
    assert "戴家村" in note.subject and note.url.endswith("/plugins/party_day/new")
    assert _inbox(world.other_leader) == []
    assert remind_missing(date(2026, 6, 2)) == 0
    assert remind_missing(date(2026, 6, 30)) == 0
    assert len(_inbox(world.leader)) == 1
    assert remind_missing(date(2026, 9, 1)) == 2  # the next quarter is another reminder
    assert len(_inbox(world.leader)) == 2


def _section(app, world, start, end):
    with force_locale("en"):
        return _one_section(app, world, start, end)


def _one_section(app, world, start, end):
    [section] = [
        s
        for s in call(
            app, "review_sections", area=world.county, start=start, end=end, user=world.admin
        )
        if s.key == "party_day"
    ]
    return section


def test_review_figures_match_the_lists(app, world, client, login):
    enable(app)
    make_day(world.village, date(2026, 1, 15), present=20, size=30)
    make_day(world.village, date(2026, 4, 15), present=30, size=30)
    make_day(world.other_village, date(2026, 2, 1), present=10, size=20)
    make_day(world.other_village, date(2025, 12, 1))  # outside the period
    db.session.add(
        Equipment(
            village_id=world.village.id, has_computer=True, has_display=True, has_network=True
        )
    )
    world.admin.locale = "en"
    db.session.commit()
    section = _section(app, world, date(2026, 1, 1), date(2026, 6, 30))
    figures = {str(f.label): f for f in section.figures}
    assert figures["Party days held in the period"].value == 3
    assert figures["Villages with a party day in every quarter"].value == 1
    assert figures["Attendance rate"].value == "75%"  # 60 of 80
    assert figures["Villages without a computer"].value == 1
    per_quarter, lacking = section.tables
    assert per_quarter.rows == (("傅家边村", 1, 0, "50%"), ("戴家村", 1, 1, "83%"))
    assert lacking.rows == (("傅家边村", "computer、projector or TV、network"),)
    login("admin")
    listed = client.get(figures["Party days held in the period"].url)
    assert "3 party days" in listed.get_data(as_text=True)
    equipment = client.get(figures["Villages without a computer"].url).get_data(as_text=True)
    assert f'data-village="{world.other_village.id}"' in equipment
    assert f'data-village="{world.village.id}"' not in equipment
    review = client.get(f"/review?area={world.county.id}&period=2026-Q1")
    assert review.status_code == 200 and "Online science party days" in review.get_data(True)


def test_demo_builds_a_year_once(app, world):
    counts = build(2026, date(2026, 12, 7))
    db.session.commit()
    assert counts["villages surveyed"] == 2 and counts["party days"] >= 2
    assert build(2026, date(2026, 12, 7)) == {}
    held = db.session.scalars(select(PartyDay.held_on)).all()
    assert all(date(2026, 1, 1) <= day < date(2026, 12, 7) for day in held)
    assert all(row.present <= row.branch_size for row in db.session.scalars(select(PartyDay)))
