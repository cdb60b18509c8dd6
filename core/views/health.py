"""Health checks for a load balancer, systemd or a monitoring system.

``/healthz`` answers while the process can serve requests, without touching the database, so a
restart is never triggered by a database outage; ``/readyz`` answers 200 only when the database
is reachable and migrated to the code's heads (the core's and every installed plugin's), so
traffic goes to a worker that can really serve it. Both are JSON, never cached, and need no
login; they say nothing about the data.
"""

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from core.database import script_directory
from core.extensions import db

bp = Blueprint("health", __name__)

_HEADS = "kepu_migration_heads"


@bp.route("/healthz")
def healthz():
    """The process is alive (the database is not asked)."""
    return _answer({"status": "ok"}, 200)


@bp.route("/readyz")
def readyz():
    """The database is reachable and its migrations are at the code's heads."""
    heads = code_heads(current_app)
    try:
        current = database_revisions()
    except DBAPIError as exc:
        current_app.logger.warning("readiness: database unreachable: %s", exc.orig)
        db.session.rollback()
        return _answer({"status": "unavailable", "database": "unreachable"}, 503)
    body = {
        "status": "ok",
        "database": "ok",
        "migrations": {"database": sorted(current), "code": sorted(heads)},
    }
    if current != heads:
        body["status"] = "migrations pending"
        body["hint"] = "run `kepu db upgrade`"
        return _answer(body, 503)
    return _answer(body, 200)


def code_heads(app: Flask) -> frozenset[str]:
    """The Alembic heads of the code (read once per process: code does not change under it)."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        heads = app.extensions[_HEADS] = frozenset(script_directory(app).get_heads())
    return heads


def database_revisions() -> frozenset[str]:
    """The revisions recorded in the database's ``alembic_version`` (empty if never migrated)."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
