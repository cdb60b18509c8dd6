"""The jobs page: every scheduled job, its trigger, next run and last outcome; its history.

For administrators only (403 for others). "Run now" never runs the job inside the request:
it queues a run that the scheduler process starts at its next tick (a few seconds later), so a
slow job never holds a web worker, and the run is recorded like any other.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import login_manager
from core.jobs import records
from core.jobs.job import Job, collect_jobs
from core.jobs.lease import current_holder
from core.jobs.runner import describe_trigger, next_fire_times
from core.models import JobRun
from core.models.jobs import OUTCOME_LABELS, SOURCE_LABELS
from core.pagination import page_of
from core.permissions import require_admin
from core.plugins import CORE
from core.plugins.state import enabled_names

bp = Blueprint("jobs_admin", __name__, url_prefix="/admin/jobs")


@bp.before_request
def _admins_only():
    """Send anonymous visitors to the login page and answer 403 to non-administrators."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_admin(current_user)
    return None


@bp.context_processor
def _labels():
    """Outcome and source labels for the templates."""
    return {"outcome_labels": OUTCOME_LABELS, "source_labels": SOURCE_LABELS}


@dataclass(frozen=True)
class JobRow:
    """One job as the page shows it (plain values)."""

    job: Job
    trigger: str
    #: false while the job's plugin is disabled (its runs are skipped)
    enabled: bool
    next_run: datetime | None
    last: JobRun | None


def job_rows() -> list[JobRow]:
    """Every declared job, by id, with its next fire time and last run."""
    app = current_app._get_current_object()
    jobs = collect_jobs(app)
    on = enabled_names(app) | {CORE}
    nexts = next_fire_times(app, jobs)
    last = records.last_runs()
    return [
        JobRow(
            job, describe_trigger(job.spec), job.plugin in on, nexts.get(job.id), last.get(job.id)
        )
        for job in sorted(jobs.values(), key=lambda job: job.id)
    ]


def _job_or_404(job_id: str) -> Job:
    """The declared job ``job_id``, or 404."""
    job = collect_jobs(current_app._get_current_object()).get(job_id)
    if job is None:
        abort(404)
    return job


@bp.route("")
def index():
    """The jobs, and which process runs the scheduler."""
    return render_template("jobs_admin/index.html", rows=job_rows(), holder=current_holder())


@bp.route("/<job_id>")
def history(job_id: str):
    """The runs of one job, newest first, paginated."""
    job = _job_or_404(job_id)
    page = page_of(select(JobRun).where(JobRun.job_id == job.id).order_by(JobRun.id.desc()))
    return render_template(
        "jobs_admin/history.html",
        job=job,
        page=page,
        trigger=describe_trigger(job.spec),
        holder=current_holder(),
    )


@bp.route("/<job_id>/run", methods=["POST"])
def run_now(job_id: str):
    """Queue a run of the job for the scheduler (never run inside the request)."""
    job = _job_or_404(job_id)
    if records.has_queued(job.id):
        flash(_("A run of %(job)s is already queued.", job=job.id), "info")
    else:
        records.queue(job.id, current_user.id)
        flash(
            _(
                "A run of %(job)s is queued: the scheduler starts it within a few seconds.",
                job=job.id,
            ),
            "success",
        )
    if current_holder() is None:
        flash(
            _("No scheduler is running: queued runs wait until `kepu scheduler` starts."), "error"
        )
    return redirect(url_for(".history", job_id=job.id))
