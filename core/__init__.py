"""Kepu: run volunteer science-outreach teams in rural townships.

``create_app`` is the application factory; ``hookimpl`` marks a plugin's hook implementations
(``from core import hookimpl``); everything else lives in the submodules.
"""

import os
import secrets
import sys
from pathlib import Path

from flask import Flask

from core import logs
from core.config import DEFAULTS
from core.hookspecs import hookimpl
from core.settings_check import check_settings

__all__ = ["create_app", "create_command_app", "hookimpl"]


def create_app(config: dict | None = None) -> Flask:
    """Build a Kepu application.

    ``config`` overrides everything else (tests use it); see ``core.config`` for the order.
    """
    app = _configured_app(config)

    from core import (
        database,
        i18n,
        navigation,
        notify,
        plugins,
        proxies,
        request_limits,
        security,
        static_files,
    )
    from core.api import register_api
    from core.audit import record
    from core.views import register_views

    database.init_app(app)
    record.init_app(app)  # every flush of the ORM writes its audit trail
    i18n.init_app(app)
    request_limits.init_app(app)  # a JSON body too big or too deep is refused before any view
    security.init_app(app)
    navigation.init_app(app)
    register_views(app)
    register_api(app)
    plugins.init_app(app)  # after the core's blueprints, so plugins cannot take their names
    notify.init_app(app)
    static_files.init_app(app)  # after every blueprint: their static files are fingerprinted too
    proxies.init_app(app)

    from core.cli import register_commands

    register_commands(app)

    from core.jobs import runner

    runner.init_app(app)  # only with SCHEDULER_EMBEDDED (the development server)
    return app


def create_command_app(config: dict | None = None) -> Flask:
    """An application that knows every ``kepu`` command, the plugins' included, and nothing
    else: no pages, no API, no database binding. ``kepu --help`` lists the commands from it,
    since building the whole application for their names would take as long again; running a
    command builds the whole application (:func:`create_app`)."""
    app = _configured_app(config)

    from flask_smorest.spec import openapi_cli

    from core.cli import register_commands
    from core.plugins import EXTENSION, build

    app.extensions[EXTENSION] = build(app)
    app.cli.add_command(openapi_cli)  # what flask-smorest adds when the API is registered
    register_commands(app)
    return app


def _configured_app(config: dict | None) -> Flask:
    """A Flask app with Kepu's settings read and checked, its logging and instance folder."""
    app = Flask(__name__, instance_path=_instance_path(), instance_relative_config=True)
    app.config.update(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "kepu.sqlite3"
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KEPU")
    if config:
        app.config.update(config)
    check_settings(app.config)  # a bad setting stops here, named (core.settings_check)
    logs.init_app(app)  # first, so its request hooks wrap every other one
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
        app.config["SECRET_KEY_GENERATED"] = True  # made here, not configured (core.serving)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    return app


def _instance_path() -> str:
    """The instance folder: ``KEPU_INSTANCE_PATH``, else ``instance/`` of a source checkout."""
    return os.environ.get("KEPU_INSTANCE_PATH") or default_instance_path(
        Path(__file__).resolve().parent.parent, Path(sys.prefix)
    )


def default_instance_path(project: Path, prefix: Path) -> str:
    """``instance/`` beside the code in a checkout (or an editable install); for a package
    installed into site-packages, ``<prefix>/var/kepu-instance`` as Flask does, so local state
    is never written among the installed files."""
    if (project / "pyproject.toml").is_file():
        return str(project / "instance")
    return str(prefix / "var" / "kepu-instance")


def _instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, made once, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
