"""The main menu for the signed-in user, gathered from the ``nav_items`` hook."""

import logging

from flask import Flask, current_app
from flask_login import current_user

from core import plugins
from core.contracts import NavItem

logger = logging.getLogger(__name__)


def nav_items() -> list[tuple[str, str]]:
    """(endpoint, label) pairs the current user may follow, core first, sorted by ``order``."""
    if not current_user.is_authenticated:
        return []
    app = current_app._get_current_object()
    items = plugins.call(app, "nav_items", expect=NavItem, user=current_user._get_current_object())
    known = [item for item in items if item.endpoint in app.view_functions]
    if len(known) < len(items):
        logger.warning(
            "menu items with unknown endpoints left out: %s",
            sorted({i.endpoint for i in items} - {i.endpoint for i in known}),
        )
    return [(item.endpoint, item.label) for item in sorted(known, key=lambda item: item.order)]


def init_app(app: Flask) -> None:
    """Expose ``nav_items`` to templates."""
    app.jinja_env.globals["nav_items"] = nav_items
