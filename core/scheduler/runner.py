"""The scheduler loop: wait for the lease, then run APScheduler until told to stop.

One :class:`SchedulerService` per process. Every ``SCHEDULER_POLL_SECONDS`` it renews the
lease (or tries to take it, while another process holds it), and while it holds the lease it
also starts the runs admins queued with "run now". Holding the lease, it runs an APScheduler
``BackgroundScheduler`` whose job store is the ``apscheduler_jobs`` table of the application
database (made by APScheduler itself, outside Kepu's models and migrations); the declared jobs
are written into it at each take-over, keeping the stored next fire times of unchanged jobs,
so a late run still happens within its ``misfire_grace_time``.

Each fire time reaches :func:`fire`, which claims the (job, fire time) pair in ``job_runs``
before running: even two schedulers that both believed they held the lease could not run one
fire time twice.

``kepu scheduler`` runs the loop in the foreground (stopping cleanly on SIGTERM and SIGINT);
with ``SCHEDULER_EMBEDDED`` the development server runs it in a thread.
"""

import atexit
import contextlib
import logging
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor as Pool
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.contracts import JobSpec
from core.extensions import db
from core.jobs import Job, collect_jobs, run_job
from core.models import JobOutcome, RunSource, utcnow
from core.plugins import describe_error
from core.scheduler import records
from core.scheduler.lease import make_lease

logger = logging.getLogger(__name__)

#: the APScheduler job store's table (not one of Kepu's models)
JOBSTORE_TABLE = "apscheduler_jobs"
#: the triggers a JobSpec may name
TRIGGERS = {"cron": CronTrigger, "interval": IntervalTrigger}


def build_trigger(spec: JobSpec, zone: ZoneInfo):
    """The APScheduler trigger of ``spec``, in the configured time zone (ValueError if bad)."""
    cls = TRIGGERS.get(spec.trigger)
    if cls is None:
        raise ValueError(f"unknown trigger {spec.trigger!r} (use cron or interval)")
    return cls(timezone=zone, **dict(spec.trigger_args))


def describe_trigger(spec: JobSpec) -> str:
    """A short text of the trigger, e.g. ``cron day=1 hour=8``."""
    args = " ".join(f"{key}={value}" for key, value in dict(spec.trigger_args).items())
    return f"{spec.trigger} {args}".strip()


def fire(job_id: str, scheduled_for: datetime | None = None) -> None:
    """Run the job ``job_id`` for the fire time ``scheduled_for`` in the current app.

    What the scheduler calls for every fire time; the run is claimed, recorded and isolated
    (an exception is recorded on the run and logged, never raised to the scheduler).
    """
    app = current_app._get_current_object()
    scheduled_for = scheduled_for or utcnow()
    job = collect_jobs(app).get(job_id)
    if job is None:
        records.record(job_id, scheduled_for, RunSource.SCHEDULE, JobOutcome.FAILED,
                       "the job is no longer declared")
        return
    with contextlib.suppress(Exception):  # recorded on the run and logged by run_job
        run_job(app, job, scheduled_for=scheduled_for, source=RunSource.SCHEDULE)


class RecordingExecutor(ThreadPoolExecutor):
    """APScheduler's thread pool, handing each fire time to the job inside an app context.

    APScheduler's own ``run_job`` calls a job without its fire time; Kepu needs it to claim
    the run, so this executor calls ``job.func(*job.args, scheduled_for=fire_time)``. A fire
    time later than the job's ``misfire_grace_time`` is recorded as skipped.
    """

    def __init__(self, app: Flask, max_workers: int):
        super().__init__(max_workers)
        self.app = app

    def _do_submit_job(self, job, run_times):
        """Run the job's fire times in the pool; report to the scheduler when done."""
        def done(future):
            exc = future.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, future.result())

        self._pool.submit(self._run, job, run_times).add_done_callback(done)

    def _run(self, job, run_times) -> list[JobExecutionEvent]:
        """Each fire time: skipped when too late, else claimed and run by the job's func."""
        events = []
        for run_time in run_times:
            late = datetime.now(UTC) - run_time
            with self.app.app_context():
                grace = job.misfire_grace_time
                if grace is not None and late > timedelta(seconds=grace):
                    records.record(job.id, run_time, RunSource.SCHEDULE, JobOutcome.SKIPPED,
                                   f"missed: {int(late.total_seconds())} s late, the grace "
                                   f"time is {grace} s")
                    events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id,
                                                    job._jobstore_alias, run_time))
                    continue
                job.func(*job.args, scheduled_for=run_time)
            events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias,
                                            run_time))
        return events


class AppEngineJobStore(SQLAlchemyJobStore):
    """APScheduler's SQLAlchemy job store on the app's own engine, which it must not dispose.

    The stock store disposes its engine at shutdown; this one shares the app's engine (the
    lease's connection and the web requests use it), so the app keeps it open.
    """

    def shutdown(self):
        """Leave the shared engine alone."""


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
        config = self.app.config
        zone = ZoneInfo(config["TIMEZONE"])
        with self.app.app_context():
            engine = db.engine
        scheduler = BackgroundScheduler(
            timezone=zone,
            jobstores={"default": AppEngineJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
            executors={"default": RecordingExecutor(self.app, int(config["SCHEDULER_THREADS"]))},
            job_defaults={"max_instances": 1},
        )
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


def sync_jobs(scheduler: BackgroundScheduler, jobs: dict[str, Job], zone: ZoneInfo) -> None:
    """Make the job store hold exactly the declared jobs.

    A stored job whose trigger and settings are unchanged keeps its next fire time (a fire
    time missed while no scheduler ran still runs within its grace time); changed jobs are
    replaced, and jobs no longer declared are removed.
    """
    stored = {job.id: job for job in scheduler.get_jobs()}
    for job in jobs.values():
        try:
            trigger = build_trigger(job.spec, zone)
        except (TypeError, ValueError) as exc:
            logger.error("job %s not scheduled: %s", job.id, describe_error(exc))
            continue
        old = stored.pop(job.id, None)
        if old is not None and _same(old, trigger, job):
            continue
        scheduler.add_job(
            fire, trigger, args=[job.id], id=job.id, name=job.id,
            misfire_grace_time=job.spec.misfire_grace_time, coalesce=job.spec.coalesce,
            max_instances=1, replace_existing=True,
        )
    for job_id in stored:
        scheduler.remove_job(job_id)


def _same(stored, trigger, job: Job) -> bool:
    """True when the stored APScheduler job already runs ``job`` with ``trigger``."""
    return (
        str(stored.trigger) == str(trigger)
        and str(getattr(stored.trigger, "timezone", "")) == str(trigger.timezone)
        and stored.func_ref == f"{__name__}:fire"
        and tuple(stored.args) == (job.id,)
        and stored.misfire_grace_time == job.spec.misfire_grace_time
        and stored.coalesce == job.spec.coalesce
    )


# --- running it ----------------------------------------------------------------------------


@click.command("scheduler")
def scheduler_command():
    """Run the scheduler in the foreground until SIGTERM or SIGINT.

    Start one or more (on any machines sharing the database): one process runs the jobs, the
    others stand by and take over if it stops or dies.
    """
    app = current_app._get_current_object()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("core").setLevel(logging.INFO)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    service = SchedulerService(app)
    click.echo(f"scheduler {service.lease.holder} started; waiting for the lease", err=True)
    service.run(stop)
    click.echo(f"scheduler {service.lease.holder} stopped", err=True)


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
    thread = threading.Thread(target=SchedulerService(app).run, args=(stop,),
                              name="kepu-scheduler", daemon=True)
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
            stored = {job_id: datetime.fromtimestamp(ts, UTC) if ts is not None else None
                      for job_id, ts in rows}
    zone, now = ZoneInfo(app.config["TIMEZONE"]), datetime.now(UTC)
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
