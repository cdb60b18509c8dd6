"""Notifications: notify() and its dedupe key, the inbox pages and API, the header count, email."""

import json
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from flask_mail import Connection
from query_counter import count_queries
from sqlalchemy import select

from core.extensions import db, mail
from core.models import Notification, utcnow
from core.notify.email import send_pending_emails
from core.notify.inbox import notify

_statements = count_queries  # the SQL statements run inside the block


def _inbox(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def test_notify_renders_in_each_users_language_and_never_twice_per_key(world):
    world.leader.locale = "en"
    world.other_leader.active = False
    db.session.commit()
    users = [world.leader, world.member, world.other_leader, world.leader]
    made = notify(users, _l("Home"), lambda user: f"for {user.username}", url="/", key="k1")
    assert made == 2  # the inactive user is skipped, the repeated one counted once
    [english] = _inbox(world.leader)
    [chinese] = _inbox(world.member)
    assert (english.subject, chinese.subject) == ("Home", "首页")
    assert english.body == "for leader" and english.key == "k1" and english.url == "/"
    assert notify(users, "again", key="k1") == 0
    assert notify([world.member, world.admin], "again", key="k1") == 1  # only the new holder
    assert notify([world.member], "no key") == 1 and notify([world.member], "no key") == 1
    assert len(_inbox(world.member)) == 3


def test_the_inbox_lists_marks_read_and_keeps_others_out(app, world, client, login):
    for n in range(3):
        notify([world.leader], f"note {n}", "line one\\nline two", url="/events")
    notify([world.member], "the member's")
    theirs = _inbox(world.member)[0]
    app.config["PAGE_SIZE"] = 2
    try:
        login("leader")
        client.post("/lang/en")
        html = client.get("/inbox").get_data(as_text=True)
        assert "3 unread notifications" in html and "note 2" in html and "note 0" not in html
        assert "the member's" not in html and 'rel="next"' in html
        assert "note 0" in client.get("/inbox?page=2").get_data(as_text=True)
        first = _inbox(world.leader)[0]
        assert client.post(f"/inbox/{first.id}/read").status_code == 302
        assert _inbox(world.leader)[0].read_at is not None
        assert client.post(f"/inbox/{first.id}/read").status_code == 302  # again: no change
        assert client.post(f"/inbox/{theirs.id}/read").status_code == 404
        assert client.post("/inbox/99999/read").status_code == 404
        assert _inbox(world.member)[0].read_at is None
        client.post("/inbox/read-all")
        assert all(note.read_at for note in _inbox(world.leader))
        assert "0 unread notifications" in client.get("/inbox").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = 50


def test_the_header_shows_the_unread_count(world, client, login):
    assert 'id="inbox-link"' not in client.get("/login").get_data(as_text=True)
    login("member")
    client.post("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert 'aria-label="Inbox, 0 unread"' in html and 'class="inbox-count"' not in html
    notify([world.member], "one")
    notify([world.member], "two")
    with _statements() as statements:
        html = client.get("/").get_data(as_text=True)
    assert 'aria-label="Inbox, 2 unread"' in html
    assert len([s for s in statements if "FROM notifications" in s]) == 1  # one cheap query
    assert '<span class="inbox-count" aria-hidden="true">2</span>' in html
    assert client.get("/inbox", follow_redirects=False).status_code == 200


def test_the_inbox_needs_a_login(client):
    assert client.get("/inbox").status_code == 302
    assert client.post("/inbox/read-all").status_code == 302


def test_the_email_address_is_saved_checked_and_cleared(world, client, login):
    login("member")
    client.post("/lang/en")
    response = client.post("/inbox/email", data={"email": "not an address"})
    assert response.status_code == 200 and "like name@example.org" in response.get_data(
        as_text=True
    )
    assert client.post("/inbox/email", data={"email": " wu@example.org "}).status_code == 302
    db.session.expire_all()
    assert world.member.email == "wu@example.org"
    client.post("/inbox/email", data={"email": ""})
    db.session.expire_all()
    assert world.member.email == ""


def test_the_inbox_api(world, client, login, bearer):
    for n in range(3):
        notify([world.leader], f"note {n}")
    notify([world.member], "the member's")
    theirs = _inbox(world.member)[0]
    headers = bearer(world.leader)
    response = client.get("/api/v1/inbox?page_size=2", headers=headers)
    assert response.status_code == 200
    assert [n["subject"] for n in response.get_json()] == ["note 2", "note 1"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert client.get("/api/v1/inbox/unread-count", headers=headers).get_json() == {"unread": 3}
    first = _inbox(world.leader)[0]
    response = client.post(f"/api/v1/inbox/{first.id}/read", headers=headers)
    assert response.status_code == 200 and response.get_json()["read_at"]
    unread = client.get("/api/v1/inbox?unread=true", headers=headers).get_json()
    assert [n["subject"] for n in unread] == ["note 2", "note 1"]
    assert client.post(f"/api/v1/inbox/{theirs.id}/read", headers=headers).status_code == 404
    assert client.post("/api/v1/inbox/read-all", headers=headers).get_json() == {"marked": 2}
    assert client.get("/api/v1/inbox/unread-count", headers=headers).get_json() == {"unread": 0}
    assert client.get("/api/v1/inbox").status_code == 401
    login("member")
    assert [n["subject"] for n in client.get("/api/v1/inbox").get_json()] == ["the member's"]
    assert client.post("/api/v1/inbox/read-all").status_code == 401  # writes need a token
    assert "/api/v1/inbox/read-all" in client.get("/api/v1/openapi.json").get_json()["paths"]


@pytest.fixture
def smtp(app, world):
    """Email on (suppressed: Flask-Mail's outbox), and addresses for two users."""
    app.config["MAIL_SERVER"] = "smtp.example.org"
    world.leader.email = "leader@example.org"
    world.member.email = "member@example.org"
    db.session.commit()
    yield
    app.config["MAIL_SERVER"] = ""


def test_notifications_are_emailed_once_by_the_job(app, world, smtp):
    notify(
        [world.leader, world.member, world.admin],
        "Tomorrow: lecture",
        "Bring the slides.",
        url="/events/1",
    )
    with mail.record_messages() as outbox:
        assert send_pending_emails() == 2  # the admin has no address
        assert send_pending_emails() == 0
    assert sorted(m.recipients[0] for m in outbox) == ["leader@example.org", "member@example.org"]
    assert outbox[0].subject == "Tomorrow: lecture"
    assert outbox[0].body == "Bring the slides.\n\n/events/1"
    assert all(note.emailed_at for note in _inbox(world.leader))
    assert _inbox(world.admin)[0].emailed_at is None


def test_email_is_off_without_a_server_and_old_notifications_wait_no_more(app, world, smtp):
    app.config["MAIL_SERVER"] = ""
    notify([world.leader], "quiet")
    with mail.record_messages() as outbox:
        assert send_pending_emails() == 0
    assert outbox == [] and _inbox(world.leader)[0].emailed_at is None
    app.config["MAIL_SERVER"] = "smtp.example.org"
    note = _inbox(world.leader)[0]
    note.created_at = utcnow() - timedelta(days=10)  # older than MAIL_MAX_AGE_DAYS
    db.session.commit()
    with mail.record_messages() as outbox:
        assert send_pending_emails() == 0
    assert outbox == []


def test_a_failed_email_is_recorded_and_retried(app, world, smtp, monkeypatch):
    notify([world.leader, world.member], "Stale farm")
    real_send = Connection.send

    def flaky(self, message, envelope_from=None):
        if message.recipients == ["leader@example.org"]:
            raise OSError("mailbox unavailable")
        return real_send(self, message, envelope_from)

    monkeypatch.setattr(Connection, "send", flaky)
    with mail.record_messages() as outbox, pytest.raises(RuntimeError, match="1 of 2"):
        send_pending_emails()
    assert [m.recipients for m in outbox] == [["member@example.org"]]
    [failed] = _inbox(world.leader)
    assert failed.emailed_at is None and failed.email_attempts == 1
    assert failed.email_error == "OSError: mailbox unavailable"
    monkeypatch.setattr(Connection, "send", real_send)
    with mail.record_messages() as outbox:
        assert send_pending_emails() == 1  # the retry, at the job's next run
    assert [m.recipients for m in outbox] == [["leader@example.org"]]
    assert _inbox(world.leader)[0].emailed_at is not None


def test_emails_stop_after_the_last_attempt(app, world, smtp, monkeypatch):
    notify([world.leader], "Stale farm")
    monkeypatch.setattr(Connection, "send", lambda *a, **k: (_ for _ in ()).throw(OSError("x")))
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        with pytest.raises(RuntimeError):
            send_pending_emails()
    assert send_pending_emails() == 0  # given up: nothing left to try
    assert _inbox(world.leader)[0].email_attempts == app.config["MAIL_MAX_ATTEMPTS"]
