"""The core's own hook implementations, registered like any plugin (name ``core``, always on).

Written as hooks so the core and the plugins share one path (Datasette's ``DEFAULT_PLUGINS``).
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from core.contracts import DigestSection, NavItem
from core.hookspecs import hookimpl
from core.models import Role, User
from core.permissions import (
    can_write_some_team_records,
    is_admin,
    may_manage_roster,
    may_review,
)


@hookimpl(trylast=True)
def nav_items(user: User) -> list[NavItem]:
    """The core's menu: home, visits, teams, farms, events; users and plugins for admins."""
    items = [NavItem("home.index", _l("Home"), 10)]
    if can_write_some_team_records(user):
        items.append(NavItem("visits.new", _l("Log a visit"), 20))
        items.append(NavItem("plans.index", _l("Planned visits"), 25))
    items += [
        NavItem("visits.index", _l("Visits"), 30),
        NavItem("teams.index", _l("Teams"), 40),
        NavItem("farms.index", _l("Farms"), 50),
        NavItem("events.index", _l("Events"), 60),
    ]
    if user.role in (Role.ADMIN, Role.REVIEWER):
        items.append(NavItem("review.index", _l("Review"), 65))
    if may_review(user):  # inspections, the year-end assessment, rectifications
        items += [
            NavItem("inspections.index", _l("Inspections"), 66),
            NavItem("assessments.index", _l("Assessment"), 67),
            NavItem("rectifications.index", _l("Rectifications"), 68),
            NavItem("audit.index", _l("Audit trail"), 69),
        ]
    if may_manage_roster(user):
        items.append(NavItem("roster.index", _l("Roster workbook"), 71))
    if is_admin(user):
        items += [
            NavItem("users.index", _l("Users"), 70),
            NavItem("plugins_admin.index", _l("Plugins"), 80),
            NavItem("jobs_admin.index", _l("Jobs"), 85),
            NavItem("deleted.index", _l("Deleted records"), 86),
        ]
    return items


@hookimpl(trylast=True)
def event_changed(event) -> None:
    """Render the changed event's calendar text now, so feeds only assemble stored texts."""
    from core.calendar.cache import refresh

    refresh([event.id])


@hookimpl(trylast=True)
def digest_sections(user: User, start: date, end: date) -> list[DigestSection]:
    """The core's digest: new visits, rule flags, upcoming events, overdue rectifications."""
    from core.notify.digest import core_sections

    return core_sections(user, start, end)


@hookimpl(trylast=True)
def scheduled_jobs() -> list:
    """The core's jobs: event reminders, stale farms, the weekly digest, email."""
    from core.jobs.builtin import core_jobs

    return core_jobs()
