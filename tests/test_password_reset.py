"""Forgotten passwords: emailed links, admin-made links, once, before they expire."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import Notification, PasswordReset, User, utcnow
from core.models.users import hash_token

#: the value of a CSRF token field
CSRF_TOKEN = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]*"')

NEW = "plum-blossom-2026"


def _mail_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")


def _link_in(text: str) -> str:
    return re.search(r"http://localhost(/reset/[A-Za-z0-9_-]+)", text).group(1)


def _page(response) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    return CSRF_TOKEN.sub(r'\1"', response.get_data(as_text=True))


def test_forgot_answers_the_same_whether_or_not_the_account_exists(app, client, world, monkeypatch):
    _mail_on(app, monkeypatch)
    world.leader.email = "leader@example.org"
    db.session.commit()
    known = client.post("/forgot", data={"username": "Leader"}, follow_redirects=True)
    unknown = client.post("/forgot", data={"username": "nobody"}, follow_redirects=True)
    no_email = client.post("/forgot", data={"username": "member"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == no_email.status_code == 200
    assert _page(known) == _page(unknown) == _page(no_email)
    notes = db.session.scalars(select(Notification)).all()
    assert [note.user_id for note in notes] == [world.leader.id]
    assert db.session.scalar(select(PasswordReset.user_id)) == world.leader.id


def test_without_email_nothing_is_made(app, client, world):
    world.leader.email = "leader@example.org"
    db.session.commit()
    assert client.post("/forgot", data={"username": "leader"}).status_code == 302
    assert db.session.scalars(select(PasswordReset)).all() == []
    assert db.session.scalars(select(Notification)).all() == []


def test_an_emailed_link_works_once_and_ends_the_sessions(app, client, world, monkeypatch):
    _mail_on(app, monkeypatch)
    world.leader.email = "leader@example.org"
    db.session.commit()
    signed_in = app.test_client()
    signed_in.post("/login", data={"username": "leader", "password": "correct-horse-42"})
    assert signed_in.get("/").status_code == 200
    client.post("/forgot", data={"username": "leader"})
    path = _link_in(db.session.scalar(select(Notification.body)))
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert stored == hash_token(path.rsplit("/", 1)[1])
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert db.session.get(User, world.leader.id).check_password(NEW)
    assert signed_in.get("/").status_code == 302
    assert client.get(path).status_code == 404
    assert client.post(path, data={"password": "x" + NEW, "confirm": "x" + NEW}).status_code == 404


def test_an_admin_makes_a_link_to_hand_over(app, client, login, world):
    login("admin")
    response = client.post(f"/users/{world.member.id}/reset-link")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    path = _link_in(response.get_data(as_text=True))
    reset = db.session.scalar(select(PasswordReset))
    assert reset.created_by_id == world.admin.id
    assert path.rsplit("/", 1)[1] not in reset.token_hash
    # a newer link replaces it
    newer = _link_in(client.post(f"/users/{world.member.id}/reset-link").get_data(as_text=True))
    other = app.test_client()
    assert other.get(path).status_code == 404
    assert other.get(newer).status_code == 200


def test_the_link_obeys_the_password_rule(app, client, login, world):
    login("admin")
    path = _link_in(client.post(f"/users/{world.member.id}/reset-link").get_data(as_text=True))
    other = app.test_client()
    refused = other.post(path, data={"password": "member-2026-x", "confirm": "member-2026-x"})
    assert refused.status_code == 200
    assert other.get(path).status_code == 200  # still usable


def test_an_expired_link_does_not_work(app, client, login, world):
    login("admin")
    path = _link_in(client.post(f"/users/{world.member.id}/reset-link").get_data(as_text=True))
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_reset_links_are_for_admins_only(client, login, world):
    login("leader")
    assert client.post(f"/users/{world.member.id}/reset-link").status_code == 403


def test_the_login_page_links_to_the_forgot_page(client, world):
    assert "/forgot" in client.get("/login").get_data(as_text=True)
