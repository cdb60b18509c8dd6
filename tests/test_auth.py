"""Logging in and out, sessions, languages."""

from core.extensions import db


def test_login_page_renders_in_chinese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.get_data(as_text=True)


def test_pages_need_login(client, world):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_and_home(client, login, world):
    response = login("leader")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert world.team.name in home.get_data(as_text=True) or "leader" in home.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, login, world):
    response = login("leader", "not-the-password")
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_log_in(client, login, world):
    world.leader.active = False
    db.session.commit()
    assert login("leader").status_code == 200


def test_login_redirects_only_to_local_targets(client, world):
    data = {"username": "leader", "password": "correct-horse-42"}
    evil = client.post("/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/"
    client.post("/logout")
    local = client.post("/login?next=/visits", data=data)
    assert local.headers["Location"] == "/visits"


def test_logout(client, login, world):
    login("leader")
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_is_remembered_for_the_user(client, login, world):
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    assert db.session.get(type(world.leader), world.leader.id).locale == "en"


def test_unknown_language_is_ignored(client, world):
    client.post("/lang/xx", data={"next": "/login"})
    assert 'lang="zh-CN"' in client.get("/login").get_data(as_text=True)


def test_session_survives_a_change_of_network(client, login, world):
    """A phone moving between mobile cells gets a new IP address; the leader stays signed in."""
    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    login("leader")
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert client.get("/").status_code == 200
