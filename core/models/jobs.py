"""Runs of scheduled jobs, and the lease that lets one scheduler process run them."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow
from core.models.enums import db_enum


class JobOutcome(StrEnum):
    """Where a run stands: queued and running pass; ok, failed and skipped are final."""

    QUEUED = "queued"
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class RunSource(StrEnum):
    """What started a run."""

    SCHEDULE = "schedule"
    ADMIN = "admin"
    COMMAND = "command"


#: labels for the pages
OUTCOME_LABELS = {
    JobOutcome.QUEUED: _l("Queued"),
    JobOutcome.RUNNING: _l("Running"),
    JobOutcome.OK: _l("OK"),
    JobOutcome.FAILED: _l("Failed"),
    JobOutcome.SKIPPED: _l("Skipped"),
}
SOURCE_LABELS = {
    RunSource.SCHEDULE: _l("Schedule"),
    RunSource.ADMIN: _l("Run now (admin)"),
    RunSource.COMMAND: _l("Command"),
}


class JobRun(Base):
    """One run of a job; a (job, scheduled time) pair is recorded at most once."""

    __tablename__ = "job_runs"
    # The claim: a second process firing the same run fails on this and runs nothing.
    __table_args__ = (UniqueConstraint("job_id", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``<plugin>.<id>``, e.g. ``core.event_reminders``
    job_id: Mapped[str] = mapped_column(String(120), index=True)
    #: the fire time of a scheduled run; the request time of a run started by hand
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    #: schedule, admin (run now) or command (``kepu jobs run``)
    source: Mapped[RunSource] = mapped_column(db_enum(RunSource), default=RunSource.SCHEDULE)
    #: queued, running, ok, failed or skipped
    outcome: Mapped[JobOutcome] = mapped_column(db_enum(JobOutcome), default=JobOutcome.RUNNING)
    #: when it started (NULL while queued)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when it ended (NULL while queued or running)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the error of a failed run, or why it was skipped
    error: Mapped[str] = mapped_column(Text, default="")
    #: the administrator who asked for a run now
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: when the row was written
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchedulerLease(Base):
    """Which process runs the scheduler, until when (renewed while it lives)."""

    __tablename__ = "scheduler_leases"

    #: the lease's name (one scheduler per database: ``scheduler``)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: ``host:pid:random`` of the holder
    holder: Mapped[str] = mapped_column(String(160))
    #: when the holder took it
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the holder's last renewal
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: after this instant another process may take the lease
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
