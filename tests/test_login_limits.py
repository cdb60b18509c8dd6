"""Login throttling counts failures only, per address and per account; timing of refusals."""

import pytest
from flask import g
from werkzeug.security import generate_password_hash

from core import create_app
from core.extensions import db
from core.services import users as user_service

GOOD = "correct-horse-42"


@pytest.fixture
def limited_app(_app):
    """Rate limits of 3 failures a minute, behind one trusted proxy (``X-Forwarded-For``)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "limited",
            "SQLALCHEMY_DATABASE_URI": _app.config["SQLALCHEMY_DATABASE_URI"],
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
            "PLUGINS_AUTOLOAD": False,
            "PROXY_FIX": 1,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute",
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def _post(app, username, password, address="203.0.113.1"):
    """A login from a new client at ``address`` (as the proxy says); its status code."""
    with app.app_context():
        g.pop("_login_user", None)
        client = app.test_client()
        response = client.post(
            "/login",
            data={"username": username, "password": password},
            headers={"X-Forwarded-For": address},
        )
        return response.status_code


def test_correct_logins_are_never_throttled(limited_app, world):
    codes = [_post(limited_app, "leader", GOOD) for _ in range(12)]
    assert codes == [302] * 12


def test_failures_from_one_address_are_throttled_there_only(limited_app, world):
    codes = [_post(limited_app, name, "wrong", "203.0.113.7") for name in ("a", "b", "c", "d")]
    assert codes == [200, 200, 200, 429]
    assert _post(limited_app, "leader", GOOD, "203.0.113.7") == 429
    # another office behind the same proxy is not concerned
    assert _post(limited_app, "leader", GOOD, "203.0.113.8") == 302


def test_failures_on_one_account_are_throttled_from_any_address(limited_app, world):
    codes = [_post(limited_app, "Leader", "wrong", f"198.51.100.{n}") for n in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    assert _post(limited_app, "leader", GOOD, "198.51.100.9") == 429
    assert _post(limited_app, "member", GOOD, "198.51.100.9") == 302


@pytest.mark.parametrize("case", ["unknown", "inactive", "wrong password"])
def test_every_refusal_checks_one_password_hash(app, world, monkeypatch, case):
    if case == "inactive":
        world.leader.active = False
        db.session.commit()
    username = "nobody-here" if case == "unknown" else "leader"
    password = GOOD if case != "wrong password" else "not-it"
    calls = []
    real = user_service.check_password_hash
    monkeypatch.setattr(user_service, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    from core.models import users as user_model

    monkeypatch.setattr(user_model, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    assert user_service.authenticate(username, password) is None
    assert len(calls) == 1
    if case != "wrong password":  # the dummy is hashed like User.set_password hashes
        assert calls[0][0].split("$")[0] == generate_password_hash("x").split("$")[0]


def test_a_right_password_checks_one_hash(app, world, monkeypatch):
    from core.models import users as user_model

    calls = []
    real = user_model.check_password_hash
    monkeypatch.setattr(user_model, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(user_service, "check_password_hash", lambda *a: calls.append(a) or real(*a))
    assert user_service.authenticate("leader", GOOD).id == world.leader.id
    assert len(calls) == 1
