"""Scheduled jobs declared through the ``scheduled_jobs`` hook, and running one by its id.

Jobs are collected from every installed plugin (a scheduler registers them once) and each run
checks the flag: a job of a disabled plugin is skipped. Job ids are ``<plugin>.<id>``. Every
run is recorded in ``job_runs`` (:mod:`core.jobs.records`), whoever starts it: the
scheduler (:mod:`core.jobs.runner`), an admin's "run now", or ``kepu jobs run ID``.
"""

import logging
import time
import traceback
from dataclasses import dataclass
from datetime import datetime

import click
from flask import Flask, current_app

from core.audit.context import acting_as
from core.contracts import JobSpec
from core.errors import describe_error
from core.extensions import db
from core.jobs import records
from core.models import JobOutcome, RunSource, utcnow
from core.plugins import CORE, call_each, record_failure
from core.plugins.state import is_enabled

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A declared job and the plugin it belongs to."""

    #: ``<plugin>.<id>``
    id: str
    plugin: str
    spec: JobSpec


def collect_jobs(app: Flask) -> dict[str, Job]:
    """Every installed plugin's jobs (disabled ones too; runs check the flag), by id."""
    jobs = {}
    for result in call_each(app, "scheduled_jobs", include_disabled=True):
        for spec in result.value or []:
            job = Job(f"{result.plugin}.{spec.id}", result.plugin, spec)
            jobs[job.id] = job
    return jobs


def run_job(
    app: Flask,
    job: Job,
    *,
    scheduled_for: datetime | None = None,
    source: RunSource = RunSource.COMMAND,
    run_id: int | None = None,
) -> bool | None:
    """Run ``job`` inside an app context and record the run; False if its plugin is off.

    The run is first claimed as (job id, ``scheduled_for``; now by default) in ``job_runs``;
    when that pair is recorded already, nothing runs and the answer is None. ``run_id`` is a
    run claimed before (a queued "run now"). An exception inside the job is recorded on the
    run and as the plugin's failure, logged, then raised.
    """
    with app.app_context():
        if run_id is None:
            run_id = records.claim(job.id, scheduled_for or utcnow(), source)
            if run_id is None:
                logger.info("job %s at %s already claimed: not run again", job.id, scheduled_for)
                return None
        if job.plugin != CORE and not is_enabled(app, job.plugin):
            logger.info("job %s skipped: plugin %s is disabled", job.id, job.plugin)
            records.finish(run_id, JobOutcome.SKIPPED, f"the plugin {job.plugin} is disabled")
            return False
        started = time.monotonic()
        logger.info("job %s started (run %s, %s)", job.id, run_id, source.value)
        try:
            with acting_as(f"job: {job.id}"):
                job.spec.func()
        except Exception as exc:
            db.session.rollback()
            record_failure(app, job.plugin, f"job {job.id}", exc)
            records.finish(
                run_id, JobOutcome.FAILED, f"{describe_error(exc)}\n\n{traceback.format_exc()}"
            )
            raise
        records.finish(run_id, JobOutcome.OK)
        logger.info(
            "job %s done in %.0f ms (run %s)", job.id, (time.monotonic() - started) * 1000, run_id
        )
    return True


jobs_cli = click.Group("jobs", help="List and run scheduled jobs.")


@jobs_cli.command("list")
def list_jobs():
    """Every declared job: id, trigger, whether its plugin is enabled, description."""
    app = current_app._get_current_object()
    for job in sorted(collect_jobs(app).values(), key=lambda job: job.id):
        on = job.plugin == CORE or is_enabled(app, job.plugin)
        trigger = f"{job.spec.trigger} {dict(job.spec.trigger_args)}"
        click.echo(f"{job.id}  {trigger}  {'on' if on else 'off'}  {job.spec.description}")


@jobs_cli.command("run")
@click.argument("job_id")
def run_job_command(job_id):
    """Run job JOB_ID now (skipped if its plugin is disabled)."""
    app = current_app._get_current_object()
    job = collect_jobs(app).get(job_id)
    if job is None:
        raise click.ClickException(f"no job {job_id!r} (see `kepu jobs list`)")
    try:
        ran = run_job(app, job)
    except Exception as exc:
        raise click.ClickException(f"job {job_id} failed: {describe_error(exc)}") from None
    click.echo(f"{job_id} {'done' if ran else 'skipped: its plugin is disabled'}")
