"""The main menu for the signed-in user."""

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.permissions import can_log_visits, is_admin


def nav_items() -> list[tuple[str, str]]:
    """(endpoint, label) pairs the current user may follow."""
    if not current_user.is_authenticated:
        return []
    items = [("home.index", _l("Home"))]
    if can_log_visits(current_user):
        items.append(("visits.new", _l("Log a visit")))
    items += [
        ("visits.index", _l("Visits")),
        ("teams.index", _l("Teams")),
        ("farms.index", _l("Farms")),
        ("events.index", _l("Events")),
    ]
    if is_admin(current_user):
        items.append(("users.index", _l("Users")))
    return items


def init_app(app: Flask) -> None:
    """Expose ``nav_items`` to templates."""
    app.jinja_env.globals["nav_items"] = nav_items
