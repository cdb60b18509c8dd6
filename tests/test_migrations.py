"""Migrations: `kepu db upgrade` from an empty database, and models and migrations agree.

The sample plugin is installed in each test, so its own branch (``kepu_sample``) is upgraded,
compared and downgraded along with the core's. Downgrades run on a copy of the demo county
(built once per module), so they meet rows that refer to one another, as in production.
"""

import os
import sqlite3
import uuid
from contextlib import closing, contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from core import create_app
from core.database import script_directory
from core.extensions import db
from core.models.users import hash_token
from core.plugins import host_of


@contextmanager
def _new_database(directory, template: str | None = None):
    """A new SQLite file in ``directory``, or a new PostgreSQL database (dropped afterwards).

    With ``template`` (a URI this gave earlier), the new database starts as a copy of it.
    """
    base = os.environ.get("KEPU_TEST_DATABASE_URI")
    name = f"kepu_migrations_{uuid.uuid4().hex[:8]}"
    if not base:
        path = directory / f"{name}.sqlite3"
        if template:
            with (
                closing(sqlite3.connect(make_url(template).database)) as source,
                closing(sqlite3.connect(path)) as copy,
            ):
                source.backup(copy)
        yield f"sqlite:///{path}"
        return
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_database_uri(tmp_path):
    """A URI of a database with no tables: a new SQLite file, or a new PostgreSQL database."""
    with _new_database(tmp_path) as uri:
        yield uri


@pytest.fixture(scope="module")
def _demo_database(tmp_path_factory):
    """A database at ``heads`` holding the demo county (``kepu demo``), built once per module."""
    with _new_database(tmp_path_factory.mktemp("demo")) as uri:
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x"})
        _invoke(app, "db", "upgrade")
        _invoke(app, "demo")
        with app.app_context():
            db.engine.dispose()  # PostgreSQL copies a template only when no one is connected
        yield uri


@pytest.fixture
def demo_database_uri(_demo_database, tmp_path):
    """A URI of a new database holding a copy of the demo county, at ``heads``."""
    with _new_database(tmp_path, template=_demo_database) as uri:
        yield uri


def _app_with_sample(uri, plugin_dists):
    plugin_dists.install_sample()
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x"})
    assert "kepu_sample" in host_of(app).installed_names()  # beside the first-party plugins
    return app


def _invoke(app, *args: str):
    """Run ``kepu <args>`` on ``app`` and insist that it succeeds."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def _schema_diff(app) -> list:
    """What autogenerate would change to make the database match the models (``[]``: nothing)."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    """The names of the tables in the database."""
    with app.app_context(), db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _heads(app) -> set[str]:
    """The revisions ``alembic_version`` records."""
    with app.app_context(), db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def _rows(app) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows (sorted), except Alembic's own ``alembic_version``."""
    snapshot = {}
    with app.app_context(), db.engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            if table == "alembic_version":
                continue
            columns = sorted(column["name"] for column in inspector.get_columns(table))
            listed = ", ".join(f'"{column}"' for column in columns)
            rows = conn.execute(text(f'SELECT {listed} FROM "{table}"')).all()
            snapshot[table] = (columns, sorted(map(tuple, rows), key=repr))
    return snapshot


def _assert_sqlite_connections_as_before(app) -> None:
    """On SQLite, the pooled connection the migrations used is as the application expects.

    It enforces foreign keys again, and a rollback still undoes a write.
    """
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            return
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        count = conn.exec_driver_sql("SELECT count(*) FROM areas").scalar()
        insert = (
            "INSERT INTO areas (name, kind, parent_id, path, created_at, updated_at) "
            "VALUES ('probe', 'village', ?, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        with pytest.raises(IntegrityError):
            conn.exec_driver_sql(insert, (-1,))
        conn.rollback()
        conn.exec_driver_sql(insert, (None,))
        conn.rollback()
        assert conn.exec_driver_sql("SELECT count(*) FROM areas").scalar() == count


def _note_on_a_visit(app) -> None:
    """A row of the sample plugin's table that refers to a core row (a demo visit)."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO kepu_sample_notes (body, visit_id, created_at) "
                "SELECT 'kept', min(id), CURRENT_TIMESTAMP FROM visits"
            )
        )


def test_upgrade_from_empty_matches_the_models(empty_database_uri, plugin_dists):
    app = _app_with_sample(empty_database_uri, plugin_dists)
    _invoke(app, "db", "upgrade")  # heads: core and plugins
    assert "kepu_sample_notes" in _tables(app)
    diff = _schema_diff(app)
    with app.app_context():
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def _plugin_heads(script) -> set[str]:
    """The head of every plugin branch (first-party ones too); raises if a branch forked."""
    return {
        script.get_revision(f"{label}@head").revision
        for revision in script.walk_revisions()
        for label in revision.branch_labels
    }


def _core_head(app) -> str:
    """The latest revision of the core (the one head that no plugin branch owns)."""
    script = script_directory(app)
    (head,) = set(script.get_heads()) - _plugin_heads(script)
    return head


def test_every_branch_has_one_head(tmp_path, plugin_dists):
    app = _app_with_sample(f"sqlite:///{tmp_path}/heads.sqlite3", plugin_dists)
    script = script_directory(app)
    plugin_head = script.get_revision("kepu_sample@head")  # raises if the branch forked
    core_heads = set(script.get_heads()) - _plugin_heads(script)
    assert len(core_heads) == 1
    assert plugin_head.dependencies == "3f8256bde4a4"


@pytest.mark.parametrize("branch", ["core", "noticeboards", "kepu_sample"])
def test_one_step_down_and_up_again_keeps_the_data(demo_database_uri, plugin_dists, branch):
    app = _app_with_sample(demo_database_uri, plugin_dists)
    _invoke(app, "db", "upgrade")  # the sample plugin's branch joins the demo county
    _note_on_a_visit(app)
    before = _rows(app)
    step = f"{_core_head(app)}-1" if branch == "core" else f"{branch}@-1"

    _invoke(app, "db", "downgrade", step)
    down = _rows(app)
    dropped = set(before) - set(down)
    # tables that lost a column (a step that adds columns to a table with rows)
    narrowed = {table for table in down if down[table][0] != before[table][0]}
    changed = dropped | narrowed
    assert changed and any(before[table][1] for table in changed)  # a step that loses data
    kept = set(down) - narrowed
    assert {table: down[table] for table in kept} == {table: before[table] for table in kept}
    _assert_sqlite_connections_as_before(app)

    _invoke(app, "db", "upgrade")
    after = _rows(app)
    assert set(after) == set(before)
    assert {table: after[table] for table in kept} == {table: down[table] for table in kept}
    assert all(after[table] == (before[table][0], []) for table in dropped)  # back, empty
    for table in narrowed:  # back with their rows, the columns added hold their defaults
        assert after[table][0] == before[table][0]
        assert len(after[table][1]) == len(before[table][1])
    assert _schema_diff(app) == []
    _assert_sqlite_connections_as_before(app)
    with app.app_context():
        db.engine.dispose()


def test_downgrade_to_base_with_data_and_up_again(demo_database_uri, plugin_dists):
    app = _app_with_sample(demo_database_uri, plugin_dists)
    _invoke(app, "db", "upgrade")
    _note_on_a_visit(app)

    _invoke(app, "db", "downgrade", "base")
    assert _tables(app) <= {"alembic_version"}  # no Kepu table, no _alembic_tmp_* left over
    assert _heads(app) == set()

    _invoke(app, "db", "upgrade")
    assert {"users", "noticeboards_boards", "kepu_sample_notes"} <= _tables(app)
    assert _schema_diff(app) == []
    _assert_sqlite_connections_as_before(app)
    with app.app_context():
        db.engine.dispose()


def test_sqlite_migrations_roll_back_when_a_row_refers_to_a_missing_one(
    empty_database_uri, plugin_dists
):
    if not empty_database_uri.startswith("sqlite"):
        pytest.skip("PostgreSQL enforces foreign keys during migrations: no such row can exist")
    app = _app_with_sample(empty_database_uri, plugin_dists)
    _invoke(app, "db", "upgrade")
    with closing(sqlite3.connect(make_url(empty_database_uri).database)) as raw:  # keys off
        raw.execute(
            "INSERT INTO kepu_sample_notes (body, visit_id, created_at) "
            "VALUES ('about no visit', 42, CURRENT_TIMESTAMP)"
        )
        raw.commit()
    tables, heads = _tables(app), _heads(app)

    result = app.test_cli_runner().invoke(args=["db", "downgrade", f"{_core_head(app)}-1"])
    assert result.exit_code == 1, result.output
    assert "1 row(s) of kepu_sample_notes refer to missing rows of visits" in result.output
    assert (_tables(app), _heads(app)) == (tables, heads)  # the whole step was rolled back
    _assert_sqlite_connections_as_before(app)
    with app.app_context():
        db.engine.dispose()


def test_calendar_addresses_keep_working_once_hashed(tmp_path, plugin_dists):
    """The revision that stores feed secrets hashed hashes the existing ones."""
    with _new_database(tmp_path) as uri:
        app = _app_with_sample(uri, plugin_dists)
        _invoke(app, "db", "upgrade", "42681372195b")
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (username, display_name, password_hash, role, locale, "
                    "email, active, created_at, updated_at) VALUES ('wu', '', '', 'member', '', "
                    "'', :yes, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                ),
                {"yes": True},
            )
            conn.execute(
                text(
                    "INSERT INTO calendar_feeds (user_id, token, include_plans, created_at, "
                    "updated_at) SELECT id, 'old-secret', :no, created_at, updated_at FROM users"
                ),
                {"no": False},
            )
        _invoke(app, "db", "upgrade")
        with app.app_context(), db.engine.connect() as conn:
            stored = conn.execute(text("SELECT token_hash FROM calendar_feeds")).scalar_one()
        assert stored == hash_token("old-secret")
        with app.app_context():
            db.engine.dispose()
