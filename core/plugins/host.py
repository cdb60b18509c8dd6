"""The plugin host of an app: the pluggy manager and what is known of each plugin found.

Plain data and the names every part of the plugin machinery shares; it imports no other part.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

import pluggy
from flask import Flask

from core.contracts import SettingSpec

#: where the plugin host lives: ``app.extensions[EXTENSION]``
EXTENSION = "kepu_plugins"
#: the entry-point group third-party plugins declare
ENTRY_POINT_GROUP = "kepu.plugins"
#: the package holding first-party plugins
FIRST_PARTY = "plugins"
#: the name the core's own hook implementations are registered under (always enabled)
CORE = "core"


class PluginConflictError(RuntimeError):
    """Two plugins (or a plugin and the core) claim the same name, blueprint or URL."""


@dataclass
class PluginInfo:
    """What the core knows of one plugin found at start-up."""

    #: short name, e.g. ``reading_rooms``
    name: str
    #: ``first-party`` or ``entry point``
    source: str
    #: the dotted module path or entry-point value
    target: str
    #: distribution that declared the entry point, if any
    dist: str = ""
    #: the distribution's version, the package's ``__version__``, or Kepu's (first-party)
    version: str = ""
    #: first line of the package docstring
    title: str = ""
    #: the rest of the package docstring
    description: str = ""
    #: the imported package (None while blocked or if the import failed)
    module: ModuleType | None = None
    #: why it could not be loaded or registered
    error: str | None = None
    #: listed in ``PLUGINS_BLOCKED``
    blocked: bool = False

    @property
    def installed(self) -> bool:
        """True when the plugin is registered with the manager (it may still be disabled)."""
        return self.module is not None and self.error is None and not self.blocked


@dataclass
class RuntimeFailure:
    """The last exception a plugin's hook raised in this process."""

    #: the hook (or ``job <id>``) that raised
    hook: str
    #: ``ExceptionType: message``
    error: str
    #: when it raised
    at: datetime


@dataclass
class PluginHost:
    """The pluggy manager of one app and what is known of each plugin."""

    #: the pluggy manager, with the core's defaults and every installed plugin registered
    pm: pluggy.PluginManager
    #: every plugin found (installed, failed or blocked), by short name; the core excluded
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    #: the last failure of each plugin inside a hook, in this process
    failures: dict[str, RuntimeFailure] = field(default_factory=dict)
    #: declared settings, per plugin, per key (from ``plugin_settings``)
    settings: dict[str, dict[str, SettingSpec]] = field(default_factory=dict)

    def installed_names(self) -> list[str]:
        """The names of the registered plugins, the core excluded."""
        return sorted(name for name, info in self.plugins.items() if info.installed)


def config_names(app: Flask, key: str) -> list[str]:
    """A configured list of plugin names (a JSON list, or a comma-separated string)."""
    value = app.config.get(key) or []
    if isinstance(value, str):
        value = value.split(",")
    return [name.strip() for name in value if name.strip()]


def host_of(app: Flask) -> PluginHost:
    """The plugin host of ``app``."""
    return app.extensions[EXTENSION]
