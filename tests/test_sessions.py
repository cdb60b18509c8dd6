"""Sessions that end when they should: logout, password changes, "log out everywhere", expiry."""

import time

from flask import g

from core.extensions import db
from core.models import User

REMEMBER = "remember_token"


def _fresh(client):
    """Forget the user Flask-Login cached in the shared app context, then return ``client``."""
    g.pop("_login_user", None)
    return client


def _copy_cookies(app, source, names=("session", REMEMBER)):
    """A new client holding copies of ``source``'s cookies (a stolen or saved cookie)."""
    copy = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            copy.set_cookie(name, cookie.value)
    return copy


def _signed_in(client) -> bool:
    return _fresh(client).get("/").status_code == 200


def test_a_saved_session_cookie_stops_working_after_logout(app, client, login, world):
    login("leader")
    saved = _copy_cookies(app, client, names=("session",))
    assert _signed_in(saved)
    _fresh(client).post("/logout")
    assert not _signed_in(saved)
    assert not _signed_in(client)


def test_the_remember_cookie_signs_in_until_logout(app, client, world):
    data = {"username": "leader", "password": "correct-horse-42", "remember": "y"}
    response = client.post("/login", data=data)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER))
    assert "SameSite=Lax" in header and "HttpOnly" in header
    assert abs(client.get_cookie(REMEMBER).expires.timestamp() - time.time() - 30 * 86400) < 60
    remembered = _copy_cookies(app, client, names=(REMEMBER,))
    assert _signed_in(remembered)
    _fresh(client).post("/logout")
    assert not _signed_in(remembered)


def test_a_login_older_than_the_remember_duration_has_ended(app, client, login, world):
    login("leader")
    user = db.session.get(User, world.leader.id)
    old = int(time.time()) - app.config["REMEMBER_COOKIE_DURATION"] - 5
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version}:{old}"
    assert not _signed_in(client)


def test_a_session_id_from_before_generations_is_refused(client, login, world):
    login("leader")
    with client.session_transaction() as session:
        session["_user_id"] = str(world.leader.id)
    assert not _signed_in(client)


def test_a_password_change_ends_the_other_sessions_only(app, client, login, world):
    login("leader")
    other = _copy_cookies(app, client)
    response = _fresh(client).post(
        "/profile/password",
        data={
            "pw-current_password": "correct-horse-42",
            "pw-new_password": "a-new-long-secret-9",
            "pw-confirm": "a-new-long-secret-9",
        },
    )
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other)


def test_an_admin_reset_ends_the_users_sessions(app, client, login, world):
    leader = app.test_client()
    _fresh(leader).post("/login", data={"username": "leader", "password": "correct-horse-42"})
    assert _signed_in(leader)
    login("admin")
    response = _fresh(client).post(
        f"/users/{world.leader.id}/password",
        data={"password": "another-long-secret-7", "confirm": "another-long-secret-7"},
    )
    assert response.status_code == 302
    assert not _signed_in(leader)
    assert _signed_in(client)


def test_log_out_everywhere(app, client, login, world):
    login("leader")
    other = _copy_cookies(app, client)
    page = _fresh(client).get("/profile").get_data(as_text=True)
    assert "/profile/logout-everywhere" in page
    response = _fresh(client).post("/profile/logout-everywhere")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(client)
    assert not _signed_in(other)
    # a new login works again
    _fresh(client).post("/login", data={"username": "leader", "password": "correct-horse-42"})
    assert _signed_in(client)
