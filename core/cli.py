"""The ``kepu`` command: Flask's CLI bound to Kepu, plus Kepu's own commands."""

import sys
import traceback

import click
from flask import Flask, current_app, g
from flask.cli import FlaskGroup, ScriptInfo
from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.models import ApiToken, Area, Role, Team, User
from core.plugins import PluginConflictError, call_each, mark_failed
from core.plugins import state as plugin_state
from core.services import FieldErrors
from core.services import users as user_service


def _create_app():
    from core import create_app

    return _checked(create_app)


#: set on the context while ``kepu --help`` writes its list of commands
_LISTING = "kepu.listing_commands"


class KepuGroup(FlaskGroup):
    """Flask's command group, whose list of commands (``kepu --help``) comes from the command
    app (:func:`core.create_command_app`): every command's name and help, the plugins'
    included, without building the pages and the API that running a command needs."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The ``Commands:`` section of the help, from the command app."""
        ctx.meta[_LISTING] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name; from the command app while the help is written."""
        if not ctx.meta.get(_LISTING):
            return super().list_commands(ctx)
        self._load_plugin_commands()
        names = set(click.Group.list_commands(self, ctx))
        app = _command_app(ctx)
        if app is not None:
            names.update(app.cli.list_commands(ctx))
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """The command ``name``; from the command app while the help is written."""
        if not ctx.meta.get(_LISTING):
            return super().get_command(ctx, name)
        command = click.Group.get_command(self, ctx, name)
        if command is None and (app := _command_app(ctx)) is not None:
            command = app.cli.get_command(ctx, name)
        return command


def _command_app(ctx: click.Context) -> Flask | None:
    """The command app, built once per invocation; None (its error printed, as Flask does
    when the app fails to load) when it cannot be built: the help still lists the rest."""
    if "kepu.command_app" not in ctx.meta:
        from core import create_command_app

        try:
            ctx.meta["kepu.command_app"] = _checked(create_command_app)
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
            ctx.meta["kepu.command_app"] = None
    return ctx.meta["kepu.command_app"]


def _checked(factory) -> Flask:
    """``factory()``; a bad setting ends the command with its message alone (exit 1)."""
    from core.settings_check import ConfigError

    try:
        return factory()
    except ConfigError as exc:
        # the message alone, exit 1: FlaskGroup prints a traceback for any exception met while
        # loading the app (click's own included); SystemExit passes through
        click.echo(str(exc), err=True)
        sys.exit(1)


@click.group(cls=KepuGroup, create_app=_create_app)
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
    try:
        with force_locale("en"):  # the command speaks English, as its other messages
            user = user_service.create_user(
                None,
                user_service.UserInput(
                    role=role,
                    display_name=display_name,
                    team_id=team_id,
                    area_id=area_id,
                    username=username,
                ),
                password,
            )
    except FieldErrors as exc:
        messages = [
            f"{field}: {message}" for field, items in exc.errors.items() for message in items
        ]
        raise click.ClickException("; ".join(messages)) from None
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


plugins_cli = click.Group("plugins", help="List, enable and disable plugins.")


@plugins_cli.command("list")
def list_plugins():
    """Every plugin found: name, state, version, source (and the error of a failed one)."""
    rows = plugin_state.plugin_rows(current_app._get_current_object())
    if not rows:
        click.echo("no plugins found")
        return
    width = max(len(row.name) for row in rows)
    for row in rows:
        source = f"{row.source} ({row.dist})" if row.dist else row.source
        click.echo(f"{row.name:<{width}}  {row.state:<8}  {row.version or '-':<8}  {source}")
        for error in (row.error, row.runtime_error):
            if error:
                click.echo(f"{'':<{width}}  error: {error}")


@plugins_cli.command("enable")
@click.argument("name")
def enable_plugin(name):
    """Enable plugin NAME in every process serving this database."""
    _switch(name, True)


@plugins_cli.command("disable")
@click.argument("name")
def disable_plugin(name):
    """Disable plugin NAME (its pages answer 404, its hooks stop; its data is kept)."""
    _switch(name, False)


def _switch(name: str, enabled: bool) -> None:
    """Store the flag, or fail with a clear message (exit code 1)."""
    try:
        info = plugin_state.set_enabled(current_app._get_current_object(), name, enabled)
    except plugin_state.PluginStateError as exc:
        raise click.ClickException(str(exc)) from None
    if info.error:
        click.echo(f"warning: {name} failed to load ({info.error}); the flag is stored", err=True)
    click.echo(f"{name} {'enabled' if enabled else 'disabled'}")


class PluginCommands(click.Group):
    """``kepu <plugin> ...``: a plugin's commands, refused while the plugin is disabled."""

    def __init__(self, plugin: str, commands: list[click.Command]):
        super().__init__(plugin, commands=commands, help=f"Commands of the {plugin} plugin.")
        self.plugin = plugin

    def invoke(self, ctx: click.Context):
        """Run the command inside an app context if the plugin is enabled."""
        if not current_app:
            ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
        if not plugin_state.is_enabled(current_app._get_current_object(), self.plugin):
            raise click.ClickException(
                f"the plugin {self.plugin!r} is disabled (`kepu plugins enable {self.plugin}`)"
            )
        return super().invoke(ctx)


def _add_plugin_commands(app: Flask) -> None:
    """A ``kepu <plugin>`` group per plugin with commands; a clash stops the start-up."""
    taken = set(app.cli.commands) | {"run", "shell", "routes"}
    for result in call_each(app, "cli_commands", include_disabled=True):
        if result.failed:
            mark_failed(app, result.plugin, f"cli_commands() raised {result.error}")
            continue
        if result.plugin in taken:
            raise PluginConflictError(
                f"plugin {result.plugin!r} adds commands under a name the core uses"
            )
        app.cli.add_command(PluginCommands(result.plugin, list(result.value)))


@click.command("upgrade")
@click.option("-d", "--directory", default=None, help="Migration script directory.")
@click.option("--sql", is_flag=True, help="Print the SQL instead of running it.")
@click.option("--tag", default=None, help="Arbitrary tag for custom env.py scripts.")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments for env.py.")
@click.argument("revision", default="heads")
def upgrade(directory, sql, tag, x_arg, revision):
    """Upgrade the core and every installed plugin's branch (REVISION: heads by default)."""
    import flask_migrate

    flask_migrate.upgrade(directory or g.directory, revision, sql, tag, x_arg or g.x_arg)


class _DbGroup(click.Group):
    """Flask-Migrate's ``db`` group, with an ``upgrade`` that goes to every head.

    Flask-Migrate (and Alembic with it) is imported when the group is used, not for every
    ``kepu`` command: ``kepu --help`` lists the group by its help text alone.
    """

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        from flask_migrate.cli import db as migrate_db

        self.commands = {**migrate_db.commands, "upgrade": upgrade}
        self.callback = migrate_db.callback
        self.params = migrate_db.params
        self.help = migrate_db.help
        self._loaded = True

    def make_context(self, *args, **kwargs) -> click.Context:
        self._load()
        return super().make_context(*args, **kwargs)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)


def _db_group() -> click.Group:
    """Flask-Migrate's ``db`` group, with an ``upgrade`` that goes to every head."""
    return _DbGroup()


def register_commands(app: Flask) -> None:
    """Attach Kepu's command groups, and the plugins' ones, to ``app.cli``."""
    from core.backup import backup_command, restore_command
    from core.calendar.cli import calendar_cli
    from core.demo import demo_command
    from core.jobs.job import jobs_cli
    from core.jobs.runner import scheduler_command
    from core.roster.cli import roster_cli

    app.cli.add_command(_db_group())
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(plugins_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(calendar_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(roster_cli)
    _add_plugin_commands(app)
