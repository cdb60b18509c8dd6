"""Scheduled jobs: declaration, gating by plugin state, run records, claims, leases, the loop."""

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, text, update

from core.contracts import JobSpec
from core.extensions import db
from core.jobs import records, runner
from core.jobs.job import Job, collect_jobs, run_job
from core.jobs.lease import AdvisoryLease, RowLease, current_holder, make_lease
from core.jobs.runner import (
    FireTimes,
    PoolContext,
    SchedulerService,
    enter_pool,
    fire,
    make_scheduler,
    next_fire_times,
    run_queued,
    run_scheduled,
    sync_jobs,
)
from core.models import JobOutcome, JobRun, RunSource, SchedulerLease, utcnow
from core.plugins import CORE

ZONE = ZoneInfo("Asia/Shanghai")


def _runs(job_id: str | None = None) -> list[JobRun]:
    db.session.expire_all()
    query = select(JobRun).order_by(JobRun.id)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    return list(db.session.scalars(query))


def _job(func, job_id: str = "probe", **spec) -> Job:
    """A core job around ``func`` (not declared through the hook)."""
    return Job(
        f"{CORE}.{job_id}",
        CORE,
        JobSpec(
            job_id,
            func,
            spec.pop("trigger", "interval"),
            spec.pop("trigger_args", {"hours": 1}),
            **spec,
        ),
    )


def test_core_jobs_are_declared_with_their_triggers(app):
    jobs = collect_jobs(app)
    assert {
        "core.event_reminders",
        "core.stale_farms",
        "core.weekly_digest",
        "core.send_emails",
    } <= set(jobs)
    digest = jobs["core.weekly_digest"].spec
    assert digest.trigger == "cron" and digest.trigger_args["day_of_week"] == "mon"
    assert jobs["core.send_emails"].spec.trigger == "interval"
    assert all(job.spec.coalesce for job in jobs.values())
    times = next_fire_times(app, jobs)
    monday = times["core.weekly_digest"].astimezone(ZONE)
    assert monday.weekday() == 0 and (monday.hour, monday.minute) == (7, 0)


def test_runs_are_recorded_ok_failed_and_skipped(sample_app, sample, invoke):
    invoke(sample_app, "plugins", "enable", "kepu_sample")
    job = collect_jobs(sample_app)["kepu_sample.note"]
    assert run_job(sample_app, job) is True
    invoke(sample_app, "plugins", "disable", "kepu_sample")
    assert run_job(sample_app, job) is False

    def boom():
        raise RuntimeError("the well is dry")

    with pytest.raises(RuntimeError):
        run_job(sample_app, _job(boom, "boom"))
    ok, skipped = _runs("kepu_sample.note")
    assert (ok.outcome, ok.source, ok.error) == (JobOutcome.OK, RunSource.COMMAND, "")
    assert ok.started_at <= ok.finished_at
    assert skipped.outcome == JobOutcome.SKIPPED and "disabled" in skipped.error
    [failed] = _runs("core.boom")
    assert failed.outcome == JobOutcome.FAILED
    assert failed.error.startswith("RuntimeError: the well is dry") and "Traceback" in failed.error


def test_a_fire_time_is_claimed_and_run_once(app):
    calls = []
    job = _job(lambda: calls.append(1))
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert run_job(app, job, scheduled_for=when, source=RunSource.SCHEDULE) is True
    assert run_job(app, job, scheduled_for=when, source=RunSource.SCHEDULE) is None
    assert calls == [1]
    [run] = _runs()
    assert run.scheduled_for == when and run.source == RunSource.SCHEDULE
    assert records.claim(job.id, when, RunSource.SCHEDULE) is None


def test_kepu_jobs_run_records_its_run(app, invoke):
    result = invoke(app, "jobs", "run", "core.send_emails")
    assert result.exit_code == 0 and "done" in result.output
    [run] = _runs("core.send_emails")
    assert run.source == RunSource.COMMAND and run.outcome == JobOutcome.OK
    assert "core.weekly_digest" in invoke(app, "jobs", "list").output


def test_fire_records_a_job_no_longer_declared(app):
    when = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    fire("core.gone", when)
    [run] = _runs()
    assert (run.job_id, run.outcome) == ("core.gone", JobOutcome.FAILED)
    fire("core.send_emails", when)
    fire("core.send_emails", when)  # the same fire time again: already claimed
    assert [r.outcome for r in _runs("core.send_emails")] == [JobOutcome.OK]


def _submitted(job_id: str, *run_times: datetime) -> JobSubmissionEvent:
    return JobSubmissionEvent(EVENT_JOB_SUBMITTED, job_id, "default", list(run_times))


def test_fire_times_are_handed_to_the_runs_of_each_job_in_order():
    times = FireTimes(wait=0.05)
    first, second = (datetime(2026, 11, 26, hour, tzinfo=UTC) for hour in (8, 9))
    times.submitted(_submitted("core.a", first, second))
    assert times.take("core.b") is None  # nothing submitted for it: gives up after the wait
    assert [times.take("core.a") for _ in range(3)] == [first, second, None]
    times.wait = 5
    # the scheduler dispatches the event after handing the run to the pool: the run waits
    threading.Timer(0.1, times.submitted, [_submitted("core.a", first)]).start()
    assert times.take("core.a") == first


def _in_pool(context: PoolContext, *job_ids: str) -> None:
    """Call run_scheduled for each job id in a thread set up like the scheduler's pool."""
    with ThreadPoolExecutor(1, initializer=enter_pool, initargs=(context,)) as pool:
        for job_id in job_ids:
            pool.submit(run_scheduled, job_id).result()


def test_a_scheduled_run_takes_its_fire_time_and_skips_a_missed_one(app, monkeypatch):
    seen = []
    jobs = {"core.probe": _job(lambda: seen.append(1), misfire_grace_time=60)}
    monkeypatch.setattr(runner, "collect_jobs", lambda app: jobs)
    now = datetime.now(UTC).replace(microsecond=0)
    times = FireTimes(wait=0.05)
    times.submitted(_submitted("core.probe", now - timedelta(hours=2), now))
    _in_pool(PoolContext(app, times), "core.probe", "core.probe")
    assert seen == [1]
    missed, ran = _runs("core.probe")
    assert (missed.scheduled_for, missed.outcome) == (now - timedelta(hours=2), JobOutcome.SKIPPED)
    assert re.fullmatch(r"missed: 720[01] s late, the grace time is 60 s", missed.error)
    assert (ran.scheduled_for, ran.outcome, ran.source) == (now, JobOutcome.OK, RunSource.SCHEDULE)
    _in_pool(PoolContext(app, times), "core.probe")  # no fire time handed over: not run
    run_scheduled("core.probe")  # outside a scheduler's pool: not run
    assert seen == [1] and len(_runs()) == 2


def _wait_for_runs(count: int, timeout: float = 15) -> list[tuple]:
    """(job, fire time, outcome) of the runs once ``count`` of them have ended."""
    deadline = time.monotonic() + timeout
    while True:
        runs = [
            (run.job_id, run.scheduled_for, run.outcome)
            for run in _runs()
            if run.outcome != JobOutcome.RUNNING
        ]
        db.session.rollback()  # end the read: SQLite writers must not wait for it
        if len(runs) >= count or time.monotonic() > deadline:
            return runs
        time.sleep(0.1)


def test_missed_fire_times_run_coalesced_or_each_within_the_grace_time(app, monkeypatch):
    calls = Counter()
    jobs = {
        job.id: job
        for job in (
            _job(
                lambda: calls.update(["once"]),
                "once",
                trigger_args={"minutes": 1},
                misfire_grace_time=180,
            ),
            _job(
                lambda: calls.update(["each"]),
                "each",
                trigger_args={"minutes": 1},
                misfire_grace_time=180,
                coalesce=False,
            ),
        )
    }
    monkeypatch.setattr(runner, "collect_jobs", lambda app: jobs)
    down_since = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=4, seconds=30)
    fire_times = [down_since + timedelta(minutes=n) for n in range(5)]  # the last 30 s ago
    scheduler = make_scheduler(app, ZONE)
    db.session.commit()
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, jobs, ZONE)
        for job_id in jobs:  # as if no scheduler had run since then
            scheduler.modify_job(job_id, next_run_time=down_since)
        scheduler.resume()
        runs = _wait_for_runs(6)
    finally:
        scheduler.shutdown()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    assert calls == {"once": 1, "each": 3}
    assert [run[1:] for run in runs if run[0] == "core.once"] == [(fire_times[-1], JobOutcome.OK)]
    each = [run[1:] for run in runs if run[0] == "core.each"]
    assert (
        sorted(each)
        == [
            (fire_times[0], JobOutcome.SKIPPED),  # 270 s late
            (fire_times[1], JobOutcome.SKIPPED),  # 210 s late
            *((when, JobOutcome.OK) for when in fire_times[2:]),
        ]
    )


def test_sync_keeps_unchanged_jobs_and_replaces_or_removes_the_others():
    scheduler = BackgroundScheduler(timezone=ZONE)
    scheduler.start(paused=True)
    try:
        scheduler.add_job(print, "interval", hours=1, id="gone.job")
        jobs = {
            j.id: j
            for j in (_job(print, "a"), _job(print, "b", trigger="cron", trigger_args={"hour": 7}))
        }
        sync_jobs(scheduler, jobs, ZONE)
        assert {j.id for j in scheduler.get_jobs()} == {"core.a", "core.b"}
        stored = scheduler.get_job("core.a")
        assert stored.func is run_scheduled and tuple(stored.args) == ("core.a",)
        assert stored.misfire_grace_time is None  # Kepu applies the grace time (fire)
        later = datetime.now(ZONE) + timedelta(minutes=5)
        scheduler.modify_job("core.a", next_run_time=later)
        sync_jobs(scheduler, jobs, ZONE)  # unchanged: the stored fire time stays
        assert scheduler.get_job("core.a").next_run_time == later
        jobs["core.a"] = _job(print, "a", coalesce=False)
        sync_jobs(scheduler, jobs, ZONE)  # other settings: updated, the fire time stays
        assert scheduler.get_job("core.a").next_run_time == later
        assert scheduler.get_job("core.a").coalesce is False
        jobs["core.a"] = _job(print, "a", trigger_args={"hours": 2})
        sync_jobs(scheduler, jobs, ZONE)  # changed: replaced, fire time recomputed
        assert scheduler.get_job("core.a").next_run_time != later
        assert str(scheduler.get_job("core.a").trigger) == "interval[2:00:00]"
        jobs["core.c"] = _job(print, "c", trigger="weekly")
        sync_jobs(scheduler, jobs, ZONE)  # a bad trigger is logged, not scheduled
        assert scheduler.get_job("core.c") is None
    finally:
        scheduler.shutdown(wait=False)


def test_jobs_stored_by_the_former_runner_keep_their_fire_time():
    scheduler = BackgroundScheduler(timezone=ZONE)
    scheduler.start(paused=True)
    try:
        job = _job(print, "a")
        later = datetime.now(ZONE) + timedelta(minutes=5)
        scheduler.add_job(
            fire,
            runner.build_trigger(job.spec, ZONE),
            args=[job.id],
            id=job.id,
            name=job.id,
            misfire_grace_time=3600,
            next_run_time=later,
        )
        sync_jobs(scheduler, {job.id: job}, ZONE)
        stored = scheduler.get_job(job.id)
        assert stored.func is run_scheduled and stored.misfire_grace_time is None
        assert stored.next_run_time == later  # a run missed over the upgrade still happens
    finally:
        scheduler.shutdown(wait=False)


def test_the_row_lease_has_one_holder_and_expires(app):
    first, second = RowLease(app, 30, "first"), RowLease(app, 30, "second")
    assert first.acquire() and first.acquire()  # again: still ours
    assert not second.acquire()
    assert first.renew() and not second.renew()
    assert current_holder().holder == "first"
    db.session.execute(update(SchedulerLease).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert current_holder() is None  # expired: the holder stopped renewing
    assert second.acquire()  # the standby takes over
    assert not first.renew()
    second.release()
    assert first.acquire()
    first.release()


def test_the_lease_of_the_database(app):
    first, second = make_lease(app, "first"), make_lease(app, "second")
    if db.engine.dialect.name == "postgresql":
        assert isinstance(first, AdvisoryLease)
    else:
        assert type(first) is RowLease
    assert first.acquire() and not second.acquire()
    first.release()
    assert second.acquire() and not first.acquire()
    assert second.renew()
    second.release()
    assert current_holder() is None


def test_a_queued_run_is_taken_once_and_recorded(app, world):
    run_id = records.queue("core.send_emails", world.admin.id)
    assert records.has_queued("core.send_emails")
    assert records.take_queued() == [(run_id, "core.send_emails")]
    assert records.take_queued() == []
    run_queued(app, run_id, "core.send_emails")
    [run] = _runs()
    assert (run.outcome, run.source, run.requested_by_id) == (
        JobOutcome.OK,
        RunSource.ADMIN,
        world.admin.id,
    )
    gone = records.queue("core.gone", None)
    records.take_queued()
    run_queued(app, gone, "core.gone")
    assert _runs("core.gone")[0].outcome == JobOutcome.FAILED


def test_the_service_takes_the_lease_runs_queued_runs_and_stops_cleanly(app):
    standby = RowLease(app, 30, "other process")
    service = SchedulerService(app, holder="this process")
    db.session.commit()
    try:
        service.tick()
        assert service.leading and service.scheduler.get_job("core.weekly_digest")
        report = service.scheduler.get_job("reading_rooms.monthly_report")  # plugins' jobs too
        assert str(report.trigger) == "cron[day='1', hour='8', minute='0']"
        assert str(report.trigger.timezone) == "Asia/Shanghai" and report.coalesce
        assert service.scheduler.get_job("noticeboards.remind_stale_boards")
        assert not standby.acquire()
        run_id = records.queue("core.send_emails", None)
        service.tick()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _runs()[0].outcome != JobOutcome.OK:
            time.sleep(0.1)
        assert _runs()[0].id == run_id and _runs()[0].outcome == JobOutcome.OK
    finally:
        service.shutdown()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    assert not service.leading
    assert standby.acquire()  # released on the way out
    standby.release()


def test_the_embedded_scheduler_starts_only_where_it_should(app, monkeypatch):
    from core.jobs import runner

    started = []
    monkeypatch.setattr(
        runner,
        "SchedulerService",
        lambda app: SimpleNamespace(run=lambda stop: started.append(stop)),
    )
    monkeypatch.setattr(runner.atexit, "register", lambda func: None)
    fake = SimpleNamespace(
        config={"SCHEDULER_EMBEDDED": False}, testing=False, debug=False, extensions={}
    )
    runner.init_app(fake)
    fake.config["SCHEDULER_EMBEDDED"] = True
    fake.testing = True
    runner.init_app(fake)
    fake.testing, fake.debug = False, True
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    runner.init_app(fake)  # the reloader's watching process
    assert started == []
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    runner.init_app(fake)  # the reloader's serving child
    fake.extensions["kepu_scheduler"].join(timeout=5)
    assert len(started) == 1


def test_jobs_stored_under_the_schedulers_former_module_are_restored(tmp_path):
    """A database scheduled by an earlier Kepu names ``core.scheduler.runner:fire``: the job is
    restored (not dropped by the job store) and rewritten, keeping its next fire time."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    url = f"sqlite:///{tmp_path}/jobs.sqlite3"
    job = _job(print, "a")
    later = (datetime.now(ZONE) + timedelta(minutes=5)).replace(microsecond=0)
    before = BackgroundScheduler(timezone=ZONE, jobstores={"default": SQLAlchemyJobStore(url)})
    before.start(paused=True)
    before.add_job(
        "core.scheduler.runner:fire",
        runner.build_trigger(job.spec, ZONE),
        args=[job.id],
        id=job.id,
        next_run_time=later,
    )
    before.shutdown(wait=False)

    after = BackgroundScheduler(timezone=ZONE, jobstores={"default": SQLAlchemyJobStore(url)})
    after.start(paused=True)
    try:
        sync_jobs(after, {job.id: job}, ZONE)
        stored = after.get_job(job.id)
        assert stored is not None and stored.func is run_scheduled
        assert stored.func_ref == "core.jobs.runner:run_scheduled"
        assert stored.next_run_time == later
    finally:
        after.shutdown(wait=False)
