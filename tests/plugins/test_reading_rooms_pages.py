"""Reading rooms: pages for each role, bad input, CSV import, reports, ranking, switching off."""

import io
import re
from datetime import date

import pytest
from reading_rooms_helpers import BASE, PLUGIN, Rooms, count_records

from core.extensions import db
from core.jobs.job import collect_jobs, run_job
from core.plugins.state import save_settings, set_enabled
from plugins.reading_rooms.models import Commendation, Report, Room, UsageRecord


@pytest.fixture
def rooms(app, world):
    return Rooms(app, world)


def _as(client, login, username):
    login(username)
    client.post("/lang/en")
    return client


def test_index_lists_the_rooms_of_each_scope(client, login, rooms):
    admin = _as(client, login, "admin")
    html = admin.get(f"{BASE}/").get_data(as_text=True)
    assert all(f'data-room="{r.id}"' in html for r in (rooms.township, rooms.village, rooms.other))
    assert "Reading rooms" in admin.get("/").get_data(as_text=True)  # menu item


@pytest.mark.parametrize(
    "username, visible, hidden",
    [
        ("reviewer", ("township", "village"), ("other",)),
        ("leader", ("township", "village"), ("other",)),
        ("member", ("township", "village"), ("other",)),
    ],
)
def test_scoped_roles_see_only_their_rooms(client, login, rooms, username, visible, hidden):
    c = _as(client, login, username)
    html = c.get(f"{BASE}/").get_data(as_text=True)
    for name in visible:
        room = getattr(rooms, name)
        assert f'data-room="{room.id}"' in html
        assert c.get(f"{BASE}/rooms/{room.id}").status_code == 200
    for name in hidden:
        room = getattr(rooms, name)
        assert f'data-room="{room.id}"' not in html
        assert c.get(f"{BASE}/rooms/{room.id}").status_code == 403
    assert c.get(f"{BASE}/rooms/99999").status_code == 404
    assert c.get(f"{BASE}/rooms/new").status_code == 403
    assert c.get(f"{BASE}/import").status_code == 403
    # reviewers read the ranking of their area (tests/plugins/test_reading_rooms_ranking.py)
    assert c.get(f"{BASE}/ranking").status_code == (200 if username == "reviewer" else 403)


def _usage(room, **extra):
    return {
        "room_id": room.id,
        "month": "2026-02",
        "reads": "120",
        "downloads": "30",
        "active_readers": "15",
        **extra,
    }


def test_leader_enters_usage_for_the_own_village_only(client, login, rooms):
    c = _as(client, login, "leader")
    response = c.post(f"{BASE}/usage/new", data=_usage(rooms.village))
    assert response.status_code == 302
    record = (
        db.session.query(UsageRecord)
        .filter_by(room_id=rooms.village.id, period_start=date(2026, 2, 1))
        .one()
    )
    assert (record.period_end, record.reads, record.downloads) == (date(2026, 2, 28), 120, 30)
    before = count_records()
    refused = c.post(f"{BASE}/usage/new", data=_usage(rooms.township))
    assert refused.status_code == 200 and count_records() == before
    other_record = db.session.query(UsageRecord).filter_by(room_id=rooms.other.id).one()
    assert c.get(f"{BASE}/usage/{other_record.id}/edit").status_code == 403


def test_member_and_reviewer_cannot_enter_usage(client, login, rooms):
    for username in ("member", "reviewer"):
        c = _as(client, login, username)
        assert c.get(f"{BASE}/usage/new").status_code == 403
        assert c.post(f"{BASE}/usage/new", data=_usage(rooms.village)).status_code == 403
        client.post("/logout")
    assert count_records() == 3


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"reads": "-1"}, "reads"),
        ({"downloads": "many"}, "downloads"),
        ({"month": "2026-13"}, "month"),
        ({"month": "", "period_start": "2026-03-10", "period_end": "2026-03-01"}, "period_end"),
        ({"month": "", "period_start": "2026-01-15", "period_end": "2026-02-15"}, "period_start"),
    ],
)
def test_bad_usage_is_shown_next_to_the_field(client, login, rooms, extra, field):
    c = _as(client, login, "admin")
    response = c.post(f"{BASE}/usage/new", data=_usage(rooms.village, **extra))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert count_records() == 3


def test_same_room_and_month_shows_the_record_and_replaces_it_only_when_asked(client, login, rooms):
    c = _as(client, login, "admin")
    record = db.session.query(UsageRecord).filter_by(room_id=rooms.village.id).one()
    before = record.reads
    data = _usage(rooms.village, month="2026-01", reads="999")
    again = c.post(f"{BASE}/usage/new", data=data)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "already recorded" in page and f"{before} reads" in page
    db.session.refresh(record)
    assert record.reads == before and count_records() == 3  # nothing changed
    assert c.post(f"{BASE}/usage/new", data={**data, "replace": "y"}).status_code == 302
    db.session.refresh(record)
    assert record.reads == 999 and count_records() == 3


def test_usage_of_a_month_not_begun_is_refused(client, login, rooms):
    c = _as(client, login, "admin")
    response = c.post(f"{BASE}/usage/new", data=_usage(rooms.village, month="2099-02"))
    assert response.status_code == 200 and "has not begun" in response.get_data(as_text=True)
    assert count_records() == 3


def test_admin_creates_edits_and_marks_a_model_room(client, login, world, rooms):
    c = _as(client, login, "admin")
    db.session.delete(rooms.other)
    db.session.commit()
    data = {"area_id": world.other_village.id, "name": "新书屋", "place": "", "opening_notes": ""}
    response = c.post(f"{BASE}/rooms/new", data=data)
    assert response.status_code == 302
    room = db.session.query(Room).filter_by(name="新书屋").one()
    twice = c.post(f"{BASE}/rooms/new", data={"area_id": world.other_village.id, "name": "x"})
    assert twice.status_code == 200 and 'id="area_id-error"' in twice.get_data(as_text=True)
    county = c.post(f"{BASE}/rooms/new", data={"area_id": world.county.id, "name": "x"})
    assert county.status_code == 200 and db.session.query(Room).count() == 3
    assert c.post(f"{BASE}/rooms/{room.id}/model", data={"since": "2026-06-01"}).status_code == 302
    db.session.refresh(room)
    assert room.model_since == date(2026, 6, 1)
    bad = c.post(f"{BASE}/rooms/{room.id}/model", data={"since": "June"})
    assert bad.status_code == 200 and 'id="since-error"' in bad.get_data(as_text=True)
    c.post(f"{BASE}/rooms/{room.id}/model", data={"withdraw": "1"})
    db.session.refresh(room)
    assert room.model_since is None


def test_leader_cannot_mark_a_model_room(client, login, rooms):
    c = _as(client, login, "leader")
    assert (
        c.post(f"{BASE}/rooms/{rooms.village.id}/model", data={"since": "2026-06-01"}).status_code
        == 403
    )
    assert db.session.get(Room, rooms.village.id).model_since is None


def _upload(c, text):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "usage.csv")}
    return c.post(f"{BASE}/import", data=data, content_type="multipart/form-data")


def test_import_saves_every_row_and_is_idempotent(client, login, rooms):
    c = _as(client, login, "admin")
    text = (
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,100,20,10\n"
        f'{rooms.township.id},2026-02,,400,"1,200",50\n'
        f"{rooms.village.id},2026-01-01,2026-01-31,61,20,12\n"
    )
    assert _upload(c, text).status_code == 302
    assert count_records() == 5
    township_feb = (
        db.session.query(UsageRecord)
        .filter_by(room_id=rooms.township.id, period_start=date(2026, 2, 1))
        .one()
    )
    assert township_feb.downloads == 1200
    assert _upload(c, text).status_code == 302  # again: same state
    assert count_records() == 5


def test_import_by_area_name(client, login, rooms):
    c = _as(client, login, "admin")
    text = "area,period_start,period_end,reads,downloads,active_readers\n傅家边村,2026-03,,5,1,1\n"
    assert _upload(c, text).status_code == 302
    assert db.session.query(UsageRecord).filter_by(room_id=rooms.other.id).count() == 2


def test_a_bad_row_imports_nothing_and_names_its_line(client, login, rooms):
    c = _as(client, login, "admin")
    text = (
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,100,20,10\n"
        "99999,2026-02-01,2026-02-28,1,1,1\n"
        f"{rooms.township.id},2026-02-01,2026-02-28,-5,1,1\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,1,1,1\n"
        f"{rooms.other.id},2026-01-15,2026-02-15,1,1,1\n"
        f"{rooms.other.id},someday,2026-02-15,1,1,1\n"
    )
    response = _upload(c, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for line in (3, 4, 5, 6, 7):
        assert f'data-line="{line}"' in html
    assert 'data-line="2"' not in html
    assert "same room and period as line 2" in html
    assert count_records() == 3


def test_import_needs_the_columns_and_an_admin(client, login, rooms):
    c = _as(client, login, "admin")
    response = _upload(c, "room,reads\n1,2\n")
    assert response.status_code == 200 and 'data-line="1"' in response.get_data(as_text=True)
    empty = c.post(f"{BASE}/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 200 and 'id="file-error"' in empty.get_data(as_text=True)
    binary = c.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert binary.status_code == 200 and count_records() == 3


def test_cli_import(app, rooms, runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-04,,10,2,3\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reading_rooms", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 records created" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-05,,10,2,3\n"
        f"{rooms.village.id},2026-06,,x,2,3\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reading_rooms", "import", str(bad)])
    assert result.exit_code != 0 and "line 3" in result.output
    assert count_records() == 4


def test_inspection_ranks_and_flags(client, login, rooms):
    c = _as(client, login, "admin")
    response = c.get(f"{BASE}/inspection?from=2026-01-01&to=2026-01-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and re.search(r"/reading_rooms\.[0-9a-f]{12}\.css", html)
    ranked = (rooms.township, rooms.other, rooms.village)
    order = [html.index(f'data-room="{r.id}"') for r in ranked]
    assert order == sorted(order)
    assert f'data-room="{rooms.village.id}" class="rr-low"' in html
    assert f'data-room="{rooms.other.id}" class="rr-low"' not in html
    save_settings(client.application, PLUGIN, {"low_usage_threshold": 250, "commend_top_n": 3})
    html = c.get(f"{BASE}/inspection?from=2026-01-01&to=2026-01-31").get_data(as_text=True)
    assert f'data-room="{rooms.other.id}" class="rr-low"' in html
    # two months: the threshold doubles (500), January's usage alone stays as it was
    html = c.get(f"{BASE}/inspection?from=2026-01-01&to=2026-02-28").get_data(as_text=True)
    assert f'data-room="{rooms.township.id}" class="rr-low"' in html


def test_inspection_bad_dates_are_explained(client, login, rooms):
    c = _as(client, login, "admin")
    for query in ("from=yesterday", "from=2026-02-01&to=2026-01-01"):
        response = c.get(f"{BASE}/inspection?{query}")
        assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)


def test_the_monthly_job_stores_a_report(app, client, login, rooms, monkeypatch):
    import plugins.reading_rooms.hooks as hooks

    monkeypatch.setattr("core.rules.today", lambda: date(2026, 2, 1))
    job = collect_jobs(app)["reading_rooms.monthly_report"]
    assert job.spec.trigger == "cron"
    assert dict(job.spec.trigger_args) == {"day": 1, "hour": 8, "minute": 0}
    assert hooks.store_previous_month is job.spec.func
    assert run_job(app, job)
    assert run_job(app, job)  # again: the snapshot is replaced, not doubled
    report = db.session.query(Report).one()
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 1, 31))
    assert [row["room_id"] for row in report.rows] == [
        rooms.township.id,
        rooms.other.id,
        rooms.village.id,
    ]
    assert report.rows[2]["low"] and not report.rows[0]["low"]
    c = _as(client, login, "reviewer")
    assert f'data-report="{report.id}"' in c.get(f"{BASE}/reports").get_data(as_text=True)
    html = c.get(f"{BASE}/reports/{report.id}").get_data(as_text=True)
    assert f'data-room="{rooms.village.id}"' in html and f'data-room="{rooms.other.id}"' not in html
    assert c.get(f"{BASE}/reports/9999").status_code == 404
    set_enabled(app, PLUGIN, False)
    assert not run_job(app, job)


def test_admin_stores_the_previous_month_from_the_page(client, login, rooms):
    c = _as(client, login, "reviewer")
    assert c.post(f"{BASE}/reports").status_code == 403
    client.post("/logout")
    c = _as(client, login, "admin")
    response = c.post(f"{BASE}/reports")
    assert response.status_code == 302 and db.session.query(Report).count() == 1


def test_year_end_ranking_proposes_and_admin_confirms(client, login, rooms):
    c = _as(client, login, "admin")
    save_settings(client.application, PLUGIN, {"low_usage_threshold": 100, "commend_top_n": 2})
    html = c.get(f"{BASE}/ranking?year=2026").get_data(as_text=True)
    proposal = html[html.index('id="rr-proposal"') : html.index("</ol>", html.index("rr-proposal"))]
    assert f'data-room="{rooms.township.id}"' in proposal
    assert f'data-room="{rooms.other.id}"' in proposal
    assert f'data-room="{rooms.village.id}"' not in proposal
    assert db.session.query(Commendation).count() == 0  # only a proposal
    assert c.post(f"{BASE}/ranking?year=2026").status_code == 302
    rows = db.session.query(Commendation).order_by(Commendation.rank).all()
    assert [(r.room_id, r.rank, r.usage) for r in rows] == [
        (rooms.township.id, 1, 400),
        (rooms.other.id, 2, 200),
    ]
    c.post(f"{BASE}/ranking?year=2026")  # confirming again replaces
    assert db.session.query(Commendation).count() == 2
    c.post(f"{BASE}/ranking?year=2019")  # no usage: nothing confirmed
    assert db.session.query(Commendation).filter_by(year=2019).count() == 0


def test_disabled_plugin_answers_404_and_keeps_its_data(app, client, login, rooms):
    c = _as(client, login, "admin")
    assert c.get(f"{BASE}/").status_code == 200
    set_enabled(app, PLUGIN, False)
    assert c.get(f"{BASE}/").status_code == 404
    assert c.get(f"{BASE}/inspection").status_code == 404
    assert "/plugins/reading_rooms/" not in c.get("/").get_data(as_text=True)
    assert db.session.query(Room).count() == 3 and count_records() == 3
    set_enabled(app, PLUGIN, True)
    assert c.get(f"{BASE}/").status_code == 200
