"""Calling hooks: the one way the core reaches plugins.

:func:`call_each` (and :func:`call`, which flattens) call a hook on the enabled plugins only,
one implementation at a time, so one plugin's exception never costs the others their results;
:func:`call_committing` commits each plugin's writes on their own. Installed is not enabled:
:mod:`core.plugins.state` keeps the flags in the database.
"""

import logging
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from core.contracts import HookResult
from core.errors import describe_error
from core.extensions import db
from core.models.base import utcnow
from core.plugins.host import CORE, RuntimeFailure, host_of
from core.plugins.state import enabled_names

logger = logging.getLogger("core.plugins")


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
