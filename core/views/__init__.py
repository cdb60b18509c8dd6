"""HTML pages, one blueprint per module, each object named ``bp``."""

from importlib import import_module

from flask import Flask

#: page modules, each exposing ``bp``
PAGES = [
    "auth",
    "home",
    "teams",
    "farms",
    "visits",
    "plans",
    "events",
    "campaign_targets",
    "users",
    "profile",
    "plugins_admin",
    "calendar",
    "jobs_admin",
    "inbox",
    "review",
    "inspections",
    "assessments",
    "rectifications",
    "rectification_steps",
    "bulletins",
    "audit",
    "deleted",
    "offline",
    "health",
    "search",
    "roster",
]


def register_views(app: Flask) -> None:
    """Register every page blueprint."""
    for name in PAGES:
        app.register_blueprint(import_module(f"core.views.{name}").bp)
