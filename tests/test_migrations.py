"""Migrations: `kepu db upgrade` from an empty database, and models and migrations agree.

The sample plugin is installed in each test, so its own branch (``kepu_sample``) is upgraded,
compared and downgraded along with the core's.
"""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import create_app
from core.database import script_directory
from core.extensions import db
from core.plugins import host_of


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


def _app_with_sample(uri, plugin_dists):
    plugin_dists.install_sample()
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x"})
    assert "kepu_sample" in host_of(app).installed_names()  # beside the first-party plugins
    return app


def test_upgrade_from_empty_matches_the_models(empty_database_uri, plugin_dists):
    app = _app_with_sample(empty_database_uri, plugin_dists)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])  # heads: core and plugins
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            assert "sample_notes" in set(context.dialect.get_table_names(conn))
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_every_branch_has_one_head(tmp_path, plugin_dists):
    app = _app_with_sample(f"sqlite:///{tmp_path}/heads.sqlite3", plugin_dists)
    script = script_directory(app)
    plugin_head = script.get_revision("kepu_sample@head")  # raises if the branch forked
    plugin_heads = {  # every plugin branch (first-party ones too) has one head
        script.get_revision(f"{label}@head").revision  # raises if the branch forked
        for revision in script.walk_revisions()
        for label in revision.branch_labels
    }
    core_heads = set(script.get_heads()) - plugin_heads
    assert len(core_heads) == 1
    assert plugin_head.dependencies == "3f8256bde4a4"


def test_downgrade_to_base_and_up_again(empty_database_uri, plugin_dists):
    app = _app_with_sample(empty_database_uri, plugin_dists)
    cli = app.test_cli_runner()
    for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = cli.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    with app.app_context():
        db.engine.dispose()
