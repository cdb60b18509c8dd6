"""Serving Kepu under gunicorn: what is checked before workers start, and the access log.

``gunicorn.conf.py`` (kept at the project's root) calls :func:`check_before_serving` when the
server starts, so a bad setting or an unsafe layout stops ``make serve`` with a clear message
before any worker forks, and uses :class:`AccessLogger`, which never writes a secret of a URL.
"""

import logging
import os
from collections.abc import Iterable

from flask import Flask
from gunicorn.glogging import Logger

from core.logs import mask_url

logger = logging.getLogger(__name__)

#: request headers never written to the access log
SECRET_HEADERS = ("authorization", "cookie", "x-csrftoken", "x-csrf-token")
MASK = "***"


class ServingError(RuntimeError):
    """A layout that cannot serve safely (the message says what to change)."""


class AccessLogger(Logger):
    """gunicorn's logger, with every URL-bearing field of the access log masked."""

    def atoms(self, resp, req, environ, request_time):
        """The fields of one access-log line, secrets masked and credentials left out."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = mask_url(value)
        for header in SECRET_HEADERS:
            if f"{{{header}}}i" in atoms:
                atoms[f"{{{header}}}i"] = MASK
        return atoms


def serving_problems(app: Flask, workers: int, env: dict[str, str] | None = None) -> list[str]:
    """What makes this configuration unsafe to serve with gunicorn: one sentence each."""
    env = os.environ if env is None else env
    problems = []
    if app.config.get("SECRET_KEY_GENERATED") and not env.get("KEPU_INSTANCE_PATH"):
        problems.append(
            "KEPU_SECRET_KEY is not set and the instance folder is the default one: each "
            "machine (or a new checkout) would make a key of its own and sign users out. Set "
            "KEPU_SECRET_KEY (e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`) "
            "or point KEPU_INSTANCE_PATH at the instance folder every web process shares."
        )
    return problems


def serving_warnings(app: Flask, workers: int) -> list[str]:
    """What works but is not what a county wants in production: one sentence each."""
    warnings = []
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if workers > 1 and uri.startswith("sqlite"):
        warnings.append(
            f"{workers} workers share a SQLite database: writes wait for each other and may "
            "answer 503 under load; use PostgreSQL (KEPU_SQLALCHEMY_DATABASE_URI) for several "
            "workers."
        )
    if workers > 1 and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        warnings.append(
            f"rate limits are counted in each of the {workers} workers on its own; set "
            "KEPU_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 to count them once."
        )
    return warnings


def check_before_serving(workers: int) -> None:
    """Build the app once (a bad setting raises with its name) and refuse an unsafe layout.

    Called in gunicorn's master process before any worker starts. The app is thrown away
    afterwards: each worker builds its own (and finds the modules already imported).
    """
    from core import create_app
    from core.settings_check import ConfigError

    try:
        app = create_app()
    except ConfigError as exc:  # gunicorn prints a RuntimeError's message alone, no traceback
        raise ServingError(f"Kepu will not start:\n{exc}") from None
    problems = serving_problems(app, workers)
    for warning in serving_warnings(app, workers):
        logger.warning("%s", warning)
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()  # no connection of the master's may leak into a forked worker
    if problems:
        raise ServingError(_sentences(problems))


def _sentences(lines: Iterable[str]) -> str:
    return "Kepu will not start:\n" + "\n".join(f"- {line}" for line in lines)
