"""``core.plugin_api`` is the one door plugins use: every first-party plugin and the sample
plugin import nothing else from ``core`` (``hookimpl`` from ``core`` aside), every public name
is documented, and ``setting(key)`` finds the calling plugin by itself."""

import ast
from pathlib import Path

import pytest

import core.plugin_api as plugin_api
from core.plugins.state import plugin_of_module

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SOURCES = [
    *sorted((ROOT / "plugins").glob("*/**/*.py")),
    *sorted((ROOT / "tests" / "plugins" / "kepu_sample").glob("**/*.py")),
]


def _core_imports(path: Path) -> list[str]:
    """Every ``core`` module a file imports (``from core import hookimpl`` counts as core)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "core":
                found += [f"core.{alias.name}" for alias in node.names]
            elif node.module.startswith("core."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "core"]
    return found


def test_plugins_import_only_the_plugin_api_from_the_core():
    assert len(PLUGIN_SOURCES) > 20
    allowed = {"core.plugin_api", "core.hookimpl"}
    wrong = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in PLUGIN_SOURCES
        if "migrations" not in path.parts
        for module in _core_imports(path)
        if module not in allowed
    }
    assert not wrong, sorted(wrong)


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from core.extensions import db\nimport core.models\nfrom core import hookimpl\n"
    )
    assert _core_imports(bad) == ["core.extensions", "core.models", "core.hookimpl"]


def test_every_public_name_exists_and_is_documented():
    doc = plugin_api.__doc__
    for name in plugin_api.__all__:
        assert hasattr(plugin_api, name), name
        assert f"``{name}" in doc, f"core.plugin_api's docstring does not explain {name}"


def test_setting_finds_the_calling_plugin(make_app, world):
    served = make_app(PLUGINS_ENABLED_BY_DEFAULT=["reading_rooms"])
    with served.app_context():
        assert plugin_of_module(served, "plugins.reading_rooms.services") == "reading_rooms"
        assert plugin_of_module(served, "plugins.reading_rooms") == "reading_rooms"
        with pytest.raises(LookupError):
            plugin_of_module(served, "core.views.teams")
        with pytest.raises(LookupError):
            plugin_of_module(served, "plugins.reading_roomsX.services")
        namespace = {"__name__": "plugins.reading_rooms.services", "setting": plugin_api.setting}
        exec("value = setting('low_usage_threshold')", namespace)
        assert namespace["value"] == 100  # the declared default
        with pytest.raises(LookupError):
            plugin_api.setting("low_usage_threshold")  # this test is not a plugin
