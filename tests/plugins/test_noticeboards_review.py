"""Noticeboards: staleness, the reminder job, the review section and the demo data."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from noticeboards_support import API, PAGES, Boards, count_queries
from sqlalchemy import func, select

from core.contracts import ReviewSection
from core.extensions import db
from core.jobs.job import collect_jobs, run_job
from core.plugins import call
from core.plugins.state import set_enabled
from plugins.noticeboards.demo import build
from plugins.noticeboards.models import Board, BoardUpdate, Reminder, Station, Training
from plugins.noticeboards.services import remind_stale_publicists

JOB = "noticeboards.remind_stale_boards"


@pytest.fixture
def nb(app, world):
    """The plugin enabled, with boards in two villages."""
    return Boards(app, world)


def _reminders() -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).order_by(Reminder.id)))


def test_job_is_daily_at_half_past_eight_and_skipped_while_disabled(nb, app):
    job = collect_jobs(app)[JOB]
    assert job.spec.trigger == "cron" and dict(job.spec.trigger_args) == {"hour": 8, "minute": 30}
    nb.update(nb.board, 40)
    nb.update(nb.other, 3)
    set_enabled(app, "noticeboards", False)
    assert run_job(app, job) is False and _reminders() == []
    set_enabled(app, "noticeboards", True)
    assert run_job(app, job) is True
    [reminder] = _reminders()
    assert (reminder.board_id, reminder.member_id) == (nb.board.id, nb.young.id)
    assert reminder.due_since == date.today() - timedelta(days=10)


def test_one_reminder_per_staleness_period(nb, world, client, login, bearer):
    nb.update(nb.board, 40)
    nb.update(nb.other, 3)
    assert remind_stale_publicists() == 1
    assert remind_stale_publicists() == 0  # still the same staleness period
    assert remind_stale_publicists(date.today() + timedelta(days=5)) == 0
    login("leader")
    client.post("/lang/en")
    assert 'id="nb-open-reminders">1<' in client.get(f"{PAGES}/").get_data(as_text=True)
    page = client.get(f"{PAGES}/boards/{nb.board.id}").get_data(as_text=True)
    assert 'id="nb-reminders"' in page and nb.young.name in page
    assert len(client.get(f"{API}/reminders", headers=bearer(world.leader)).get_json()) == 1
    assert client.get(f"{API}/reminders", headers=bearer(world.other_leader)).get_json() == []
    nb.update(nb.board, 0, "新一期科普内容")  # a new update closes the reminder
    assert 'id="nb-open-reminders">0<' in client.get(f"{PAGES}/").get_data(as_text=True)
    assert 'id="nb-reminders"' not in client.get(f"{PAGES}/boards/{nb.board.id}").get_data(
        as_text=True
    )
    assert remind_stale_publicists() == 0  # fresh again
    later = date.today() + timedelta(days=31)  # new staleness: reminded again (both boards)
    assert remind_stale_publicists(later) == 2
    assert len(_reminders()) == 3


def test_board_without_publicist_is_flagged_not_reminded(nb, client, login):
    nb.board.publicist_id = None
    db.session.commit()
    assert remind_stale_publicists() == 1  # only the other board (never updated, long ago)
    login("admin")
    client.post("/lang/en")
    page = client.get(f"{PAGES}/?stale=1").get_data(as_text=True)
    assert "No publicist" in page and f'data-board="{nb.board.id}"' in page
    assert 'id="nb-stale">2<' in page


def _section(app, area, start, end, user) -> ReviewSection:
    [section] = [
        s
        for s in call(app, "review_sections", area=area, start=start, end=end, user=user)
        if s.key == "noticeboards"
    ]
    return section


def _figures(section) -> list:
    return [f.value for f in section.figures]


def _training(day, hours, *people):
    db.session.add(
        Training(
            held_on=day,
            topic="科普宣传栏内容编排",
            hours=Decimal(hours),
            kind="on_site",
            trainer="县科协",
            attendees=list(people),
        )
    )
    db.session.commit()


def test_review_section_figures(nb, app, world):
    never = Board(
        village_id=world.village.id,
        name="文化广场宣传栏",
        location="广场",
        created_at=datetime.now(UTC) - timedelta(days=100),
    )
    db.session.add(never)
    db.session.commit()
    nb.update(nb.board, 5)
    nb.update(nb.board, 45)
    nb.update(nb.other, 3)
    today = date.today()
    _training(today - timedelta(days=10), "3", nb.young, nb.other_young)
    _training(today - timedelta(days=10), "2", nb.other_young)
    _training(today - timedelta(days=90), "16", nb.young)
    start, end = today - timedelta(days=29), today
    section = _section(app, world.township, start, end, world.reviewer)
    # boards, updated, updates, stale, trained, sessions, hours
    assert _figures(section) == [2, 1, 1, 1, 1, 1, "3"]
    assert section.figures[3].flagged is True
    [table] = section.tables
    assert [row[0] for row in table.rows] == ["文化广场宣传栏"]
    county = _section(app, world.county, start, end, world.admin)
    assert _figures(county) == [3, 2, 2, 1, 2, 2, "5"]
    # as it stood 40 days ago: the board's update of 45 days ago was then 5 days old
    past = _section(
        app, world.township, today - timedelta(days=60), today - timedelta(days=40), world.reviewer
    )
    assert _figures(past) == [2, 1, 1, 1, 0, 0, "0"]


def test_review_section_query_count_is_constant(nb, app, world):
    start, end = date.today() - timedelta(days=60), date.today()

    def queries() -> int:
        db.session.expire_all()
        _section(app, world.county, start, end, world.admin)  # settings cached for the run
        with count_queries() as counter:
            _section(app, world.county, start, end, world.admin)
        return len(counter)

    nb.update(nb.board, 3)
    _training(date.today(), "2", nb.young)
    small = queries()
    for i in range(10):
        board = Board(village_id=world.village.id, name=f"宣传栏{i}", publicist=nb.young)
        db.session.add(board)
        db.session.flush()
        for days in (2, 20, 50):
            db.session.add(
                BoardUpdate(
                    board_id=board.id,
                    title="x",
                    summary="",
                    updated_on=date.today() - timedelta(days=days),
                )
            )
        _training(date.today() - timedelta(days=i), "2", nb.young, nb.other_young)
    assert queries() == small


def test_demo_data_builds_the_module_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Plugin noticeboards:" in result.output
    stations = db.session.scalar(select(func.count(Station.id)))
    villages_with_station = db.session.scalar(select(func.count(func.distinct(Station.village_id))))
    assert stations == villages_with_station and villages_with_station >= 92 * 0.75
    boards = list(db.session.scalars(select(Board)))
    assert len(boards) >= stations
    young = [b for b in boards if b.publicist is not None and b.publicist.is_young_official]
    assert len(young) >= 0.7 * len(boards)
    first = db.session.scalar(select(Training).where(Training.topic.contains("首期")))
    assert len(first.attendees) == 20 and first.kind == "on_site"
    assert {t.kind for t in db.session.scalars(select(Training))} == {"on_site", "remote"}
    stale_reminders = db.session.scalar(select(func.count(Reminder.id)))
    assert stale_reminders > 0
    assert (
        db.session.scalar(select(func.count(BoardUpdate.id)).where(BoardUpdate.photo.is_not(None)))
        == 0
    )
    counts = (db.session.scalar(select(func.count(BoardUpdate.id))), stations)
    assert build(7, date.today()) == {}
    assert (db.session.scalar(select(func.count(BoardUpdate.id))), stations) == counts
    assert remind_stale_publicists() == 0  # the demo already holds the job's reminders
