"""The plugin manager of an app: built inside ``create_app``, the one way hooks are called.

:func:`init_app` builds the manager (:mod:`core.plugin_loader`), keeps it on the app
(``app.extensions["kepu_plugins"]``), collects the plugins' settings and registers their
blueprints. :func:`call_each` (and :func:`call`, which flattens) call a hook on the enabled
plugins only, one implementation at a time, so one plugin's exception never costs the others
their results. Installed is not enabled: :mod:`core.plugin_state` keeps the flags in the
database.
"""

import logging
from typing import Any

from flask import Flask

from core.contracts import HookResult
from core.models.base import utcnow
from core.plugin_loader import (
    CORE,
    ENTRY_POINT_GROUP,
    EXTENSION,
    FIRST_PARTY,
    PluginConflictError,
    PluginHost,
    PluginInfo,
    RuntimeFailure,
    build,
    describe_error,
    host_of,
    import_models,
    migration_dirs,
)

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
    "record_failure",
    "runtime_failures",
]

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Build the plugin manager, then register the plugins' blueprints and signal delivery."""
    from core import plugin_routes, plugin_state, signals

    host = build(app)
    app.extensions[EXTENSION] = host
    for result in call_each(app, "plugin_settings", include_disabled=True):
        if result.failed:
            mark_failed(app, result.plugin, f"plugin_settings() raised {result.error}")
        else:
            host.settings[result.plugin] = {spec.key: spec for spec in result.value}
    plugin_routes.register_blueprints(app)
    plugin_state.init_app(app)
    signals.init_app(app)


def mark_failed(app: Flask, name: str, error: str) -> None:
    """Take a plugin whose start-up hook raised out of the manager, recording why."""
    if name == CORE:
        raise RuntimeError(f"the core's own hooks failed: {error}")
    host = host_of(app)
    host.plugins[name].error = error
    if host.pm.has_plugin(name):
        host.pm.unregister(name=name)
    logger.error("plugin %s failed at start-up: %s", name, error)


def call_each(
    app: Flask,
    hook_name: str,
    *,
    only: set[str] | None = None,
    include_disabled: bool = False,
    **kwargs: Any,
) -> list[HookResult]:
    """Call a hook on every enabled plugin, one implementation at a time; the one entry point.

    Returns one :class:`~core.contracts.HookResult` per implementation that returned something
    or raised, in pluggy's call order. Disabled and failed plugins are left out with pluggy's
    ``subset_hook_caller``; ``only`` narrows the call to the named plugins; ``include_disabled``
    is for start-up hooks, collected from every installed plugin. An implementation that raises
    is logged with its plugin's name and recorded (:func:`runtime_failures`); the others run.
    """
    host = host_of(app)
    hook = getattr(host.pm.hook, hook_name, None)
    if hook is None or hook.spec is None:
        raise ValueError(f"no hook named {hook_name!r}")
    wanted = set(hook.spec.argnames)
    if set(kwargs) != wanted:
        raise TypeError(f"hook {hook_name!r} takes {sorted(wanted)}, got {sorted(kwargs)}")
    impls = hook.get_hookimpls()
    active = _active_names(app, impls, include_disabled)
    removed = {
        impl.plugin
        for impl in impls
        if (active is not None and impl.plugin_name not in active)
        or (only is not None and impl.plugin_name not in only)
    }
    caller = host.pm.subset_hook_caller(hook_name, removed)
    firstresult = hook.spec.opts.get("firstresult", False)
    results = []
    for impl in reversed(caller.get_hookimpls()):
        args = [kwargs[name] for name in impl.argnames]
        extra = {name: kwargs[name] for name in impl.kwargnames if name in kwargs}
        try:
            value = impl.function(*args, **extra)
        except Exception as exc:  # isolate each plugin
            record_failure(app, impl.plugin_name, hook_name, exc)
            results.append(HookResult(impl.plugin_name, error=describe_error(exc)))
            continue
        if value is not None:
            results.append(HookResult(impl.plugin_name, value))
            if firstresult:
                break
    return results


def _active_names(app: Flask, impls, include_disabled: bool) -> set[str] | None:
    """The plugins a call may reach; None for all. Reads the database only when it matters."""
    if include_disabled or all(impl.plugin_name == CORE for impl in impls):
        return None
    from core.plugin_state import enabled_names

    return {CORE, *enabled_names(app)}


def call(app: Flask, hook_name: str, *, expect: type | None = None, **kwargs: Any) -> list:
    """Call a hook on the enabled plugins and return their results as one flat list.

    Lists and tuples returned by implementations are flattened, ``None`` and failures are
    skipped. With ``expect``, items of another type are dropped and recorded as the
    plugin's failure.
    """
    items = []
    for result in call_each(app, hook_name, **kwargs):
        if result.failed:
            continue
        values = result.value if isinstance(result.value, list | tuple) else [result.value]
        for value in values:
            if expect is not None and not isinstance(value, expect):
                error = TypeError(f"returned {type(value).__name__}, not {expect.__name__}")
                record_failure(app, result.plugin, hook_name, error)
                continue
            items.append(value)
    return items


def implementers(app: Flask, hook_name: str) -> list[str]:
    """The enabled plugins implementing a hook, in call order."""
    impls = getattr(host_of(app).pm.hook, hook_name).get_hookimpls()
    active = _active_names(app, impls, include_disabled=False)
    names = (impl.plugin_name for impl in reversed(impls))
    return list(dict.fromkeys(n for n in names if active is None or n in active))


def call_committing(app: Flask, hook_name: str, **kwargs: Any) -> list[HookResult]:
    """Call a hook that writes, plugin by plugin, through :func:`call_each`.

    Each plugin's rows are committed after it returns, or rolled back if it raised (or the
    commit failed), so one plugin's failure never keeps or loses another's work.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from core.extensions import db

    results = []
    for name in implementers(app, hook_name):
        outcome = call_each(app, hook_name, only={name}, **kwargs)
        if any(result.failed for result in outcome):
            db.session.rollback()
        else:
            try:
                db.session.commit()
            except SQLAlchemyError as exc:
                db.session.rollback()
                record_failure(app, name, hook_name, exc)
                outcome = [HookResult(name, error=describe_error(exc))]
        results += outcome
    return results


def record_failure(app: Flask, plugin: str, hook_name: str, exc: BaseException) -> None:
    """Log a plugin's failure inside a hook and keep it for the plugins page."""
    text = describe_error(exc)
    logger.error("plugin %s failed in hook %s: %s", plugin, hook_name, text, exc_info=exc)
    host_of(app).failures[plugin] = RuntimeFailure(hook_name, text, utcnow())


def runtime_failures(app: Flask) -> dict[str, RuntimeFailure]:
    """The last failure of each plugin inside a hook, in this process."""
    return dict(host_of(app).failures)
