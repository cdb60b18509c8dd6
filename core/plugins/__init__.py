"""The plugin machinery: one-way modules, built inside ``create_app``.

- :mod:`~core.plugins.host`: the manager's holder and what is known of each plugin;
- :mod:`~core.plugins.loader`: finding, importing and registering plugins (the core's own hook
  implementations, :mod:`core.defaults`, by dotted name like any other);
- :mod:`~core.plugins.state`: which plugins are enabled, and their settings (in the database);
- :mod:`~core.plugins.calls`: calling hooks on the enabled plugins, each one isolated;
- :mod:`~core.plugins.routes`: the plugins' blueprints, gated by the enabled flag;
- :mod:`~core.plugins.delivery`: ``visit_logged`` / ``event_changed`` after each commit;
- :mod:`~core.plugins.migrations`: each plugin's Alembic branch;
- :mod:`~core.plugins.translations`: each plugin's own translations.

:func:`init_app` puts them together; the names below are what the rest of the core uses.
Plugins themselves use :mod:`core.plugin_api` only.
"""

from flask import Flask

from core.errors import describe_error
from core.plugins import delivery, migrations, routes, state
from core.plugins.calls import (
    call,
    call_committing,
    call_each,
    implementers,
    mark_failed,
    record_failure,
    runtime_failures,
)
from core.plugins.host import (
    CORE,
    ENTRY_POINT_GROUP,
    EXTENSION,
    FIRST_PARTY,
    PluginConflictError,
    PluginHost,
    PluginInfo,
    RuntimeFailure,
    host_of,
)
from core.plugins.loader import build, import_models, migration_dirs
from core.plugins.translations import add_plugin_translations

__all__ = [
    "CORE",
    "ENTRY_POINT_GROUP",
    "EXTENSION",
    "FIRST_PARTY",
    "PluginConflictError",
    "PluginHost",
    "PluginInfo",
    "RuntimeFailure",
    "call",
    "call_committing",
    "call_each",
    "describe_error",
    "host_of",
    "implementers",
    "import_models",
    "init_app",
    "mark_failed",
    "migration_dirs",
    "migrations",
    "record_failure",
    "runtime_failures",
]


def init_app(app: Flask) -> None:
    """Build the plugin manager, collect the plugins' settings, register their blueprints,
    and deliver the after-commit hooks."""
    host = build(app)
    app.extensions[EXTENSION] = host
    for result in call_each(app, "plugin_settings", include_disabled=True):
        if result.failed:
            mark_failed(app, result.plugin, f"plugin_settings() raised {result.error}")
        else:
            host.settings[result.plugin] = {spec.key: spec for spec in result.value}
    routes.register_blueprints(app)
    add_plugin_translations(app)
    state.init_app(app)
    delivery.init_app(app)
