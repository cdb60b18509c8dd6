"""The jobs page: admins see every job, its runs, and queue a run now; nobody else may."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs.job import collect_jobs, run_job
from core.models import JobOutcome, JobRun, RunSource

JOB = "core.stale_farms"


def _runs() -> list[JobRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(JobRun).order_by(JobRun.id)))


def test_admins_see_every_job_with_trigger_next_run_and_last_outcome(app, world, client, login):
    run_job(app, collect_jobs(app)[JOB])
    login("admin")
    client.post("/lang/en")
    html = client.get("/admin/jobs").get_data(as_text=True)
    for job_id in collect_jobs(app):
        assert f'id="job-{job_id}"' in html
    assert "cron hour=7 minute=30" in html
    assert 'data-outcome="ok"' in html and "Never run" in html
    assert "No scheduler is running" in html
    assert 'name="csrf_token"' in html and "Run now" in html
    assert 'href="/admin/jobs"' in client.get("/").get_data(as_text=True)  # the menu item


def test_run_now_queues_one_run_for_the_scheduler(app, world, client, login):
    login("admin")
    client.post("/lang/en")
    response = client.post(f"/admin/jobs/{JOB}/run")
    assert response.status_code == 302 and response.location.endswith(f"/admin/jobs/{JOB}")
    client.post(f"/admin/jobs/{JOB}/run")  # already queued: not queued twice
    [run] = _runs()
    assert (run.job_id, run.outcome, run.source) == (JOB, JobOutcome.QUEUED, RunSource.ADMIN)
    assert run.requested_by_id == world.admin.id and run.started_at is None
    html = client.get(f"/admin/jobs/{JOB}").get_data(as_text=True)
    assert f'data-run="{run.id}"' in html and "Queued" in html and "already queued" in html


def test_the_history_shows_outcomes_and_errors(app, world, client, login, monkeypatch):
    job = collect_jobs(app)[JOB]
    run_job(app, job)
    monkeypatch.setattr(
        "core.jobs.builtin.rules.last_visits",
        lambda ids: (_ for _ in ()).throw(ValueError("no visits table")),
    )
    with pytest.raises(ValueError):
        run_job(app, job)
    login("admin")
    client.post("/lang/en")
    html = client.get(f"/admin/jobs/{JOB}").get_data(as_text=True)
    assert html.count("data-run=") == 2 and 'data-outcome="failed"' in html
    assert "ValueError: no visits table" in html


def test_others_may_not_see_or_run_jobs(app, world, client, login):
    assert client.get("/admin/jobs").status_code == 302  # to the login page
    for username in ("leader", "reviewer", "member"):
        login(username)
        assert client.get("/admin/jobs").status_code == 403
        assert client.get(f"/admin/jobs/{JOB}").status_code == 403
        assert client.post(f"/admin/jobs/{JOB}/run").status_code == 403
        assert 'href="/admin/jobs"' not in client.get("/").get_data(as_text=True)
        client.post("/logout")
    assert _runs() == []


def test_unknown_jobs_are_404(world, client, login):
    login("admin")
    assert client.get("/admin/jobs/core.nosuch").status_code == 404
    assert client.post("/admin/jobs/core.nosuch/run").status_code == 404
    assert _runs() == []
