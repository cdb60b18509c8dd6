"""Plugin pages and API: registered at start-up, gated by the enabled flag on every request.

Flask cannot add blueprints once it serves, so every installed plugin's blueprints are
registered when the app is built, pages under ``/plugins/<name>`` and API under
``/api/v1/plugins/<name>``. A ``before_request`` function put first on each of them answers
404 while the plugin is disabled. Two plugins (or a plugin and the core) claiming the same
blueprint name or URL prefix stop the start-up with
:class:`~core.plugins.host.PluginConflictError`.
"""

from flask import Blueprint, Flask, abort

from core.extensions import api, csrf
from core.plugins.calls import call_each, mark_failed
from core.plugins.host import CORE, PluginConflictError
from core.plugins.state import is_enabled

#: where each plugin's pages and API live (``{name}`` is the plugin's short name)
PAGE_PREFIX = "/plugins/{name}"
API_PREFIX = "/api/v1/plugins/{name}"


def register_blueprints(app: Flask) -> None:
    """Register the page and API blueprints of every installed plugin, or raise on a clash."""
    owners = {name: CORE for name in app.blueprints}  # blueprint name -> plugin
    prefixes: dict[str, str] = {}  # URL prefix -> plugin
    for hook_name, template in (("blueprints", PAGE_PREFIX), ("api_blueprints", API_PREFIX)):
        for result in call_each(app, hook_name, include_disabled=True):
            if result.failed:
                mark_failed(app, result.plugin, f"{hook_name}() raised {result.error}")
                continue
            base = template.format(name=result.plugin)
            for bp in result.value:
                prefix = _claim(result.plugin, bp, base, owners, prefixes)
                _gate(app, bp.name, result.plugin)
                if hook_name == "api_blueprints":
                    csrf.exempt(bp)
                    api.register_blueprint(bp, url_prefix=prefix)
                else:
                    app.register_blueprint(bp, url_prefix=prefix)


def _claim(plugin: str, bp: Blueprint, base: str, owners: dict, prefixes: dict) -> str:
    """Check a blueprint's name and prefix against everything registered; return the prefix."""
    other = owners.get(bp.name)
    if other is not None:
        raise PluginConflictError(
            f"plugin {plugin!r} registers a blueprint named {bp.name!r}, "
            f"already registered by {_who(other)}"
        )
    prefix = (bp.url_prefix or base).rstrip("/")
    if prefix != base and not prefix.startswith(base + "/"):
        raise PluginConflictError(
            f"plugin {plugin!r}: blueprint {bp.name!r} claims {prefix!r}, outside {base!r}"
        )
    other = prefixes.get(prefix)
    if other is not None and other != plugin:
        raise PluginConflictError(
            f"plugin {plugin!r} and {_who(other)} both claim the URL prefix {prefix!r}"
        )
    owners[bp.name] = plugin
    prefixes[prefix] = plugin
    return prefix


def _who(plugin: str) -> str:
    """``the core`` or ``plugin 'name'``, for error messages."""
    return "the core" if plugin == CORE else f"plugin {plugin!r}"


def _gate(app: Flask, blueprint_name: str, plugin: str) -> None:
    """Answer 404 on the blueprint's routes while ``plugin`` is disabled (runs first)."""

    def plugin_enabled_or_404() -> None:
        """404 unless the plugin owning this blueprint is enabled now."""
        if not is_enabled(app, plugin):
            abort(404)

    app.before_request_funcs.setdefault(blueprint_name, []).insert(0, plugin_enabled_or_404)
