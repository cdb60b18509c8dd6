"""Every hook a Kepu plugin can implement, in one place.

A plugin implements a hook by defining a function of the same name decorated with
``@hookimpl`` (``from core import hookimpl``); it may accept any subset of the arguments shown.
Implementations run in last-registered-first order; the core sorts what comes back itself.

Two kinds of hooks:

- **start-up hooks** (``blueprints``, ``api_blueprints``, ``cli_commands``, ``scheduled_jobs``,
  ``plugin_settings``) are collected once, when the app is built, from every *installed*
  plugin, because Flask, click and the scheduler cannot add things later. The core gates what
  they declared at run time: pages and API answer 404, commands refuse, jobs skip while the
  plugin is disabled.
- **run-time hooks** (all the others) are called only on *enabled* plugins, through
  :func:`core.plugins.call`. An implementation that raises is logged with its plugin's name
  and skipped; the other plugins' results still come back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    import flask
    import flask_smorest

    from core.contracts import (
        CalendarEntry,
        DigestSection,
        JobSpec,
        NavItem,
        PageAction,
        ReviewSection,
        SettingSpec,
    )
    from core.models import Area, Event, User, Visit

#: the project name of every Kepu hook
PROJECT = "kepu"

#: marks the hook specifications below
hookspec = pluggy.HookspecMarker(PROJECT)
#: marks a plugin's hook implementations (re-exported as ``core.hookimpl``)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def blueprints() -> list[flask.Blueprint] | None:
    """The plugin's page blueprints (start-up hook).

    Called once while the app is built, for every installed plugin. Return Flask blueprints;
    the core registers them under ``/plugins/<name>`` (a blueprint's own ``url_prefix`` must be
    empty or start with it) and answers 404 to their pages while the plugin is disabled. The
    main blueprint is usually named after the plugin and has an ``index`` view.
    """


@hookspec
def api_blueprints() -> list[flask_smorest.Blueprint] | None:
    """The plugin's JSON API blueprints (start-up hook).

    Called once while the app is built, for every installed plugin. Return flask-smorest
    blueprints; the core registers them under ``/api/v1/plugins/<name>`` (same prefix rule as
    :func:`blueprints`), documents them in the OpenAPI document and answers 404 while the
    plugin is disabled.
    """


@hookspec
def nav_items(user: User) -> list[NavItem] | None:
    """Main-menu entries for ``user``, a signed-in :class:`~core.models.User`.

    Called on every page a signed-in user sees. Return :class:`~core.contracts.NavItem`
    objects for the pages this user may open (or nothing); the core sorts them by ``order``.
    """


@hookspec
def review_sections(area: Area, start: date, end: date, user: User) -> list[ReviewSection] | None:
    """Sections of the township review of ``area`` for the days ``start`` to ``end`` (inclusive).

    Called when ``user`` (a reviewer or an admin who may read ``area``) opens the review or
    exports it. Return :class:`~core.contracts.ReviewSection` objects with this plugin's
    figures for the area's subtree. If the implementation raises, the review shows the
    plugin's section as unavailable and the rest of the page still works.
    """


@hookspec
def digest_sections(user: User, start: date, end: date) -> list[DigestSection] | None:
    """Sections of ``user``'s weekly digest for the days ``start`` to ``end`` (inclusive).

    Called by the ``core.weekly_digest`` job for every active reviewer with an area, once a
    week for the seven days before the run, under the reviewer's language. Return
    :class:`~core.contracts.DigestSection` objects about what happened in ``user``'s area
    (or nothing when there is nothing to say); the core sorts them by ``order`` and sends no
    digest when no section comes back. If the implementation raises, only this plugin's
    sections are left out of the digest.
    """


@hookspec
def calendar_events(start: date, end: date) -> list[CalendarEntry] | None:
    """Extra calendar entries touching the days ``start`` to ``end`` (inclusive).

    Called when a calendar feed or the events calendar is built. Return
    :class:`~core.contracts.CalendarEntry` objects; their UIDs must stay stable across calls.
    """


@hookspec
def scheduled_jobs() -> list[JobSpec] | None:
    """The plugin's scheduled jobs (start-up hook).

    Called once while the app is built, for every installed plugin. Return
    :class:`~core.contracts.JobSpec` objects; the core runs each one inside an app context
    when its trigger fires, and skips the run while the plugin is disabled.
    """


@hookspec
def cli_commands() -> list[click.Command] | None:
    """The plugin's ``kepu`` commands (start-up hook).

    Called once while the app is built, for every installed plugin. Return click commands; the
    core puts them in a group named after the plugin (``kepu <name> <command>``), run inside
    an app context, that refuses to run while the plugin is disabled.
    """


@hookspec
def demo_data(seed: int, today: date) -> Mapping[str, int] | None:
    """Add the plugin's demo records to the demo county (``kepu demo``).

    Called after the core's demo county is committed, with its random ``seed`` and the day it
    is built for. Add rows to ``db.session`` (the core commits them, or rolls them back if the
    implementation raises) and return counts to print, e.g. ``{"reading rooms": 100}``.
    """


@hookspec
def visit_logged(visit: Visit) -> None:
    """A :class:`~core.models.Visit` was logged (from a page, the API or a command).

    Called after the visit is committed, before the response is sent. Rows added to
    ``db.session`` are committed after the implementation returns (rolled back if it raises).
    Changes made here do not trigger further notifications. Returns nothing.
    """


@hookspec
def visit_actions(visit: Visit, user: User) -> list[PageAction] | None:
    """Buttons or links for the page of one :class:`~core.models.Visit`, seen by ``user``.

    Called when a signed-in user who may read the visit opens its page. Return
    :class:`~core.contracts.PageAction` objects for what this user may do with the visit
    in the plugin (e.g. send the questions it noted to another desk), or nothing. A
    ``post`` action is rendered as a button in a form carrying the CSRF token.
    """


@hookspec
def event_changed(event: Event) -> None:
    """An :class:`~core.models.Event` was created, edited, cancelled or (soft-)deleted.

    Called after the change is committed (``event.revision`` has already risen), with the
    same commit rules as :func:`visit_logged`. Returns nothing.
    """


@hookspec
def plugin_settings() -> list[SettingSpec] | None:
    """The plugin's settings and their defaults (start-up hook).

    Called once while the app is built, for every installed plugin. Return
    :class:`~core.contracts.SettingSpec` objects; admins change the values on the plugins page
    and the plugin reads them with :func:`core.plugin_api.setting` (``setting(key)``).
    """
