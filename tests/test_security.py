"""CSRF, security headers, rate limits and error pages."""

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from core import create_app
from core.extensions import db
from core.models import ApiToken


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.fixture
def strict_app(_app, tmp_path):
    """An app with CSRF and rate limits on, sharing the test database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "strict",
            "SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
            "SESSION_COOKIE_SECURE": False,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_forms_without_csrf_token_are_refused(strict_app, world):
    client = strict_app.test_client()
    response = client.post("/login", data={"username": "leader", "password": "correct-horse-42"})
    assert response.status_code in (400, 422)
    with strict_app.app_context():
        assert client.get("/").status_code == 302  # not logged in


def test_login_attempts_are_rate_limited(strict_app, world, monkeypatch):
    monkeypatch.setitem(strict_app.config, "WTF_CSRF_ENABLED", False)
    client = strict_app.test_client()
    codes = [
        client.post("/login", data={"username": "leader", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429


def test_session_cookie_flags(_app):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_revoked_token_no_longer_authenticates(client, world):
    raw = world.token(world.admin)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/teams/", headers=headers).status_code == 200
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    token.revoke()
    db.session.commit()
    assert client.get("/api/v1/teams/", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(world):
    raw = world.token(world.admin)
    stored = db.session.execute(db.select(ApiToken.token_hash)).scalar_one()
    assert raw not in stored and len(stored) == 64


def test_api_writes_with_a_session_cookie_are_refused(client, login, world):
    login("admin")
    assert client.get("/api/v1/teams/").status_code == 200
    response = client.post("/api/v1/teams/", json={"name": "x", "village_id": world.village.id})
    assert response.status_code == 401


def _locked(*args, **kwargs):
    raise OperationalError("UPDATE teams", {}, sqlite3.OperationalError("database is locked"))


def _raced(*args, **kwargs):
    raise IntegrityError(
        "INSERT INTO job_runs", {}, sqlite3.IntegrityError("UNIQUE constraint failed")
    )


def _broken(*args, **kwargs):
    raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such column: x"))


def test_a_busy_database_answers_503_with_retry_after(client, login, world, monkeypatch):
    login("reviewer")
    monkeypatch.setattr("core.views.home.overdue_rectifications", _locked)
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert "数据库繁忙" in page.get_data(as_text=True)
    monkeypatch.setattr("core.api.inbox.inbox_query", _locked)
    response = client.get(
        "/api/v1/inbox/", headers={"Authorization": f"Bearer {world.token(world.reviewer)}"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json()["code"] == 503 and "message" in response.get_json()


def test_a_write_that_lost_a_race_answers_409(client, login, world, monkeypatch):
    login("reviewer")
    monkeypatch.setattr("core.views.home.overdue_rectifications", _raced)
    page = client.get("/")
    assert page.status_code == 409
    assert "同一时刻" in page.get_data(as_text=True)


def test_other_database_errors_stay_500_without_details(client, login, world, monkeypatch):
    login("reviewer")
    monkeypatch.setattr("core.views.home.overdue_rectifications", _broken)
    page = client.get("/")
    assert page.status_code == 500 and "no such column" not in page.get_data(as_text=True)


def test_a_form_sent_after_the_session_ended_leads_to_the_login_page(strict_app, world):
    """Not a 400: the offline outbox keeps a visit whose answer is the login page."""
    client = strict_app.test_client()
    response = client.post("/visits/new", data={"csrf_token": "from-a-dead-session"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    with strict_app.app_context():
        assert (
            db.session.execute(
                db.select(db.func.count()).select_from(db.metadata.tables["visits"])
            ).scalar()
            == 0
        )
