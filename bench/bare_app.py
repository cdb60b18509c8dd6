"""The HTTP benchmark's baseline: a bare Flask + Flask-SQLAlchemy app over Kepu's own database.

``bench/http_paths.py`` serves it with gunicorn, with the same settings as Kepu (two sync workers),
beside Kepu, and compares their requests per second. Each endpoint does the least database
work a Kepu endpoint could do, in one statement, and answers JSON:

- ``GET /pk/<id>``: one primary-key read of a team;
- ``GET /list20?team=ID``: the team's 20 most recent visits;
- ``POST /insert``: one row into ``bench_bare_rows`` (a table of its own, never one of
  Kepu's) with the body's ``client_key``, then a commit.

The database is ``BENCH_BARE_DATABASE_URI`` (the same URI Kepu uses: a SQLite file, put in
WAL mode as Kepu does, or PostgreSQL). From the project's root, create the table once before
serving with ``python -c 'from bench.bare_app import init; init()'`` and serve with
``gunicorn 'bench.bare_app:create_app()'``.
"""

import os
from datetime import UTC, date, datetime

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, DateTime, Integer, String, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: the environment variable naming the database
URI_VARIABLE = "BENCH_BARE_DATABASE_URI"


class Base(DeclarativeBase):
    """The declarative base of the bare app's few mapped tables."""


db = SQLAlchemy(model_class=Base)


class Team(db.Model):
    """Kepu's ``teams`` table, the columns a read needs (read only)."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    village_id: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Visit(db.Model):
    """Kepu's ``visits`` table, the columns a list needs (read only)."""

    __tablename__ = "visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer)
    farm_id: Mapped[int] = mapped_column(Integer)
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String)
    people_reached: Mapped[int] = mapped_column(Integer)
    households_reached: Mapped[int] = mapped_column(Integer)
    topics: Mapped[str] = mapped_column(String)
    notes: Mapped[str] = mapped_column(String)


class BareRow(db.Model):
    """The rows ``POST /insert`` writes: a table of the benchmark's own."""

    __tablename__ = "bench_bare_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, a busy timeout and synchronous=NORMAL on SQLite connections, as Kepu sets them."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def database_uri() -> str:
    """The database named by ``BENCH_BARE_DATABASE_URI`` (PostgreSQL through psycopg 3)."""
    uri = os.environ.get(URI_VARIABLE)
    if not uri:
        raise RuntimeError(f"{URI_VARIABLE} is not set")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    return uri


def _team_json(team: Team) -> dict:
    """A team as JSON."""
    return {
        "id": team.id,
        "name": team.name,
        "village_id": team.village_id,
        "notes": team.notes,
        "created_at": team.created_at.isoformat() if team.created_at else None,
        "updated_at": team.updated_at.isoformat() if team.updated_at else None,
    }


def _visit_json(visit: Visit) -> dict:
    """A visit as JSON."""
    return {
        "id": visit.id,
        "team_id": visit.team_id,
        "farm_id": visit.farm_id,
        "visited_on": visit.visited_on.isoformat(),
        "kind": visit.kind,
        "people_reached": visit.people_reached,
        "households_reached": visit.households_reached,
        "topics": visit.topics,
        "notes": visit.notes,
    }


def create_app() -> Flask:
    """The bare app over the database of ``BENCH_BARE_DATABASE_URI``."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.get("/healthz")
    def healthz():
        """Up, without touching the database."""
        return jsonify(status="ok")

    @app.get("/pk/<int:team_id>")
    def pk(team_id: int):
        """One primary-key read of a team."""
        team = db.session.get(Team, team_id)
        if team is None:
            abort(404)
        return jsonify(_team_json(team))

    @app.get("/list20")
    def list20():
        """The 20 most recent visits of ``?team=``, in one statement."""
        team_id = request.args.get("team", type=int)
        visits = db.session.scalars(
            select(Visit)
            .where(Visit.team_id == team_id)
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(20)
        ).all()
        return jsonify([_visit_json(visit) for visit in visits])

    @app.post("/insert")
    def insert():
        """One insert into ``bench_bare_rows`` (the body's ``client_key``), then a commit."""
        body = request.get_json(silent=True) or {}
        key = str(body.get("client_key") or "")[:64]
        if not key:
            abort(400)
        row = BareRow(client_key=key, created_at=datetime.now(UTC).replace(tzinfo=None))
        db.session.add(row)
        db.session.commit()
        return jsonify(id=row.id, client_key=row.client_key), 201

    return app


def init() -> None:
    """Create ``bench_bare_rows`` (only that table) when it is missing."""
    app = create_app()
    with app.app_context():
        BareRow.__table__.create(db.engine, checkfirst=True)
        db.engine.dispose()
