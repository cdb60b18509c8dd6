"""The core's own hook implementations, registered like any plugin (name ``core``, always on).

Written as hooks so the core and the plugins share one path (Datasette's ``DEFAULT_PLUGINS``).
"""

from flask_babel import lazy_gettext as _l

from core.contracts import NavItem
from core.hookspecs import hookimpl
from core.models import User
from core.permissions import can_log_visits, is_admin


@hookimpl(trylast=True)
def nav_items(user: User) -> list[NavItem]:
    """The core's menu: home, visits, teams, farms, events; users and plugins for admins."""
    items = [NavItem("home.index", _l("Home"), 10)]
    if can_log_visits(user):
        items.append(NavItem("visits.new", _l("Log a visit"), 20))
    items += [
        NavItem("visits.index", _l("Visits"), 30),
        NavItem("teams.index", _l("Teams"), 40),
        NavItem("farms.index", _l("Farms"), 50),
        NavItem("events.index", _l("Events"), 60),
    ]
    if is_admin(user):
        items += [NavItem("users.index", _l("Users"), 70),
                  NavItem("plugins_admin.index", _l("Plugins"), 80)]
    return items
