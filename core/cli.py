"""The ``kepu`` command: Flask's CLI bound to Kepu, plus Kepu's own commands."""

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import select

from core.extensions import db
from core.models import ApiToken, Area, Role, Team, User


def _create_app():
    from core import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Kepu: run volunteer science-outreach teams in rural townships."""


users = click.Group("users", help="Manage user accounts and API tokens.")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--team", "team_id", type=int, help="Team id (leader, member).")
@click.option("--area", "area_id", type=int, help="Area id (reviewer).")
@click.option("--name", "display_name", default="", help="Display name.")
def create_user(username, role, team_id, area_id, display_name):
    """Create USERNAME with a role; the password is prompted for (or piped on stdin)."""
    password = click.prompt(
        "Password", hide_input=True, confirmation_prompt=sys.stdin.isatty(), err=True
    )
    if db.session.execute(select(User).where(User.username == username)).scalar():
        raise click.ClickException(f"user {username!r} already exists")
    if role in ("leader", "member") and team_id is None:
        raise click.ClickException(f"--team is required for the {role} role")
    if role == "reviewer" and area_id is None:
        raise click.ClickException("--area is required for the reviewer role")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise click.ClickException(f"no team with id {team_id}")
    if area_id is not None and db.session.get(Area, area_id) is None:
        raise click.ClickException(f"no area with id {area_id}")
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    user = User(username=username, role=Role(role), team_id=team_id, area_id=area_id,
                display_name=display_name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {username} (id {user.id})")


@users.command("token")
@click.argument("username")
@click.option("--label", default="cli", help="What the token is for.")
def create_token(username, label):
    """Print a new API token for USERNAME (shown once; stored hashed)."""
    user = db.session.execute(select(User).where(User.username == username)).scalar()
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    token, raw = ApiToken.issue(user, label=label)
    db.session.add(token)
    db.session.commit()
    click.echo(raw)


def register_commands(app: Flask) -> None:
    """Attach Kepu's command groups to ``app.cli``."""
    from core.demo import demo_command

    app.cli.add_command(users)
    app.cli.add_command(demo_command)
