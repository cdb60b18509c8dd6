"""The plugin system keeps its promises (as Datasette's meta-tests do): every hook is typed,
documented in its spec and in the README, implemented by the sample plugin and tested; every
first-party plugin's tables carry its name.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs
from core.extensions import db
from core.plugins import host_of

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(
    name
    for name, obj in vars(hookspecs).items()
    if inspect.isfunction(obj) and hasattr(obj, "kepu_spec")
)


def _readme_plugin_section() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"^## Plugins\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, "README.md needs a '## Plugins' section"
    return match.group(1)


def _test_function_names() -> set[str]:
    names = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        tree = ast.parse(path.read_text())
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names


def test_the_hooks_are_the_documented_set():
    expected = {
        "api_blueprints",
        "blueprints",
        "calendar_events",
        "cli_commands",
        "demo_data",
        "digest_sections",
        "event_changed",
        "nav_items",
        "plugin_settings",
        "review_sections",
        "scheduled_jobs",
        "visit_actions",
        "visit_logged",
    }
    assert set(HOOKS) == expected


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_typed_and_says_when_it_is_called_and_what_it_returns(name):
    spec = getattr(hookspecs, name)
    doc = inspect.getdoc(spec) or ""
    assert "called" in doc.lower() and "return" in doc.lower(), name
    signature = inspect.signature(spec)
    assert signature.return_annotation is not inspect.Signature.empty, name
    assert all(
        p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()
    ), name


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_test(name):
    assert any(test.startswith(f"test_hook_{name}") for test in _test_function_names()), (
        f"write a test_hook_{name}_... in tests/plugins/"
    )


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_in_the_readme(name):
    assert f"`{name}(" in _readme_plugin_section(), f"document {name} in README.md"


def test_the_sample_plugin_implements_every_hook(sample):
    implemented = {
        name
        for name, obj in vars(sample).items()
        if inspect.isfunction(obj) and hasattr(obj, "kepu_impl")
    }
    assert implemented == set(HOOKS)


def test_first_party_plugin_tables_carry_the_plugins_name(app):
    for name, info in host_of(app).plugins.items():
        if info.source != "first-party" or not info.installed:
            continue
        try:
            models = importlib.import_module(f"{info.module.__name__}.models")
        except ModuleNotFoundError:
            continue
        tables = {
            obj.__table__.name
            for obj in vars(models).values()
            if isinstance(obj, type) and hasattr(obj, "__table__")
        }
        assert all(table.startswith(f"{name}_") for table in tables), (name, tables)
        assert tables <= set(db.metadata.tables)


def test_the_sample_plugins_tables_carry_its_name(sample):
    models = importlib.import_module("kepu_sample.models")
    tables = {
        obj.__table__.name
        for obj in vars(models).values()
        if isinstance(obj, type) and hasattr(obj, "__table__")
    }
    assert tables == {"kepu_sample_notes"}
