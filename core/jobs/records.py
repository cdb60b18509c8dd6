"""The ``job_runs`` rows: claiming a run, recording its outcome, and queued runs.

Each write is its own short transaction on the engine, apart from the session the job itself
uses, so a job that fails (and rolls back) never loses its record.
"""

from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import JobOutcome, JobRun, RunSource, utcnow

RUNS = JobRun.__table__
#: longest error text kept
MAX_ERROR = 4000


def claim(job_id: str, scheduled_for: datetime, source: RunSource) -> int | None:
    """Record that ``job_id``'s run for ``scheduled_for`` starts now; its id, or None.

    None means the pair is recorded already: another process claimed (and runs) it.
    """
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            return conn.execute(
                insert(RUNS)
                .values(
                    job_id=job_id,
                    scheduled_for=scheduled_for,
                    source=source,
                    outcome=JobOutcome.RUNNING,
                    started_at=now,
                    error="",
                    created_at=now,
                )
                .returning(RUNS.c.id)
            ).scalar_one()
    except IntegrityError:
        return None


def finish(run_id: int, outcome: JobOutcome, error: str = "") -> None:
    """Record the end of run ``run_id``: ok, failed or skipped, with the error or reason."""
    with db.engine.begin() as conn:
        conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(outcome=outcome, finished_at=utcnow(), error=error[:MAX_ERROR])
        )


def record(
    job_id: str, scheduled_for: datetime, source: RunSource, outcome: JobOutcome, error: str = ""
) -> int | None:
    """Record a run that did not start (a missed fire time); None if it is recorded already."""
    run_id = claim(job_id, scheduled_for, source)
    if run_id is not None:
        finish(run_id, outcome, error)
    return run_id


def queue(job_id: str, user_id: int | None) -> int:
    """Ask the scheduler to run ``job_id`` as soon as it can (an admin's "run now")."""
    now = utcnow()
    with db.engine.begin() as conn:
        return conn.execute(
            insert(RUNS)
            .values(
                job_id=job_id,
                scheduled_for=now,
                source=RunSource.ADMIN,
                outcome=JobOutcome.QUEUED,
                error="",
                requested_by_id=user_id,
                created_at=now,
            )
            .returning(RUNS.c.id)
        ).scalar_one()


def take_queued() -> list[tuple[int, str]]:
    """The queued runs this process now owns, as (run id, job id), oldest first.

    Each is moved from queued to running by one conditional UPDATE, so two processes never
    take the same run.
    """
    with db.engine.connect() as conn:
        waiting = conn.execute(
            select(RUNS.c.id, RUNS.c.job_id)
            .where(RUNS.c.outcome == JobOutcome.QUEUED)
            .order_by(RUNS.c.id)
        ).all()
    taken = []
    for run_id, job_id in waiting:
        with db.engine.begin() as conn:
            moved = conn.execute(
                update(RUNS)
                .where(RUNS.c.id == run_id, RUNS.c.outcome == JobOutcome.QUEUED)
                .values(outcome=JobOutcome.RUNNING, started_at=utcnow())
            ).rowcount
        if moved == 1:
            taken.append((run_id, job_id))
    return taken


def last_runs() -> dict[str, JobRun]:
    """The latest run of every job that has one, by job id (one query)."""
    latest = (
        select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    )
    rows = db.session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {run.job_id: run for run in rows}


def has_queued(job_id: str) -> bool:
    """True while a run of ``job_id`` waits in the queue."""
    return (
        db.session.scalar(
            select(func.count(JobRun.id)).where(
                JobRun.job_id == job_id, JobRun.outcome == JobOutcome.QUEUED
            )
        )
        > 0
    )
