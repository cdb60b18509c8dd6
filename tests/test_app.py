"""The application factory and its configuration."""

from sqlalchemy import text

from core import create_app
from core.extensions import db


def test_config_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KEPU_MIN_TEAM_SIZE", "12")
    monkeypatch.setenv("KEPU_TIMEZONE", "Asia/Urumqi")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3", "SECRET_KEY": "x"}
    )
    assert app.config["MIN_TEAM_SIZE"] == 12
    assert app.config["TIMEZONE"] == "Asia/Urumqi"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3", "SECRET_KEY": "x"}
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_postgresql_uri_uses_psycopg3():
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql://u@127.0.0.1:1/none", "SECRET_KEY": "x"}
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_event_revision_rises_on_every_change(app, world):
    event = world.make_event()
    assert event.revision == 0
    event.title = "新标题"
    db.session.commit()
    assert event.revision == 1
    event.teams.append(world.other_team)
    db.session.commit()
    assert event.revision == 2
