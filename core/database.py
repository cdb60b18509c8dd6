"""Database binding: SQLAlchemy, Alembic (with the plugins' branches), and SQLite pragmas."""

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy import TypeDecorator, event
from sqlalchemy.engine import Engine

from core.extensions import db, migrate

if TYPE_CHECKING:
    # Alembic is imported when the scripts are read, not at start-up
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    """Bind the database and migrations to ``app``."""
    import core.models  # noqa: F401  (register every table on the metadata)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver Kepu ships with.
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(MIGRATIONS_DIR),
        render_as_batch=True,
        render_item=_render_item,
        include_name=_include_name,
    )


def script_directory(app: Flask) -> "ScriptDirectory":
    """The Alembic scripts of ``app``: the core's and every installed plugin's branch."""
    from alembic.script import ScriptDirectory

    with app.app_context():
        return ScriptDirectory.from_config(migrate.get_config())


#: tables in the database that are not Kepu's models: APScheduler makes its job store itself
FOREIGN_TABLES = {"apscheduler_jobs"}


def _include_name(name, type_: str, parent_names) -> bool:
    """Keep autogenerate away from tables Kepu does not own (it would propose to drop them)."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _render_item(type_: str, obj, autogen_context):
    """Write Kepu's column types into migrations as the plain SQL types they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def read_rows(statement, params: dict | None = None):
    """The rows of a statement of columns, run on the session's connection without the ORM:
    a hot read of figures, where the ORM's per-statement work costs more than the SQL.

    The session's listeners do not see it, so nothing hides soft-deleted rows for it: the
    statement names ``deleted_at IS NULL`` of every table it reads (which also lets the live
    rows' partial indexes serve it). Pending changes are flushed first, as the ORM would."""
    db.session.flush()  # returns at once when nothing is pending
    return db.session.connection().execute(statement, params or {})


def refresh_statistics() -> None:
    """Have PostgreSQL's planner read the tables again (``ANALYZE``) after a bulk load, rather
    than waiting for autovacuum: without statistics it takes every table for empty and picks
    plans that make a team's flags ten times slower. Nothing to do on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
