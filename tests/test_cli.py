"""The `kepu users` commands."""

from sqlalchemy import select

from core.extensions import db
from core.models import ApiToken, Role, User


def test_create_user_reads_the_password_from_stdin(runner, world, client):
    result = runner.invoke(
        args=["users", "create", "wang", "--role", "leader", "--team", str(world.team.id)],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.username == "wang")).scalar_one()
    assert user.role == Role.LEADER and user.team_id == world.team.id
    assert user.check_password("a-long-password")
    assert "a-long-password" not in result.output
    response = client.post("/login", data={"username": "wang", "password": "a-long-password"})
    assert response.status_code == 302


def test_password_is_not_an_option(runner, world):
    result = runner.invoke(
        args=["users", "create", "li", "--role", "admin", "--password", "x"], input="y\n"
    )
    assert result.exit_code != 0
    assert db.session.execute(select(User).where(User.username == "li")).scalar() is None


def test_create_user_refuses_bad_input(runner, world):
    cases = [
        (["users", "create", "admin", "--role", "admin"], "already exists"),
        (["users", "create", "x", "--role", "leader"], "--team is required"),
        (["users", "create", "x", "--role", "reviewer"], "--area is required"),
        (["users", "create", "x", "--role", "leader", "--team", "999"], "no team"),
        (["users", "create", "x", "--role", "admin"], "at least 10"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="short\n")
        assert result.exit_code != 0
        assert message in result.output, (args, result.output)
    assert db.session.execute(select(User).where(User.username == "x")).scalar() is None


def test_token_prints_a_working_token(runner, world, client):
    result = runner.invoke(args=["users", "token", "reviewer"])
    assert result.exit_code == 0
    raw = result.output.strip()
    assert raw.startswith("kepu_")
    assert db.session.execute(select(ApiToken)).scalar_one().token_hash != raw
    response = client.get("/api/v1/areas/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_token_for_unknown_user(runner, world):
    result = runner.invoke(args=["users", "token", "nobody"])
    assert result.exit_code != 0 and "no user" in result.output


def test_help_lists_the_builtin_commands_when_the_app_cannot_be_built(monkeypatch):
    from click.testing import CliRunner

    import core
    from core.cli import main

    def broken():
        raise RuntimeError("a plugin could not load")

    monkeypatch.setattr(core, "create_command_app", broken)
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert {"run", "shell", "routes"} <= listed and "users" not in listed
    assert "a plugin could not load" in result.stderr
