"""The scheduler loop: wait for the lease, then run APScheduler until told to stop.

One :class:`SchedulerService` per process. Every ``SCHEDULER_POLL_SECONDS`` it renews the
lease (or tries to take it, while another process holds it), and while it holds the lease it
also starts the runs admins queued with "run now". Holding the lease, it runs an APScheduler
``BackgroundScheduler`` whose job store is the ``apscheduler_jobs`` table of the application
database (made by APScheduler itself, outside Kepu's models and migrations); the declared jobs
are written into it at each take-over, keeping the stored next fire times of jobs whose trigger
is unchanged, so a late run still happens within its ``misfire_grace_time``.

Only APScheduler's public API is used (its private names change without notice). Every stored
job calls :func:`run_scheduled` with the Kepu job id; APScheduler calls it once per fire time it
submits, and the fire times themselves come from the ``EVENT_JOB_SUBMITTED`` event
(:class:`FireTimes`). :func:`fire` then claims the (job, fire time) pair in ``job_runs`` before
running: even two schedulers that both believed they held the lease could not run one fire
time twice.

``kepu scheduler`` runs the loop in the foreground (stopping cleanly on SIGTERM and SIGINT);
with ``SCHEDULER_EMBEDDED`` the development server runs it in a thread.

APScheduler's schedulers, job stores, executors and triggers are imported where they are used,
not at start-up: most processes (web workers, other ``kepu`` commands) never schedule.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import logging
import os
import queue
import signal
import threading
from concurrent.futures import ThreadPoolExecutor as Pool
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.contracts import JobSpec
from core.dates import local_zone
from core.errors import describe_error
from core.extensions import db
from core.jobs import records
from core.jobs.job import Job, collect_jobs, run_job
from core.jobs.lease import make_lease
from core.models import JobOutcome, RunSource, utcnow

if TYPE_CHECKING:
    from apscheduler.events import JobSubmissionEvent
    from apscheduler.schedulers.background import BackgroundScheduler

logger = logging.getLogger(__name__)

#: the APScheduler job store's table (not one of Kepu's models)
JOBSTORE_TABLE = "apscheduler_jobs"
#: the triggers a JobSpec may name: APScheduler's module and class of each
TRIGGERS = {
    "cron": ("apscheduler.triggers.cron", "CronTrigger"),
    "interval": ("apscheduler.triggers.interval", "IntervalTrigger"),
}
#: how long a run waits for its fire time; the scheduler thread hands it over right after
#: submitting the run, so only a stalled job store makes a run wait at all
HANDOFF_SECONDS = 60.0


def build_trigger(spec: JobSpec, zone: ZoneInfo):
    """The APScheduler trigger of ``spec``, in the configured time zone (ValueError if bad)."""
    name = TRIGGERS.get(spec.trigger)
    if name is None:
        raise ValueError(f"unknown trigger {spec.trigger!r} (use cron or interval)")
    module, cls = name
    return getattr(importlib.import_module(module), cls)(timezone=zone, **dict(spec.trigger_args))


def describe_trigger(spec: JobSpec) -> str:
    """A short text of the trigger, e.g. ``cron day=1 hour=8``."""
    args = " ".join(f"{key}={value}" for key, value in dict(spec.trigger_args).items())
    return f"{spec.trigger} {args}".strip()


def fire(
    job_id: str, scheduled_for: datetime | None = None, *, enforce_grace: bool = False
) -> None:
    """Run the job ``job_id`` for the fire time ``scheduled_for`` in the current app.

    What the scheduler runs for every fire time; the run is claimed, recorded and isolated
    (an exception is recorded on the run and logged, never raised to the scheduler). With
    ``enforce_grace`` a fire time later than the job's ``misfire_grace_time`` is recorded as
    skipped instead.
    """
    app = current_app._get_current_object()
    scheduled_for = scheduled_for or utcnow()
    job = collect_jobs(app).get(job_id)
    if job is None:
        records.record(
            job_id,
            scheduled_for,
            RunSource.SCHEDULE,
            JobOutcome.FAILED,
            "the job is no longer declared",
        )
        return
    if enforce_grace and skip_if_missed(job, scheduled_for):
        return
    with contextlib.suppress(Exception):  # recorded on the run and logged by run_job
        run_job(app, job, scheduled_for=scheduled_for, source=RunSource.SCHEDULE)


def skip_if_missed(job: Job, scheduled_for: datetime) -> bool:
    """True (and the run recorded as skipped) when ``scheduled_for`` is past the grace time."""
    grace = job.spec.misfire_grace_time
    late = datetime.now(UTC) - scheduled_for
    if grace is None or late <= timedelta(seconds=grace):
        return False
    logger.warning("job %s at %s missed by %s: skipped", job.id, scheduled_for, late)
    records.record(
        job.id,
        scheduled_for,
        RunSource.SCHEDULE,
        JobOutcome.SKIPPED,
        f"missed: {int(late.total_seconds())} s late, the grace time is {grace} s",
    )
    return True


class FireTimes:
    """The fire times APScheduler submits, handed to the runs of each job in order.

    APScheduler calls a job's func with the job's stored arguments only. The fire times of a
    submission (one when coalesced: the latest missed one; else every due one, oldest first)
    travel in the ``EVENT_JOB_SUBMITTED`` event, which the scheduler thread dispatches just
    after handing the job to the pool. :meth:`submitted` is the listener of that event, and
    each call of :func:`run_scheduled` takes the next fire time of its job, waiting for the
    event when the run started first. A job runs one instance at a time (``max_instances``),
    so the fire times of one submission are taken before the next submission comes.
    """

    def __init__(self, wait: float = HANDOFF_SECONDS):
        self.wait = wait
        self._queues: dict[str, queue.SimpleQueue] = {}
        self._lock = threading.Lock()

    def _queue(self, job_id: str) -> queue.SimpleQueue:
        with self._lock:
            return self._queues.setdefault(job_id, queue.SimpleQueue())

    def submitted(self, event: JobSubmissionEvent) -> None:
        """Keep the fire times of a submission, oldest first."""
        for run_time in event.scheduled_run_times:
            self._queue(event.job_id).put(run_time)

    def take(self, job_id: str) -> datetime | None:
        """The next fire time submitted for ``job_id``; None if none comes within the wait."""
        try:
            return self._queue(job_id).get(timeout=self.wait)
        except queue.Empty:
            return None


@dataclass(frozen=True)
class PoolContext:
    """What the threads of a scheduler's pool need to run Kepu's jobs."""

    app: Flask
    fire_times: FireTimes


# The stored jobs name a module-level function and the Kepu job id only (they are pickled into
# the database and run by whichever process leads); each pool thread learns its app and fire
# times when it starts.
_pool_thread = threading.local()


def enter_pool(context: PoolContext) -> None:
    """Give the current thread ``context`` (the initializer of the pool's threads)."""
    _pool_thread.context = context


def run_scheduled(job_id: str) -> None:
    """The func of every APScheduler job: run Kepu's job ``job_id`` for its next fire time.

    APScheduler calls it once per fire time it submits, in order, in a thread of the pool of
    :func:`make_scheduler`; the fire time comes from that pool's :class:`FireTimes`.
    """
    context = getattr(_pool_thread, "context", None)
    if context is None:
        logger.error("job %s called outside a Kepu scheduler's pool: not run", job_id)
        return
    scheduled_for = context.fire_times.take(job_id)
    if scheduled_for is None:
        logger.error("job %s: the scheduler handed over no fire time: not run", job_id)
        return
    with context.app.app_context():
        fire(job_id, scheduled_for, enforce_grace=True)


@functools.cache
def app_engine_job_store() -> type:
    """The class ``AppEngineJobStore`` (made on first use, with APScheduler's job store)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    class AppEngineJobStore(SQLAlchemyJobStore):
        """APScheduler's SQLAlchemy job store on the app's own engine, which it must not dispose.

        The stock store disposes its engine at shutdown; this one shares the app's engine (the
        lease's connection and the web requests use it), so the app keeps it open.
        (``shutdown`` is a public method of APScheduler's ``BaseJobStore``, whose subclasses
        are a documented extension point.)
        """

        def shutdown(self):
            """Leave the shared engine alone."""

    return AppEngineJobStore


class SchedulerService:
    """The lease and, while it is held, APScheduler and the queued runs, for one process."""

    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.lease = make_lease(app, holder)
        self.poll = float(app.config["SCHEDULER_POLL_SECONDS"])
        self.scheduler: BackgroundScheduler | None = None
        self.queue_pool: Pool | None = None

    @property
    def leading(self) -> bool:
        """True while this process holds the lease and runs the scheduler."""
        return self.scheduler is not None

    def run(self, stop: threading.Event) -> None:
        """Tick until ``stop`` is set, then stop cleanly and give the lease up."""
        try:
            while not stop.is_set():
                self.tick()
                stop.wait(self.poll)
        finally:
            self.shutdown()

    def tick(self) -> None:
        """Renew (or try to take) the lease; while leading, start the queued runs."""
        try:
            if self.leading:
                if not self.lease.renew():
                    logger.warning("scheduler %s lost the lease: standing by", self.lease.holder)
                    self._stop_scheduler(wait=False)
                    return
            elif self.lease.acquire():
                logger.info("scheduler %s holds the lease: running the jobs", self.lease.holder)
                self._start_or_release()
            else:
                return
            self.start_queued()
        except SQLAlchemyError as exc:  # the database is away: try again at the next tick
            logger.error("scheduler tick failed: %s", describe_error(exc))

    def _start_or_release(self) -> None:
        """Start the scheduler; if that fails, give the lease back so another process tries."""
        try:
            self._start_scheduler()
        except Exception:  # logged; the next tick tries again (here or in another process)
            logger.exception("scheduler %s could not start", self.lease.holder)
            self.lease.release()

    def shutdown(self) -> None:
        """Wait for the running jobs, stop the scheduler and release the lease."""
        if self.leading:
            self._stop_scheduler(wait=True)
            try:
                self.lease.release()
            except SQLAlchemyError as exc:
                logger.error("could not release the scheduler lease: %s", describe_error(exc))
            logger.info("scheduler %s stopped", self.lease.holder)

    def _start_scheduler(self) -> None:
        """A fresh APScheduler on the database job store, with the declared jobs synced."""
        zone = local_zone(self.app)
        scheduler = make_scheduler(self.app, zone)
        scheduler.start(paused=True)
        try:
            sync_jobs(scheduler, collect_jobs(self.app), zone)
        except Exception:
            scheduler.shutdown(wait=False)
            raise
        scheduler.resume()
        self.scheduler = scheduler
        self.queue_pool = Pool(max_workers=2, thread_name_prefix="kepu-run-now")

    def _stop_scheduler(self, wait: bool) -> None:
        """Stop APScheduler (and the pool of queued runs), waiting for running jobs or not."""
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=wait)
            self.scheduler = None
        if self.queue_pool is not None:
            self.queue_pool.shutdown(wait=wait)
            self.queue_pool = None

    def start_queued(self) -> int:
        """Start the runs admins queued ("run now") in the background; how many."""
        with self.app.app_context():
            taken = records.take_queued()
        for run_id, job_id in taken:
            self.queue_pool.submit(run_queued, self.app, run_id, job_id)
        return len(taken)


def run_queued(app: Flask, run_id: int, job_id: str) -> None:
    """Run a queued "run now" (already taken: its row says running)."""
    with app.app_context():
        job = collect_jobs(app).get(job_id)
        if job is None:
            records.finish(run_id, JobOutcome.FAILED, "the job is no longer declared")
            return
        with contextlib.suppress(Exception):  # recorded on the run and logged by run_job
            run_job(app, job, run_id=run_id)


def make_scheduler(app: Flask, zone: ZoneInfo) -> BackgroundScheduler:
    """An APScheduler (not started) on the database job store, running Kepu's jobs in ``app``.

    Its pool is APScheduler's own thread pool, whose threads are given the app and the fire
    times (:func:`enter_pool`, as the pool's initializer); the fire times of each submission
    reach them through the ``EVENT_JOB_SUBMITTED`` listener.
    """
    from apscheduler.events import EVENT_JOB_SUBMITTED
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    with app.app_context():
        engine = db.engine
    fire_times = FireTimes()
    pool = ThreadPoolExecutor(
        int(app.config["SCHEDULER_THREADS"]),
        pool_kwargs={
            "initializer": enter_pool,
            "initargs": (PoolContext(app, fire_times),),
            "thread_name_prefix": "kepu-job",
        },
    )
    scheduler = BackgroundScheduler(
        timezone=zone,
        jobstores={"default": app_engine_job_store()(engine=engine, tablename=JOBSTORE_TABLE)},
        executors={"default": pool},
        job_defaults={"max_instances": 1},
    )
    scheduler.add_listener(fire_times.submitted, EVENT_JOB_SUBMITTED)
    return scheduler


def sync_jobs(scheduler: BackgroundScheduler, jobs: dict[str, Job], zone: ZoneInfo) -> None:
    """Make the job store hold exactly the declared jobs.

    A stored job whose trigger is unchanged keeps its next fire time (a fire time missed while
    no scheduler ran still runs within its grace time), its other settings brought up to date;
    a job whose trigger changed is replaced, and jobs no longer declared are removed.
    """
    stored = {job.id: job for job in scheduler.get_jobs()}
    for job in jobs.values():
        try:
            trigger = build_trigger(job.spec, zone)
        except (TypeError, ValueError) as exc:
            logger.error("job %s not scheduled: %s", job.id, describe_error(exc))
            continue
        old = stored.pop(job.id, None)
        settings = job_settings(job)
        if old is None or not _same_trigger(old.trigger, trigger):
            scheduler.add_job(trigger=trigger, id=job.id, replace_existing=True, **settings)
        elif not _same_settings(old, settings):
            scheduler.modify_job(job.id, **settings)
    for job_id in stored:
        scheduler.remove_job(job_id)


def job_settings(job: Job) -> dict:
    """What the APScheduler job of ``job`` holds besides its trigger."""
    return {
        "func": run_scheduled,
        "args": (job.id,),
        "name": job.id,
        # Kepu applies the grace time itself (fire): APScheduler must call run_scheduled for
        # every fire time it submits, or the calls and the handed-over fire times would no
        # longer pair up.
        "misfire_grace_time": None,
        "coalesce": job.spec.coalesce,
        "max_instances": 1,
    }


def _same_trigger(stored, trigger) -> bool:
    """True when the stored trigger fires at the times ``trigger`` does."""
    return str(stored) == str(trigger) and str(getattr(stored, "timezone", "")) == str(
        trigger.timezone
    )


def _same_settings(stored, settings: dict) -> bool:
    """True when the stored APScheduler job already holds ``settings``."""
    return all(
        tuple(getattr(stored, key)) == value if key == "args" else getattr(stored, key) == value
        for key, value in settings.items()
    )


# --- running it ----------------------------------------------------------------------------


@click.command("scheduler")
def scheduler_command():
    """Run the scheduler in the foreground until SIGTERM or SIGINT.

    Start one or more (on any machines sharing the database): one process runs the jobs, the
    others stand by and take over if it stops or dies.
    """
    app = current_app._get_current_object()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service = SchedulerService(app)
    logger.info("scheduler %s started; waiting for the lease", service.lease.holder)
    service.run(stop)
    logger.info("scheduler %s stopped", service.lease.holder)


def init_app(app: Flask) -> None:
    """Run the scheduler in a thread of this process when ``SCHEDULER_EMBEDDED`` is on.

    For the development server (``make run``). Never under tests, and never in the
    reloader's watching process (only in the child that serves); the lease keeps any other
    process that starts one on standby.
    """
    if not app.config["SCHEDULER_EMBEDDED"] or app.testing:
        return
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return  # the reloader's parent: its child will run the scheduler
    stop = threading.Event()
    thread = threading.Thread(
        target=SchedulerService(app).run, args=(stop,), name="kepu-scheduler", daemon=True
    )
    thread.start()

    def _stop() -> None:
        stop.set()
        thread.join(timeout=10)

    atexit.register(_stop)
    app.extensions["kepu_scheduler"] = thread


# --- what the jobs page shows --------------------------------------------------------------


def next_fire_times(app: Flask, jobs: dict[str, Job]) -> dict[str, datetime | None]:
    """The next fire time of each job: the scheduler's stored one, else its trigger's."""
    stored: dict[str, datetime | None] = {}
    with db.engine.connect() as conn:
        if sa_inspect(conn).has_table(JOBSTORE_TABLE):
            rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}"))
            stored = {
                job_id: datetime.fromtimestamp(ts, UTC) if ts is not None else None
                for job_id, ts in rows
            }
    zone, now = local_zone(app), datetime.now(UTC)
    times: dict[str, datetime | None] = {}
    for job in jobs.values():
        if job.id in stored:
            times[job.id] = stored[job.id]
            continue
        try:
            times[job.id] = build_trigger(job.spec, zone).get_next_fire_time(None, now)
        except (TypeError, ValueError):
            times[job.id] = None
    return times
