"""User administration: admins only; create, edit, deactivate, reactivate, reset a password."""

import flask_babel
import pytest
from flask import g
from sqlalchemy import select

from core.extensions import db
from core.models import ApiToken, Role, User
from core.security import user_for_token

NEW_PASSWORD = "a-new-secret-99"


@pytest.fixture
def as_user(client, login):
    """Log the client in as ``username`` (after logging out) with the UI in English."""

    def _as(username, password=None):
        client.post("/logout")
        response = login(username) if password is None else login(username, password)
        assert response.status_code == 302
        client.post("/lang/en", data={"next": "/"})
        flask_babel.refresh()  # the tests share one app context, where Babel caches the locale

    return _as


def html_of(client, path):
    """The page at ``path``, which must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def snapshot():
    """Every account row, read fresh from the database."""
    return db.session.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            User.role,
            User.team_id,
            User.area_id,
            User.active,
            User.password_hash,
        ).order_by(User.id)
    ).all()


def fresh(user_id):
    """The account ``user_id`` as stored now."""
    db.session.expire_all()
    return db.session.get(User, user_id)


def _new_user(world, **changes):
    data = {
        "username": "wangfang",
        "display_name": "王芳",
        "role": "leader",
        "team_id": world.team.id,
        "area_id": "",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(changes)
    return data


# --- who may come in -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get("/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["reviewer", "leader", "member"])
def test_everyone_but_admins_gets_403_and_nothing_changes(client, as_user, world, username):
    as_user(username)
    before = snapshot()
    target = world.leader.id if username != "leader" else world.member.id
    for method, path, data in [
        ("get", "/users", None),
        ("get", "/users/new", None),
        ("post", "/users/new", _new_user(world, role="admin", team_id="")),
        ("get", f"/users/{target}/edit", None),
        ("post", f"/users/{target}/edit", {"role": "admin", "display_name": "x"}),
        ("post", f"/users/{world.admin.id}/deactivate", {}),
        ("post", f"/users/{target}/reactivate", {}),
        ("get", f"/users/{target}/password", None),
        ("post", f"/users/{target}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    ]:
        assert getattr(client, method)(path, data=data).status_code == 403, (method, path)
    assert snapshot() == before


def test_the_menu_offers_users_to_admins_only(client, as_user, world):
    as_user("leader")
    assert 'href="/users"' not in html_of(client, "/teams")
    as_user("admin")
    assert 'href="/users"' in html_of(client, "/teams")


# --- the list --------------------------------------------------------------------------------


def test_list_shows_role_team_area_and_status(client, as_user, world):
    world.member.active = False
    db.session.commit()
    as_user("admin")
    html = html_of(client, "/users")
    for text in (
        "Administrator",
        "Reviewer",
        "Team leader",
        "Member",
        world.team.name,
        world.other_team.name,
        world.township.name,
        "Deactivated",
        "Active",
    ):
        assert text in html, text
    row = html.split(">member</a>", 1)[1].split("</tr>", 1)[0]
    assert "Deactivated" in row


def test_list_filters_by_role_and_text(client, as_user, world):
    as_user("admin")
    html = html_of(client, "/users?role=leader")
    assert ">leader</a>" in html and ">leader2</a>" in html and ">reviewer</a>" not in html
    html = html_of(client, "/users?q=REVIEW")
    assert ">reviewer</a>" in html and ">leader</a>" not in html
    assert "No users match." in html_of(client, "/users?role=castle&q=%25&page=x")
    assert ">admin</a>" in html_of(client, "/users?role=castle&page=x")


def test_unknown_user_is_404(client, as_user, world):
    as_user("admin")
    assert client.get("/users/999999/edit").status_code == 404
    assert client.post("/users/999999/deactivate").status_code == 404


# --- create ----------------------------------------------------------------------------------


def test_admin_creates_a_leader_who_can_log_in(client, as_user, world):
    as_user("admin")
    form = html_of(client, "/users/new")
    assert '<label for="username">' in form and "<legend>Initial password</legend>" in form
    response = client.post("/users/new", data=_new_user(world))
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.username == "wangfang")).scalar_one()
    assert (user.role, user.team_id, user.area_id, user.display_name, user.active) == (
        Role.LEADER,
        world.team.id,
        None,
        "王芳",
        True,
    )
    assert user.password_hash and NEW_PASSWORD not in user.password_hash
    as_user("wangfang", NEW_PASSWORD)
    assert world.team.name in html_of(client, "/teams")


def test_admin_creates_a_reviewer_with_an_area_and_an_admin_without_one(client, as_user, world):
    as_user("admin")
    data = _new_user(
        world,
        username="li",
        role="reviewer",
        team_id=world.team.id,
        area_id=world.other_township.id,
    )
    assert client.post("/users/new", data=data).status_code == 302
    reviewer = db.session.execute(select(User).where(User.username == "li")).scalar_one()
    assert (reviewer.area_id, reviewer.team_id) == (world.other_township.id, None)
    data = _new_user(world, username="boss", role="admin", team_id=world.team.id)
    assert client.post("/users/new", data=data).status_code == 302
    boss = db.session.execute(select(User).where(User.username == "boss")).scalar_one()
    assert (boss.role, boss.team_id, boss.area_id) == (Role.ADMIN, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "leader"}, "username", "This username is taken."),
        ({"username": "LEADER"}, "username", "This username is taken."),
        ({"username": "wang fang"}, "username", "without spaces"),
        ({"username": ""}, "username", "Enter a username."),
        ({"password": "short", "confirm": "short"}, "password", "Use at least 10 characters."),
        ({"confirm": "something-else"}, "confirm", "The two passwords differ."),
        ({"role": ""}, "role", "Choose a role."),
        ({"role": "emperor"}, "role", "Choose a role."),
        ({"role": "leader", "team_id": ""}, "team_id", "Leaders and members need a team."),
        ({"role": "member", "team_id": ""}, "team_id", "Leaders and members need a team."),
        ({"role": "member", "team_id": "999999"}, "team_id", "Choose a team from the list."),
        ({"role": "reviewer", "area_id": ""}, "area_id", "Reviewers need a township"),
        ({"role": "reviewer", "area_id": "village"}, "area_id", "Choose the county or a township"),
    ],
)
def test_bad_new_users_are_refused_with_a_message_and_nothing_changes(
    client, as_user, world, changes, field, message
):
    if changes.get("area_id") == "village":
        changes["area_id"] = world.village.id
    as_user("admin")
    before = snapshot()
    response = client.post("/users/new", data=_new_user(world, **changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert f'id="{field}-error"' in html
    assert snapshot() == before


def test_a_deleted_team_cannot_be_given_to_a_new_user(client, as_user, world):
    world.other_team.soft_delete()
    db.session.commit()
    as_user("admin")
    assert world.other_team.name not in html_of(client, "/users/new")
    response = client.post("/users/new", data=_new_user(world, team_id=world.other_team.id))
    assert response.status_code == 200


# --- edit ------------------------------------------------------------------------------------


def test_admin_changes_role_area_team_and_name(client, as_user, world):
    as_user("admin")
    assert 'value="leader"' in html_of(client, f"/users/{world.leader.id}/edit")
    response = client.post(
        f"/users/{world.leader.id}/edit",
        data={
            "display_name": "老张",
            "role": "reviewer",
            "team_id": world.team.id,
            "area_id": world.county.id,
        },
    )
    assert response.status_code == 302
    user = fresh(world.leader.id)
    assert (user.display_name, user.role, user.team_id, user.area_id) == (
        "老张",
        Role.REVIEWER,
        None,
        world.county.id,
    )
    response = client.post(
        f"/users/{world.leader.id}/edit",
        data={
            "display_name": "老张",
            "role": "member",
            "team_id": world.other_team.id,
            "area_id": "",
        },
    )
    assert response.status_code == 302
    user = fresh(world.leader.id)
    assert (user.role, user.team_id, user.area_id) == (Role.MEMBER, world.other_team.id, None)


def test_bad_edits_are_refused_and_change_nothing(client, as_user, world):
    as_user("admin")
    before = snapshot()
    for data, message in [
        ({"role": "leader", "team_id": "", "display_name": "x"}, "members need a team."),
        ({"role": "reviewer", "area_id": "", "display_name": "x"}, "Reviewers need a township"),
        ({"role": "member", "team_id": world.team.id, "display_name": "x" * 81}, "80"),
    ]:
        response = client.post(f"/users/{world.leader.id}/edit", data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_admins_cannot_drop_their_own_admin_role(client, as_user, world):
    as_user("admin")
    response = client.post(
        f"/users/{world.admin.id}/edit", data={"role": "member", "team_id": world.team.id}
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    assert fresh(world.admin.id).role == Role.ADMIN


# --- deactivate, reactivate, passwords -------------------------------------------------------


def test_deactivated_user_cannot_log_in_and_their_session_and_tokens_stop(
    app, client, login, as_user, world
):
    raw = world.token(world.leader)
    assert user_for_token(raw) is not None
    leader_client = app.test_client()
    leader_client.post("/login", data={"username": "leader", "password": "correct-horse-42"})
    as_user("admin")
    assert html_of(client, f"/users/{world.leader.id}/edit").count("Deactivate") >= 1
    response = client.post(f"/users/{world.leader.id}/deactivate", follow_redirects=True)
    assert "was deactivated" in response.get_data(as_text=True)
    assert fresh(world.leader.id).active is False
    assert user_for_token(raw) is None
    assert db.session.execute(select(ApiToken.revoked_at)).scalar_one() is not None
    g.pop("_login_user", None)  # the tests share one app context; forget the admin loaded there
    response = leader_client.get("/teams")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    client.post("/logout")
    assert login("leader").status_code == 200


def test_reactivated_user_can_log_in_again(client, login, as_user, world):
    world.leader.active = False
    db.session.commit()
    as_user("admin")
    html = html_of(client, f"/users/{world.leader.id}/edit")
    assert "Reactivate" in html
    assert client.post(f"/users/{world.leader.id}/reactivate").status_code == 302
    assert fresh(world.leader.id).active is True
    client.post("/logout")
    assert login("leader").status_code == 302


def test_admins_cannot_deactivate_themselves(client, as_user, world):
    as_user("admin")
    assert "Deactivate" not in html_of(client, f"/users/{world.admin.id}/edit")
    response = client.post(f"/users/{world.admin.id}/deactivate")
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert fresh(world.admin.id).active is True


def test_deactivate_and_reactivate_are_post_only(client, as_user, world):
    as_user("admin")
    assert client.get(f"/users/{world.leader.id}/deactivate").status_code == 405
    assert fresh(world.leader.id).active is True


def test_admin_resets_a_password(client, login, as_user, world):
    as_user("admin")
    response = client.post(
        f"/users/{world.member.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.post("/logout")
    assert login("member").status_code == 200
    assert login("member", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "1234567", "confirm": "1234567"}, "Use at least 10 characters."),
        ({"password": NEW_PASSWORD, "confirm": "other-password"}, "The two passwords differ."),
        ({"password": "", "confirm": ""}, "Enter a password."),
    ],
)
def test_bad_passwords_are_refused_and_change_nothing(client, as_user, world, data, message):
    as_user("admin")
    before = snapshot()
    response = client.post(f"/users/{world.member.id}/password", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert snapshot() == before
