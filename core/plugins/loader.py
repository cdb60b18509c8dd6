"""Finding and loading plugins into a pluggy manager (used by :mod:`core.plugins`).

The order (:func:`build`): add the hook specs; block the names in ``PLUGINS_BLOCKED`` (never
imported); register the core's own implementations (``DEFAULT_PLUGIN``, by dotted name, under
the name ``core``);
register the first-party packages of ``plugins/`` as ``plugins.<name>`` under ``<name>``; load
the entry points of the group ``kepu.plugins`` unless ``PLUGINS_AUTOLOAD`` is off; then
``check_pending()``. A plugin whose import or registration fails is recorded with its error and
logged; the app keeps starting.

A plugin is a module or package holding ``@hookimpl`` functions; when a package has a
``hooks`` submodule, that submodule is what gets registered. Its docstring's first line is the
plugin's title, the rest its description.
"""

import importlib
import importlib.metadata
import importlib.util
import inspect
import logging
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask

from core import hookspecs
from core.errors import describe_error
from core.plugins.host import (
    CORE,
    ENTRY_POINT_GROUP,
    FIRST_PARTY,
    PluginHost,
    PluginInfo,
    config_names,
    host_of,
)
from core.version import kepu_version

logger = logging.getLogger("core.plugins")  # one logger for all plugin messages

#: the core's own hook implementations, loaded by dotted name like any plugin (Datasette's
#: DEFAULT_PLUGINS), so building the manager imports no domain code
DEFAULT_PLUGIN = "core.defaults"


def build(app: Flask) -> PluginHost:
    """A plugin manager for ``app``, in the order described at the top of this module."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm)
    for name in config_names(app, "PLUGINS_BLOCKED"):
        pm.set_blocked(name)
    pm.register(importlib.import_module(DEFAULT_PLUGIN), name=CORE)
    for name in _first_party_names():
        info = PluginInfo(name, "first-party", f"{FIRST_PARTY}.{name}")
        _load(host, info, lambda target=info.target: importlib.import_module(target))
    if app.config["PLUGINS_AUTOLOAD"]:
        for ep in _entry_points():
            dist = ep.dist.metadata["Name"] if ep.dist else ""
            info = PluginInfo(
                ep.name,
                "entry point",
                ep.value,
                dist=dist,
                version=ep.dist.version if ep.dist else "",
            )
            _load(host, info, ep.load)
    pm.check_pending()
    return host


def _first_party_names() -> list[str]:
    """The packages in ``plugins/``, found without importing them."""
    spec = importlib.util.find_spec(FIRST_PARTY)
    if spec is None or not spec.submodule_search_locations:
        return []
    found = pkgutil.iter_modules(list(spec.submodule_search_locations))
    return sorted(m.name for m in found if m.ispkg and not m.name.startswith("_"))


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    """The entry points of ``kepu.plugins``, one per name (the first found wins)."""
    seen: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        seen.setdefault(ep.name, ep)
    return list(seen.values())


def _load(host: PluginHost, info: PluginInfo, loader) -> None:
    """Import and register one plugin, recording (not raising) any failure."""
    if info.name == CORE or info.name in host.plugins:
        logger.warning("plugin %s from %s ignored: the name is taken", info.name, info.target)
        return
    host.plugins[info.name] = info
    if host.pm.is_blocked(info.name):
        info.blocked = True
        return
    try:
        module = loader()
        hooks = _hooks_object(module)
        info.title, info.description = _describe_module(module)
        info.version = info.version or getattr(module, "__version__", "")
        if not info.version and info.source == "first-party":
            info.version = kepu_version(default="")
        host.pm.register(hooks, name=info.name)
        _check_registration(host.pm, hooks, info.name)
    except Exception as exc:  # any failure of a plugin must not stop the app
        if host.pm.has_plugin(info.name):
            host.pm.unregister(name=info.name)
        info.error = describe_error(exc)
        logger.exception("plugin %s failed to load: %s", info.name, info.error)
        return
    info.module = module


def _hooks_object(module: Any) -> Any:
    """What to register: the package's ``hooks`` submodule if it has one, else the module."""
    if isinstance(module, ModuleType) and hasattr(module, "__path__"):
        dotted = f"{module.__name__}.hooks"
        if importlib.util.find_spec(dotted) is not None:
            return importlib.import_module(dotted)
    return module


def _check_registration(pm: pluggy.PluginManager, hooks: Any, name: str) -> None:
    """Refuse implementations of unknown hooks (a misspelling) and hook wrappers."""
    for caller in pm.get_hookcallers(hooks) or []:
        if not caller.has_spec():
            raise pluggy.PluginValidationError(hooks, f"unknown hook {caller.name!r}")
        for impl in caller.get_hookimpls():
            if impl.plugin is hooks and (impl.wrapper or impl.hookwrapper):
                raise pluggy.PluginValidationError(
                    hooks, f"hook wrappers are not supported ({caller.name!r})"
                )


def _describe_module(module: Any) -> tuple[Any, Any]:
    """Title and description of a plugin: its ``TITLE`` and ``DESCRIPTION`` (lazy strings, so
    the admin page shows them in the reader's language) when it declares them, else the first
    line of its docstring and the rest."""
    doc = inspect.getdoc(module) or ""
    title, _, rest = doc.partition("\n")
    return (
        getattr(module, "TITLE", None) or title.strip(),
        getattr(module, "DESCRIPTION", None) or rest.strip(),
    )


def plugin_package_dirs(app: Flask) -> dict[str, Path]:
    """The folder of every installed plugin that is a package (for its migrations)."""
    dirs = {}
    for name, info in host_of(app).plugins.items():
        module = info.module
        if info.installed and hasattr(module, "__path__") and getattr(module, "__file__", None):
            dirs[name] = Path(module.__file__).resolve().parent
    return dirs


def migration_dirs(app: Flask) -> list[str]:
    """The ``migrations/`` folders of the installed plugins (their Alembic branches)."""
    dirs = (path / "migrations" for path in plugin_package_dirs(app).values())
    return [str(path) for path in dirs if path.is_dir()]


def import_models(app: Flask) -> None:
    """Import the ``models`` module of every installed plugin, so its tables are on the metadata."""
    for info in host_of(app).plugins.values():
        if info.installed and hasattr(info.module, "__path__"):
            dotted = f"{info.module.__name__}.models"
            if importlib.util.find_spec(dotted) is not None:
                importlib.import_module(dotted)
