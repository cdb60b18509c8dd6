"""The profile page: who I am, password, language and my own API tokens."""

from sqlalchemy import select

from core.extensions import db
from core.models import ApiToken, User
from core.security import user_for_token

NEW_PASSWORD = "plum-blossom-2026"


def _password(current="correct-horse-42", new=NEW_PASSWORD, confirm=None) -> dict:
    return {
        "pw-current_password": current,
        "pw-new_password": new,
        "pw-confirm": new if confirm is None else confirm,
    }


def test_profile_shows_who_i_am(client, login, world):
    login("leader")
    response = client.get("/profile")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in html
    assert "leader" in html and world.team.name in html
    assert client.get("/profile").status_code == 200


def test_profile_needs_login(client, world):
    assert client.get("/profile").status_code == 302
    assert client.post("/profile/tokens", data={"token-label": "x"}).status_code == 302


def test_change_password(client, login, world):
    login("leader")
    response = client.post("/profile/password", data=_password())
    assert response.status_code == 302
    client.post("/logout")
    assert login("leader").status_code == 200
    assert login("leader", NEW_PASSWORD).status_code == 302


def test_password_change_needs_the_current_password(client, login, world):
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    response = client.post("/profile/password", data=_password(current="wrong-one"))
    assert response.status_code == 200
    assert "The current password is not right." in response.get_data(as_text=True)
    user = db.session.get(User, world.leader.id)
    db.session.refresh(user)
    assert user.check_password("correct-horse-42")


def test_new_password_rules(client, login, world):
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    short = client.post("/profile/password", data=_password(new="short"))
    assert short.status_code == 200
    assert "Use at least 10 characters." in short.get_data(as_text=True)
    assert 'id="pw-new_password-error"' in short.get_data(as_text=True)
    differ = client.post("/profile/password", data=_password(confirm="something-else"))
    assert differ.status_code == 200
    assert "The two new passwords differ." in differ.get_data(as_text=True)
    user = db.session.get(User, world.leader.id)
    db.session.refresh(user)
    assert user.check_password("correct-horse-42")


def test_language_is_saved_on_the_account(client, login, world):
    login("member")
    response = client.post("/profile/language", data={"lang-locale": "en"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/profile").get_data(as_text=True)
    assert db.session.get(User, world.member.id).locale == "en"
    assert client.post("/profile/language", data={"lang-locale": "fr"}).status_code == 200
    assert db.session.get(User, world.member.id).locale == "en"


def test_create_a_token_shown_once(client, login, world):
    login("member")
    response = client.post("/profile/tokens", data={"token-label": "field tablet"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    raw = html.split('<code class="copy">')[1].split("</code>")[0]
    assert raw.startswith("kepu_")
    token = db.session.execute(select(ApiToken)).scalar_one()
    assert token.label == "field tablet" and token.user_id == world.member.id
    assert token.token_hash != raw
    again = client.get("/profile").get_data(as_text=True)
    assert "field tablet" in again and raw not in again
    assert user_for_token(raw).id == world.member.id


def test_token_needs_a_label(client, login, world):
    login("member")
    response = client.post("/profile/tokens", data={"token-label": ""})
    assert response.status_code == 200
    assert db.session.execute(select(ApiToken)).first() is None


def test_revoke_own_token(client, login, world):
    raw = world.token(world.member)
    token = db.session.execute(select(ApiToken)).scalar_one()
    login("member")
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert user_for_token(raw) is None


def test_cannot_revoke_someone_elses_token(client, login, world):
    world.token(world.admin)
    token = db.session.execute(select(ApiToken)).scalar_one()
    login("leader")
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 403
    assert f"/profile/tokens/{token.id}/revoke" not in client.get("/profile").get_data(as_text=True)
    db.session.refresh(token)
    assert token.revoked_at is None
    assert client.post("/profile/tokens/999999/revoke").status_code == 404
    assert client.get(f"/profile/tokens/{token.id}/revoke").status_code == 405


def test_tokens_list_only_my_own(client, login, world):
    world.token(world.admin)
    login("leader")
    html = client.get("/profile").get_data(as_text=True)
    assert "/revoke" not in html
