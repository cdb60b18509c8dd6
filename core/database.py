"""Database binding: SQLAlchemy, Alembic (with the plugins' branches), and SQLite pragmas."""

import os
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from core.extensions import db, migrate

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


@migrate.configure
def _plugin_branches(config: Config) -> Config:
    """Alembic's ``version_locations``: the core's versions and each installed plugin's branch."""
    from core.plugins import migration_dirs

    locations = [str(MIGRATIONS_DIR / "versions"), *migration_dirs(current_app)]
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(path.replace("%", "%%") for path in locations)
    )
    return config


def script_directory(app: Flask) -> ScriptDirectory:
    """The Alembic scripts of ``app``: the core's and every installed plugin's branch."""
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


#: SQLSTATE classes of a database out of reach: connection exceptions, an operator's shutdown
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
#: what drivers say when they cannot reach the database at all (no SQLSTATE to read)
UNREACHABLE_MESSAGES = (
    "unable to open database file",
    "connection failed",
    "connection refused",
    "could not connect",
    "server closed the connection",
    "connection is closed",
    "terminating connection",
    "the connection is lost",
    "disk i/o error",
)


def is_unreachable(error: DBAPIError) -> bool:
    """True when ``error`` says the database cannot be reached (as opposed to a bad query)."""
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNREACHABLE_SQLSTATES)
    text = str(error.orig).lower()
    return any(message in text for message in UNREACHABLE_MESSAGES)


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
