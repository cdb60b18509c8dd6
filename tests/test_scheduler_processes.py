"""Two real ``kepu scheduler`` processes on one database run each fire time exactly once.

A tiny plugin (installed through an entry point for this test) declares a job firing every
second that appends a line to a file. Both processes start; one holds the lease and runs the
job, the other stands by. The holder is then stopped (SIGTERM): it shuts down cleanly and the
other takes over. Every fire time is recorded once, and the job's side effect happened once
per recorded run. Runs on PostgreSQL when ``KEPU_TEST_DATABASE_URI`` points there (advisory
lock), on SQLite otherwise (lease row).
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.extensions import db
from core.models import JobOutcome, JobRun, SchedulerLease

TICKER = '''"""Ticker: a job every second (tests only)."""

import os

from core import hookimpl
from core.contracts import JobSpec


def tick():
    """Append this process's id to the file named by KEPU_TICKER_FILE."""
    with open(os.environ["KEPU_TICKER_FILE"], "a") as out:
        out.write(f"{os.getpid()}\\n")


@hookimpl
def scheduled_jobs():
    """The ticking job."""
    return [JobSpec("tick", tick, "interval", {"seconds": 1}, "Tick", misfire_grace_time=30)]
'''
JOB = "kepu_ticker.tick"
KEPU = Path(sys.executable).parent / "kepu"


def _drop_job_store() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))


def _wait_for(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _holder_pid() -> int | None:
    db.session.expire_all()
    lease = db.session.scalar(select(SchedulerLease))
    db.session.rollback()
    return int(lease.holder.split(":")[1]) if lease else None


@pytest.fixture
def processes(app, plugin_dists, tmp_path):
    """Start ``kepu scheduler`` twice on the test database; stop what is left afterwards."""
    plugin_dists.install("kepu_ticker", source=TICKER)
    _drop_job_store()
    db.session.remove()
    ticks = tmp_path / "ticks.txt"
    ticks.write_text("")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(plugin_dists.root), os.environ.get("PYTHONPATH", "")]),
        "KEPU_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "KEPU_INSTANCE_PATH": str(tmp_path / "instance"),
        "KEPU_SECRET_KEY": "test",
        "KEPU_PLUGINS_ENABLED_BY_DEFAULT": json.dumps(["kepu_ticker"]),
        "KEPU_SCHEDULER_POLL_SECONDS": "0.3",
        "KEPU_SCHEDULER_LEASE_SECONDS": "3",
        "KEPU_TICKER_FILE": str(ticks),
    }
    started = []
    for n in range(2):
        with (tmp_path / f"scheduler{n}.log").open("w") as log:
            started.append(
                subprocess.Popen(
                    [str(KEPU), "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
    yield started, ticks
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    db.session.remove()
    _drop_job_store()


def test_two_scheduler_processes_run_each_fire_time_once(processes, tmp_path):
    started, ticks = processes
    pids = {proc.pid for proc in started}
    assert _wait_for(lambda: _holder_pid() in pids, 40), _logs(tmp_path)  # start-up
    first = _holder_pid()
    assert _wait_for(lambda: len(_runs()) >= 2, 15), _logs(tmp_path)

    holder = next(proc for proc in started if proc.pid == first)
    holder.send_signal(signal.SIGTERM)  # a clean stop: the lease is released at once
    assert holder.wait(timeout=20) == 0, _logs(tmp_path)
    before = len(_runs())
    assert _wait_for(lambda: _holder_pid() not in (None, first), 15), _logs(tmp_path)
    assert _wait_for(lambda: len(_runs()) >= before + 2, 15), _logs(tmp_path)

    other = next(proc for proc in started if proc.pid != first)
    other.send_signal(signal.SIGINT)
    assert other.wait(timeout=20) == 0, _logs(tmp_path)

    runs = _runs()
    fire_times = Counter(run.scheduled_for for run in runs)
    assert max(fire_times.values()) == 1  # no fire time recorded twice
    assert {run.outcome for run in runs} == {JobOutcome.OK}
    lines = ticks.read_text().split()
    assert len(lines) == len(runs)  # the side effect: once per recorded fire time
    assert {int(pid) for pid in lines} == pids  # the standby took over
    assert _holder_pid() is None  # both released the lease on the way out


def _runs() -> list[JobRun]:
    db.session.expire_all()
    runs = db.session.scalars(
        select(JobRun).where(JobRun.job_id == JOB).order_by(JobRun.scheduled_for)
    ).all()
    db.session.rollback()  # end the read transaction: SQLite writers must not wait for it
    return runs


def _logs(tmp_path: Path) -> str:
    return "\n".join(path.read_text() for path in sorted(tmp_path.glob("scheduler*.log")))
