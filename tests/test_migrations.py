"""Migrations: `kepu db upgrade` from an empty database, and models and migrations agree."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import create_app
from core.database import MIGRATIONS_DIR
from core.extensions import db


@pytest.fixture
def empty_database_uri(tmp_path):
    """A URI of a database with no tables: a new SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("KEPU_TEST_DATABASE_URI")
    if not base:
        yield f"sqlite:///{tmp_path}/migrations.sqlite3"
        return
    name = f"kepu_migrations_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(base).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_every_branch_has_one_head():
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    assert len(heads) == 1


def test_downgrade_to_base_and_up_again(empty_database_uri):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_uri, "SECRET_KEY": "x"})
    cli = app.test_cli_runner()
    for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = cli.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    with app.app_context():
        db.engine.dispose()
