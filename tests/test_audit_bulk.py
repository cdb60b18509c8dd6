"""The writes that bypass the ORM's flush are on the audit trail too: the hand scores a deleted
criterion takes with it (one row each), the demo's bulk INSERTs (one row per statement) and a
restore (one row)."""

import os
import uuid
from pathlib import Path

import pytest
from conftest import TEST_CONFIG
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from core import create_app
from core.audit.bulk import record_bulk, record_event
from core.audit.context import acting_as
from core.extensions import db
from core.models import AuditEvent, ManualScore
from core.services.assessments import save_manual_scores, save_settings
from core.services.rubric import delete_criterion
from tests.assessment_support import TODAY, YEAR, AssessmentWorld

DEMO_DAY = "2026-11-25"
#: the tables the demo fills with one bulk INSERT each (the others go through the services)
BULK_TABLES = {
    "teams",
    "members",
    "farms",
    "assignments",
    "users",
    "visits",
    "visit_members",
    "campaigns",
    "events",
    "event_teams",
    "visit_plans",
    "visit_plan_members",
}


def events(**where) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def rows_in(table: str) -> int:
    return db.session.scalar(text(f'SELECT count(*) FROM "{table}"'))


# --- a criterion's hand scores ----------------------------------------------------------------


def test_deleting_a_criterion_records_each_hand_score_it_takes(world, monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)
    aw = AssessmentWorld(world)
    _visits, _breaks, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    teams = {aw.team_a.id: 50, aw.team_b.id: 100, aw.team_c.id: 0}
    save_manual_scores(aw.township, YEAR, {(team, manual.id): s for team, s in teams.items()})
    scores = {s.id: (s.team_id, s.score) for s in db.session.scalars(select(ManualScore))}
    assert len(scores) == 3
    manual_id = manual.id

    delete_criterion(manual)

    assert db.session.scalar(select(func.count(ManualScore.id))) == 0
    deleted = events(action="delete", object_type="assessment_manual_scores")
    assert sorted(int(e.object_id) for e in deleted) == sorted(scores)
    for event in deleted:
        team_id, score = scores[int(event.object_id)]
        assert event.team_id == team_id
        assert event.changes["score"] == [score, None]
        assert event.changes["criterion_id"] == [manual_id, None]
    criterion = events(action="delete", object_type="assessment_criteria")
    assert [e.object_id for e in criterion] == [str(manual_id)]
    assert deleted[-1].id < criterion[0].id  # the scores went first


# --- record_bulk and record_event -----------------------------------------------------------


def test_record_bulk_writes_one_row_per_statement(app):
    record_bulk("visits", [7, 5, 6])
    record_bulk("visit_members", count=12)
    record_bulk("teams", [1, 2], "update", fields=["leader_id"])
    record_bulk("teams", list(range(10**40, 10**40 + 3)))  # the range is too long: no id
    record_bulk("visits", [])  # nothing written: nothing recorded
    record_bulk("notifications", [1, 2])  # a table the trail skips
    db.session.commit()
    rows = [(e.action, e.object_type, e.object_id, e.changes) for e in events()]
    assert rows == [
        ("create", "visits", "5-7", {"rows": [None, 3]}),
        ("create", "visit_members", "", {"rows": [None, 12]}),
        ("update", "teams", "1-2", {"rows": [2, 2], "fields": [None, ["leader_id"]]}),
        ("create", "teams", "", {"rows": [None, 3]}),
    ]
    for event in events():
        assert event.actor == "" and event.user_id is None and event.at is not None
        assert event.team_id is None and event.area_id is None


def test_record_bulk_names_the_job_or_the_request(app):
    with acting_as("job: core.demo_test"):
        record_bulk("farms", [3])
    with app.test_request_context(
        "/x", environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers={"X-Request-ID": "req-42"}
    ):
        record_event("restore", "backup", "x" * 80, {"archive": [None, "a.tar.gz"]})
    db.session.commit()
    job, request = events()
    assert (job.actor, job.object_id, job.changes) == (
        "job: core.demo_test",
        "3",
        {"rows": [None, 1]},
    )
    assert (request.actor, request.remote_addr, request.request_id) == ("", "10.1.2.3", "req-42")
    assert request.object_id == "x" * 64


def test_a_bulk_row_rolls_back_with_its_statement(app):
    record_bulk("visits", [1])
    db.session.rollback()
    assert events() == []


# --- the demo ---------------------------------------------------------------------------------


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", "--today", DEMO_DAY, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def check_demo_trail() -> None:
    by_table: dict[str, list[AuditEvent]] = {}
    for event in events(action="create"):
        if set(event.changes) == {"rows"}:  # a bulk statement's row
            by_table.setdefault(event.object_type, []).append(event)
    assert set(by_table) >= BULK_TABLES
    for table, made in by_table.items():
        # every row of the table is recorded: by its bulk statements or one by one by the ORM
        one_by_one = len(
            [e for e in events(action="create", object_type=table) if set(e.changes) != {"rows"}]
        )
        assert sum(e.changes["rows"][1] for e in made) + one_by_one == rows_in(table), table
    leaders = events(action="update", object_type="teams", actor="command: kepu demo")
    assert [e.changes for e in leaders if "fields" in e.changes] == [
        {"rows": [rows_in("teams"), rows_in("teams")], "fields": [None, ["leader_id"]]}
    ]
    assert {e.actor for e in events()} == {"command: kepu demo"}
    assert events(action="delete") == []


def test_the_demo_build_records_each_bulk_insert_once(runner):
    run_demo(runner)
    check_demo_trail()
    first_run = len(events())

    run_demo(runner, "--reset")  # the wipe takes the old trail with it: the new one starts anew
    check_demo_trail()
    assert len(events()) == first_run


# --- a restore --------------------------------------------------------------------------------


@pytest.fixture
def migrated_app(tmp_path):
    """Make apps on new migrated databases (SQLite files, or PostgreSQL databases dropped
    after the test), each with its own instance folder."""
    base = os.environ.get("KEPU_TEST_DATABASE_URI")
    admin = None
    if base:
        admin = create_engine(
            make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
    made, apps = [], []

    def _make(name: str):
        database = f"kepu_audit_{uuid.uuid4().hex[:8]}"
        if admin is None:
            uri = f"sqlite:///{tmp_path}/{database}.sqlite3"
        else:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            made.append(database)
            uri = admin.url.set(database=database).render_as_string(hide_password=False)
        new = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
        new.instance_path = str(tmp_path / name)
        Path(new.instance_path).mkdir()
        apps.append(new)
        run(new, "db", "upgrade", "heads")
        return new

    yield _make
    for made_app in apps:
        with made_app.app_context():
            db.session.remove()
            db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            for database in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def run(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[str(arg) for arg in args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def test_a_restore_records_itself_after_the_restored_trail(migrated_app, tmp_path):
    source = migrated_app("source")
    with source.app_context():
        record_event("create", "areas", "1", {"name": [None, "溧水县"]})
        db.session.commit()
        revisions = sorted(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    archive = tmp_path / "kepu-backup-test.tar.gz"
    run(source, "backup", archive)

    target = migrated_app("target")
    run(target, "restore", archive)
    with target.app_context():
        trail = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert [(e.action, e.object_type, e.object_id) for e in trail] == [
            ("create", "areas", "1"),  # the archive's trail
            ("restore", "backup", archive.name),
        ]
        restore = trail[-1]
        assert restore.actor == "command: kepu restore"
        assert restore.changes["archive"] == [None, archive.name]
        assert restore.changes["revisions"] == [revisions, revisions]
        assert restore.changes["created_at"][1]
