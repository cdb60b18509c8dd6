"""Scheduled jobs declared through the ``scheduled_jobs`` hook, and running one by its id.

Jobs are collected from every installed plugin (a scheduler registers them once) and each run
checks the flag: a job of a disabled plugin is skipped. Job ids are ``<plugin>.<id>``. The
scheduler process itself (APScheduler, a lock, run records) builds on :func:`collect_jobs` and
:func:`run_job`; ``kepu jobs list`` and ``kepu jobs run ID`` work without it.
"""

import logging
from dataclasses import dataclass

import click
from flask import Flask, current_app

from core.contracts import JobSpec
from core.plugin_state import is_enabled
from core.plugins import CORE, call_each, describe_error, record_failure

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


def run_job(app: Flask, job: Job) -> bool:
    """Run ``job`` now inside an app context; False (and nothing run) if its plugin is off.

    An exception inside the job is logged and recorded as the plugin's failure, then raised.
    """
    with app.app_context():
        if job.plugin != CORE and not is_enabled(app, job.plugin):
            logger.info("job %s skipped: plugin %s is disabled", job.id, job.plugin)
            return False
        try:
            job.spec.func()
        except Exception as exc:
            record_failure(app, job.plugin, f"job {job.id}", exc)
            raise
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
