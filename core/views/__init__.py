"""HTML pages, one blueprint per module, each object named ``bp``."""

from importlib import import_module

from flask import Flask

#: page modules, each exposing ``bp``
PAGES = ["auth", "home", "teams", "farms", "visits", "events", "users", "profile"]


def register_views(app: Flask) -> None:
    """Register every page blueprint."""
    for name in PAGES:
        try:
            module = import_module(f"core.views.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"core.views.{name}":
                raise
            continue
        app.register_blueprint(module.bp)
