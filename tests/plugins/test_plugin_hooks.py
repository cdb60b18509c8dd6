"""Each hook, through the sample plugin: what comes back while enabled, nothing while disabled,
and a raising implementation isolated (logged with the plugin's name, the rest still works).

The meta-test in test_plugin_meta.py wants a ``test_hook_<name>...`` here for every hook.
"""

import logging
from datetime import date

import pytest
from sqlalchemy import select, text

from core.contracts import CalendarEntry, DigestSection, NavItem, ReviewSection
from core.extensions import db
from core.jobs.job import collect_jobs, run_job
from core.models import Notification, User
from core.notify.digest import compose, send_weekly_digests, week_before
from core.plugins import call, call_each, runtime_failures
from core.plugins.state import plugin_rows

PAGE = "/plugins/kepu_sample/"
NOTES_API = "/api/v1/plugins/kepu_sample/notes"


@pytest.fixture
def enabled(sample_app, invoke):
    """The sample app with the sample plugin enabled."""
    assert invoke(sample_app, "plugins", "enable", "kepu_sample").exit_code == 0
    return sample_app


def _notes() -> list[str]:
    from kepu_sample.models import SampleNote

    db.session.expire_all()
    return list(db.session.scalars(select(SampleNote.body).order_by(SampleNote.id)))


def test_hook_blueprints_mount_pages_under_the_plugins_name(enabled, world, log_in):
    rules = {
        rule.rule
        for rule in enabled.url_map.iter_rules()
        if rule.endpoint.startswith("kepu_sample.")
    }
    assert rules == {PAGE, PAGE + "about"}
    client = log_in(enabled.test_client(), "member")
    assert client.get(PAGE).status_code == 200
    assert enabled.test_client().get(PAGE).status_code == 302  # the plugin's own login check


def test_hook_api_blueprints_are_documented_authenticated_and_gated(enabled, world, bearer, invoke):
    client = enabled.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert NOTES_API in spec["paths"]
    assert client.get(NOTES_API).status_code == 401  # the core's API authentication
    response = client.get(NOTES_API, headers=bearer(world.member))
    assert response.status_code == 200 and response.get_json() == []
    invoke(enabled, "plugins", "disable", "kepu_sample")
    assert client.get(NOTES_API, headers=bearer(world.member)).status_code == 404


def test_hook_nav_items_that_raise_leave_the_page_working(enabled, sample, world, log_in, caplog):
    client = log_in(enabled.test_client(), "admin")
    assert f'href="{PAGE}"' in client.get("/").get_data(as_text=True)
    sample.FAILING.add("nav_items")
    with caplog.at_level(logging.ERROR, logger="core.plugins"):
        response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="{PAGE}"' not in page and 'href="/visits"' in page  # the core's menu stays
    assert "plugin kepu_sample failed in hook nav_items" in caplog.text
    assert "sample nav_items failed on purpose" in caplog.text
    row = next(r for r in plugin_rows(enabled) if r.name == "kepu_sample")
    assert row.state == "enabled"
    assert row.runtime_error == "nav_items: RuntimeError: sample nav_items failed on purpose"
    assert "最近错误：nav_items: RuntimeError" in client.get("/admin/plugins").get_data(
        as_text=True
    )


def test_hook_nav_items_of_the_core_keep_their_order(app, world):
    items = call(app, "nav_items", expect=NavItem, user=world.admin)
    assert [item.endpoint for item in items] == [
        "home.index",
        "visits.new",
        "plans.index",
        "visits.index",
        "teams.index",
        "farms.index",
        "events.index",
        "review.index",
        "inspections.index",
        "assessments.index",
        "rectifications.index",
        "audit.index",
        "roster.index",
        "users.index",
        "plugins_admin.index",
        "jobs_admin.index",
        "deleted.index",
    ]
    member = [item.endpoint for item in call(app, "nav_items", user=world.member)]
    assert "visits.new" not in member and "users.index" not in member
    assert "plans.index" not in member  # members read plans from their home page


def test_hook_review_sections_and_a_failing_one_as_unavailable(enabled, sample, world):
    kwargs = {
        "area": world.township,
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "user": world.reviewer,
    }
    [section] = call(enabled, "review_sections", expect=ReviewSection, **kwargs)
    assert section.title == "Sample notes of 永阳镇" and section.figures[0].value == 0
    sample.FAILING.add("review_sections")
    [result] = call_each(enabled, "review_sections", **kwargs)
    assert result.plugin == "kepu_sample" and result.failed
    assert result.error == "RuntimeError: sample review_sections failed on purpose"
    assert call(enabled, "review_sections", **kwargs) == []


def test_hook_visit_actions_show_on_the_visit_page_and_a_failing_one_is_left_out(
    enabled, sample, world, log_in
):
    visit = world.make_visit()
    client = log_in(enabled.test_client(), "leader")
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert (
        f'<a class="button" href="/plugins/kepu_sample/">Sample link for visit {visit.id}</a>'
        in page
    )
    assert 'action="/plugins/kepu_sample/"' in page and "Sample button for leader" in page
    sample.FAILING.add("visit_actions")
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert "Sample link" not in page and 'id="visit-plugin-actions"' not in page


def test_hook_digest_sections_follow_the_cores_and_a_failing_one_loses_only_its_own(
    enabled, sample, world, invoke
):
    start, end = week_before(date.today())
    reviewer_id = world.reviewer.id  # read in this test's own context, not in the sample app's
    with enabled.app_context():
        reviewer = db.session.get(User, reviewer_id)
        sections = compose(reviewer, start, end)
        assert sections[-1] == DigestSection("Sample notes", ("0 notes",))
        core = sections[:-1]
        assert core and all(section.order < 100 for section in core)  # the core's come first
        assert send_weekly_digests() == 1
        body = db.session.scalar(
            select(Notification.body).where(Notification.user_id == reviewer.id)
        )
        assert body.endswith("Sample notes\n- 0 notes")
        sample.FAILING.add("digest_sections")
        assert compose(reviewer, start, end) == core  # the core's sections are all kept
    assert runtime_failures(enabled)["kepu_sample"].hook == "digest_sections"
    invoke(enabled, "plugins", "disable", "kepu_sample")
    sample.CALLS.clear()
    with enabled.app_context():
        assert compose(db.session.get(User, reviewer_id), start, end) == core
    assert sample.CALLS == []


def test_hook_digest_sections_whose_query_failed_cost_the_core_nothing(
    enabled, sample, world, monkeypatch
):
    start, end = week_before(date.today())
    reviewer_id = world.reviewer.id
    with enabled.app_context():
        reviewer = db.session.get(User, reviewer_id)
        expected = compose(reviewer, start, end)[:-1]
        # On PostgreSQL a failed statement aborts the transaction until it is rolled back.
        monkeypatch.setattr(sample, "_count", lambda: db.session.execute(text("SELECT nosuch")))
        assert compose(reviewer, start, end) == expected
    assert runtime_failures(enabled)["kepu_sample"].hook == "digest_sections"


def test_hook_calendar_events_only_while_enabled(enabled, sample, invoke):
    [entry] = call(enabled, "calendar_events", start=date(2026, 9, 15), end=date(2026, 9, 30))
    assert isinstance(entry, CalendarEntry) and entry.all_day
    assert entry.uid == "sample-day@kepu_sample" and entry.end == date(2026, 9, 16)
    invoke(enabled, "plugins", "disable", "kepu_sample")
    sample.CALLS.clear()
    assert call(enabled, "calendar_events", start=date(2026, 9, 15), end=date(2026, 9, 30)) == []
    assert sample.CALLS == []  # a disabled plugin's hooks are not called at all


def test_hook_scheduled_jobs_skip_while_disabled(enabled, invoke):
    job = collect_jobs(enabled)["kepu_sample.note"]
    assert job.spec.trigger == "interval" and job.spec.trigger_args == {"hours": 1}
    assert run_job(enabled, job) is True
    assert _notes() == ["job ran"]
    listed = invoke(enabled, "jobs", "list").output
    assert "kepu_sample.note" in listed and " on " in listed
    invoke(enabled, "plugins", "disable", "kepu_sample")
    assert run_job(enabled, job) is False
    result = invoke(enabled, "jobs", "run", "kepu_sample.note")
    assert result.exit_code == 0 and "skipped" in result.output
    assert _notes() == ["job ran"]
    assert invoke(enabled, "jobs", "run", "nosuch.job").exit_code != 0


def test_hook_cli_commands_are_refused_while_disabled(enabled, invoke):
    result = invoke(enabled, "kepu_sample", "count")
    assert result.exit_code == 0 and result.output == "0 notes\n"
    invoke(enabled, "plugins", "disable", "kepu_sample")
    result = invoke(enabled, "kepu_sample", "count")
    assert result.exit_code != 0 and "disabled" in result.output


def test_hook_demo_data_is_committed_or_rolled_back(enabled, sample):
    from core.demo import build_plugin_demo

    with enabled.app_context():
        made = build_plugin_demo(7, date(2026, 5, 1))
    assert made == {"kepu_sample": {"notes": 1}}
    assert _notes() == ["demo note (seed 7, 2026-05-01)"]
    sample.FAILING.add("demo_data")
    with enabled.app_context():
        made = build_plugin_demo(8, date(2026, 5, 1))
    assert made == {"kepu_sample": "failed: RuntimeError: sample demo_data failed on purpose"}
    assert len(_notes()) == 1


def test_hook_visit_logged_after_the_visit_is_committed(enabled, sample, world, bearer):
    client = enabled.test_client()
    body = {
        "farm_id": world.farm.id,
        "visited_on": date.today().isoformat(),
        "kind": "lecture",
        "people_reached": 40,
        "households_reached": 15,
    }
    response = client.post("/api/v1/visits/", json=body, headers=bearer(world.leader))
    assert response.status_code == 201
    visit_id = response.get_json()["id"]
    assert _notes() == [f"visit {visit_id} logged"]
    sample.FAILING.add("visit_logged")
    response = client.post("/api/v1/visits/", json=body, headers=bearer(world.leader))
    assert response.status_code == 201  # the visit is kept; the plugin's failure is its own
    assert len(_notes()) == 1
    assert runtime_failures(enabled)["kepu_sample"].hook == "visit_logged"


def test_hook_event_changed_on_every_committed_change(enabled, world, bearer):
    event = world.make_event()
    client = enabled.test_client()
    url = f"/api/v1/events/{event.id}"
    headers = bearer(world.leader)
    assert client.patch(url, json={"place": "村文化广场"}, headers=headers).status_code == 200
    assert client.post(f"{url}/cancel", headers=headers).status_code == 200
    bad = client.patch(url, json={"ends_at": "2000-01-01T00:00:00+08:00"}, headers=headers)
    assert bad.status_code == 422  # nothing committed, nothing told
    assert _notes() == [
        f"event {event.id} now at revision 1",
        f"event {event.id} now at revision 2",
    ]
