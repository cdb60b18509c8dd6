"""One rule for new passwords: length, not the username, not a common password."""

import pytest
from flask_babel import force_locale

from core.extensions import db
from core.models import User
from core.services.users import common_passwords, password_errors


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-9ch", "Use at least 10 characters."),
        ("wang.xiaoming-2026", "The password may not contain the username."),
        ("my-WANG.XIAOMING", "The password may not contain the username."),
        ("1234567890", "This password is too common. Choose another one."),
        ("Woaini1314", "This password is too common. Choose another one."),
        ("qwertyuiop", "This password is too common. Choose another one."),
        ("8888888888", "This password is too common. Choose another one."),
    ],
)
def test_bad_passwords(app, password, message):
    with force_locale("en"):
        assert password_errors(password, "wang.xiaoming") == [message]


def test_good_password(app):
    assert password_errors("plum-blossom-2026", "leader") == []


def test_the_shipped_list_holds_the_usual_suspects(app):
    common = common_passwords()
    assert {"123456", "888888", "woaini", "qwerty", "password", "a1b2c3d4e5"} <= common
    assert len(common) > 1000


def test_admin_pages_apply_the_rule(client, login, world):
    login("admin")
    client.post("/lang/en", data={"next": "/"})
    response = client.post(
        f"/users/{world.member.id}/password",
        data={"password": "member-123456", "confirm": "member-123456"},
    )
    assert response.status_code == 200
    assert "The password may not contain the username." in response.get_data(as_text=True)


def test_profile_applies_the_rule(client, login, world):
    login("leader")
    response = client.post(
        "/profile/password",
        data={
            "pw-current_password": "correct-horse-42",
            "pw-new_password": "woaini1314520",
            "pw-confirm": "woaini1314520",
        },
    )
    assert response.status_code == 200
    assert db.session.get(User, world.leader.id).check_password("correct-horse-42")


@pytest.mark.parametrize(
    ("password", "message"),
    [("qwerty1234", "too common"), ("zhao-2026-x", "may not contain the username")],
)
def test_the_command_applies_the_rule(runner, world, password, message):
    result = runner.invoke(
        args=["users", "create", "zhao", "--role", "admin"], input=f"{password}\n"
    )
    assert result.exit_code != 0
    assert message in result.output
