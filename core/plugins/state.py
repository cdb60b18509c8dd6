"""Which plugins are enabled, and their settings: kept in the database, changed by admins.

The flags live in the ``plugin_states`` table, so every process serving the database agrees.
A process keeps what it read for ``PLUGIN_STATES_CACHE_SECONDS`` (5 by default; 0: read on
every call, once per request): a change made in this process is seen at once (any commit
that writes ``plugin_states`` drops the kept copy), one made by another process within those
seconds. A request never sees two versions (the flags are kept in ``g`` for its length).
A plugin without a row is disabled unless it is listed in
``PLUGINS_ENABLED_BY_DEFAULT``. Disabling never touches a plugin's own tables.
"""

import logging
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from core.contracts import SettingSpec
from core.errors import describe_error, is_unreachable
from core.extensions import db
from core.models import PluginState
from core.plugins.host import PluginInfo, config_names, host_of

logger = logging.getLogger(__name__)

_CACHE = "_kepu_plugin_states"

#: what ``state_of`` answers
ENABLED, DISABLED, FAILED, BLOCKED = "enabled", "disabled", "failed", "blocked"


class PluginStateError(ValueError):
    """A plugin that cannot be switched: unknown or blocked."""


@dataclass(frozen=True)
class StoredState:
    """A row of ``plugin_states``, as plain values."""

    enabled: bool
    settings: Mapping[str, Any] = field(default_factory=dict)


#: the flags kept by this process, per app: app -> (monotonic expiry, states)
_KEPT: "weakref.WeakKeyDictionary[Flask, tuple[float, dict[str, StoredState]]]" = (
    weakref.WeakKeyDictionary()
)


def init_app(app: Flask) -> None:
    """Make each request read the flags afresh, even when it shares an app context."""
    app.before_request(forget)


@event.listens_for(Session, "after_commit")
def _drop_kept_after_a_change(session: Session) -> None:
    """A commit that wrote ``plugin_states`` in this process: every app reads them again."""
    if session.info.pop(_WROTE_STATES, False):
        _KEPT.clear()


@event.listens_for(Session, "after_flush")
def _note_state_writes(session: Session, flush_context) -> None:
    """Note a flush that wrote ``plugin_states`` (dropped from the kept copy at commit)."""
    if any(
        isinstance(obj, PluginState) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info[_WROTE_STATES] = True


_WROTE_STATES = "kepu_wrote_plugin_states"


def forget() -> None:
    """Drop the flags kept for the current request (after a change, or when one starts)."""
    if has_request_context():
        g.pop(_CACHE, None)


def forget_everywhere() -> None:
    """Drop every copy of the flags this process keeps (the request's and the apps')."""
    forget()
    _KEPT.clear()


def stored_states(app: Flask) -> dict[str, StoredState]:
    """Every plugin's stored flag and settings: once per request, else on every call."""
    cache = has_request_context()
    if cache and _CACHE in g:
        return g.get(_CACHE)
    kept = _KEPT.get(app)
    if kept is not None and kept[0] > time.monotonic():
        if cache:
            setattr(g, _CACHE, kept[1])
        return kept[1]
    try:
        rows = db.session.execute(
            select(PluginState.name, PluginState.enabled, PluginState.settings)
        ).all()
    except (OperationalError, ProgrammingError) as exc:  # the table is missing: not migrated
        if is_unreachable(exc):
            raise  # no database at all: the request answers 503, not "every plugin is off"
        db.session.rollback()
        logger.warning(
            "cannot read plugin states (run `kepu db upgrade`): %s",
            describe_error(getattr(exc, "orig", None) or exc),
        )
        rows = []
    states = {row.name: StoredState(row.enabled, row.settings or {}) for row in rows}
    if cache:
        setattr(g, _CACHE, states)
    seconds = float(app.config.get("PLUGIN_STATES_CACHE_SECONDS", 0))
    if seconds > 0 and rows:
        _KEPT[app] = (time.monotonic() + seconds, states)
    return states


def enabled_names(app: Flask) -> frozenset[str]:
    """The installed plugins that are enabled now."""
    defaults = set(config_names(app, "PLUGINS_ENABLED_BY_DEFAULT"))
    states = stored_states(app)
    return frozenset(
        name
        for name in host_of(app).installed_names()
        if (states[name].enabled if name in states else name in defaults)
    )


def is_enabled(app: Flask, name: str) -> bool:
    """True when the plugin ``name`` is installed and enabled."""
    return name in enabled_names(app)


def state_of(app: Flask, info: PluginInfo) -> str:
    """``enabled``, ``disabled``, ``failed`` (import or registration) or ``blocked``."""
    if info.blocked:
        return BLOCKED
    if info.error is not None:
        return FAILED
    return ENABLED if is_enabled(app, info.name) else DISABLED


def plugin_info(app: Flask, name: str) -> PluginInfo:
    """The plugin ``name``; :class:`PluginStateError` when no such plugin was found."""
    info = host_of(app).plugins.get(name)
    if info is None:
        known = ", ".join(sorted(host_of(app).plugins)) or "none"
        raise PluginStateError(f"no plugin named {name!r} (found: {known})")
    return info


def set_enabled(app: Flask, name: str, enabled: bool) -> PluginInfo:
    """Enable or disable a plugin for every process on the database; commits."""
    info = plugin_info(app, name)
    if info.blocked:
        raise PluginStateError(f"plugin {name!r} is blocked by PLUGINS_BLOCKED")
    row = _row(name)
    row.enabled = enabled
    db.session.commit()
    forget()
    host_of(app).failures.pop(name, None)
    logger.info("plugin %s %s", name, "enabled" if enabled else "disabled")
    return info


def _row(name: str) -> PluginState:
    """The stored row of plugin ``name``, created (disabled, no settings) if missing."""
    row = db.session.execute(select(PluginState).where(PluginState.name == name)).scalar()
    if row is None:
        row = PluginState(name=name, enabled=False, settings={})
        db.session.add(row)
    return row


# --- settings ------------------------------------------------------------------------------


def settings_of(app: Flask, name: str) -> dict[str, Any]:
    """The plugin's settings: stored values of the declared keys, defaults for the rest."""
    stored = stored_states(app).get(name, StoredState(False)).settings
    values = {}
    for key, spec in host_of(app).settings.get(name, {}).items():
        try:
            values[key] = _typed(spec, stored.get(key, spec.default))
        except TypeError:  # stored under an older declaration of another type
            values[key] = spec.default
    return values


def _typed(spec: SettingSpec, value: Any) -> Any:
    """``value`` as the setting's type (an int is accepted for a float); else ``TypeError``."""
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        raise TypeError(f"setting {spec.key!r} needs a {spec.type.__name__}")
    return value


def setting(plugin: str, key: str, *, app: Flask | None = None) -> Any:
    """One setting of ``plugin`` (its stored value, or the declared default).

    Raises ``KeyError`` when the plugin declared no such setting.
    """
    app = app or current_app._get_current_object()
    values = settings_of(app, plugin)
    if key not in values:
        raise KeyError(f"plugin {plugin!r} declares no setting {key!r}")
    return values[key]


def plugin_of_module(app: Flask, module_name: str) -> str:
    """The installed plugin whose package holds the module ``module_name``.

    Raises ``LookupError`` when no plugin does (the module belongs to the core or elsewhere).
    """
    for name, info in host_of(app).plugins.items():
        if not info.installed:
            continue
        package = info.module.__name__
        if module_name == package or module_name.startswith(package + "."):
            return name
    raise LookupError(f"module {module_name!r} is not part of an installed plugin")


def save_settings(app: Flask, name: str, values: Mapping[str, Any]) -> None:
    """Store new values for declared settings of ``name``; commits.

    Raises :class:`PluginStateError` for an undeclared key or a value of the wrong type.
    """
    plugin_info(app, name)
    specs = host_of(app).settings.get(name, {})
    clean = {}
    for key, value in values.items():
        spec = specs.get(key)
        if spec is None:
            raise PluginStateError(f"plugin {name!r} declares no setting {key!r}")
        try:
            clean[key] = _typed(spec, value)
        except TypeError as exc:
            raise PluginStateError(str(exc)) from None
    row = _row(name)
    row.settings = {**(row.settings or {}), **clean}
    db.session.commit()
    forget()


# --- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PluginRow:
    """One plugin as the plugins page and ``kepu plugins list`` show it (plain values)."""

    name: str
    title: str
    description: str
    version: str
    #: ``first-party`` or ``entry point``
    source: str
    #: the distribution declaring the entry point, if any
    dist: str
    #: enabled, disabled, failed or blocked
    state: str
    #: why it failed to load, if it did
    error: str | None
    #: the last hook that raised in this process and its error, if any
    runtime_error: str | None
    #: current setting values (defaults filled in), by key
    settings: Mapping[str, Any]


def plugin_rows(app: Flask) -> list[PluginRow]:
    """Every plugin found at start-up (blocked and failed ones too), by name."""
    host = host_of(app)
    rows = []
    for name in sorted(host.plugins):
        info = host.plugins[name]
        failure = host.failures.get(name)
        rows.append(
            PluginRow(
                name=name,
                title=info.title or name,
                description=info.description,
                version=info.version,
                source=info.source,
                dist=info.dist,
                state=state_of(app, info),
                error=info.error,
                runtime_error=f"{failure.hook}: {failure.error}" if failure else None,
                settings=settings_of(app, name) if info.installed else {},
            )
        )
    return rows
