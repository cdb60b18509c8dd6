"""Finding and loading plugins: entry points, first-party packages, blocking, failures, clashes."""

import importlib.metadata
import logging
import sys

import pytest

import core
from core import hookspecs
from core.plugins import PluginConflictError, host_of, migration_dirs
from core.plugins.state import plugin_rows

BROKEN = 'raise ImportError("kepu_broken needs the library frobnicate, not installed")\n'

MISSPELLED = '''"""Misspelled: implements a hook that does not exist."""
from core import hookimpl


@hookimpl
def nav_itemz(user):
    return []
'''

CLASH = '''"""Clash: takes the sample plugin's blueprint name."""
from flask import Blueprint

from core import hookimpl

bp = Blueprint("kepu_sample", __name__)


@hookimpl
def blueprints():
    return [bp]
'''

OUTSIDE = '''"""Outside: mounts its pages over the core's."""
from flask import Blueprint

from core import hookimpl

bp = Blueprint("kepu_outside", __name__, url_prefix="/users")


@hookimpl
def blueprints():
    return [bp]
'''


def _row(app, name):
    return next(row for row in plugin_rows(app) if row.name == name)


def test_hookimpl_is_reexported_from_core():
    assert core.hookimpl is hookspecs.hookimpl
    assert hookspecs.hookimpl.project_name == hookspecs.hookspec.project_name == "kepu"


def test_an_entry_point_plugin_is_found_installed_and_disabled(sample_app, client):
    info = host_of(sample_app).plugins["kepu_sample"]
    assert info.installed and info.source == "entry point" and info.dist == "kepu_sample"
    assert info.version == "0.1"
    assert info.title == "Sample notes: a tiny third-party plugin used by Kepu's tests."
    assert info.description.startswith("It has a page, an API")
    assert _row(sample_app, "kepu_sample").state == "disabled"  # installed is not enabled
    assert sample_app.test_client().get("/plugins/kepu_sample/").status_code == 404


def test_autoload_off_leaves_entry_points_out(make_app, sample):
    app = make_app(PLUGINS_AUTOLOAD=False)
    assert "kepu_sample" not in host_of(app).plugins


def test_a_blocked_plugin_is_never_imported(make_app, plugin_dists, invoke):
    plugin_dists.install("kepu_broken", source=BROKEN)
    app = make_app(PLUGINS_BLOCKED="kepu_broken, kepu_other")  # as KEPU_PLUGINS_BLOCKED may be
    row = _row(app, "kepu_broken")
    assert row.state == "blocked" and row.error is None  # importing it would have failed
    assert "kepu_broken" not in sys.modules
    result = invoke(app, "plugins", "enable", "kepu_broken")
    assert result.exit_code != 0 and "blocked" in result.output


def test_an_import_error_is_isolated(make_app, plugin_dists, sample, world, log_in, invoke, caplog):
    plugin_dists.install("kepu_broken", source=BROKEN)
    with caplog.at_level(logging.ERROR, logger="core.plugins"):
        app = make_app()
    assert "kepu_broken" in caplog.text and "frobnicate" in caplog.text
    row = _row(app, "kepu_broken")
    assert row.state == "failed" and row.error.startswith("ImportError: kepu_broken needs")
    assert _row(app, "kepu_sample").state == "disabled"  # the others load
    client = log_in(app.test_client(), "admin")
    assert client.get("/").status_code == 200
    page = client.get("/admin/plugins").get_data(as_text=True)
    assert 'id="plugin-kepu_broken" data-state="failed"' in page
    assert "ImportError: kepu_broken needs the library frobnicate" in page
    listed = invoke(app, "plugins", "list").output
    assert "kepu_broken" in listed and "failed" in listed and "frobnicate" in listed


def test_a_misspelled_hook_fails_the_plugin_not_the_app(make_app, plugin_dists):
    plugin_dists.install("kepu_misspelled", source=MISSPELLED)
    app = make_app()
    row = _row(app, "kepu_misspelled")
    assert row.state == "failed" and "unknown hook 'nav_itemz'" in row.error
    assert not host_of(app).pm.has_plugin("kepu_misspelled")


def test_a_start_up_hook_that_raises_fails_the_plugin(make_app, sample, world, log_in):
    sample.FAILING.add("blueprints")
    app = make_app()
    row = _row(app, "kepu_sample")
    assert row.state == "failed" and "sample blueprints failed on purpose" in row.error
    assert "kepu_sample" not in app.blueprints
    assert log_in(app.test_client(), "admin").get("/").status_code == 200


def test_a_duplicate_blueprint_name_stops_the_start_up(make_app, plugin_dists, sample):
    plugin_dists.install("kepu_clash", source=CLASH)
    with pytest.raises(PluginConflictError) as error:
        make_app()
    message = str(error.value)
    assert "'kepu_clash'" in message and "'kepu_sample'" in message


def test_a_url_outside_the_plugins_own_prefix_stops_the_start_up(make_app, plugin_dists):
    plugin_dists.install("kepu_outside", source=OUTSIDE)
    with pytest.raises(PluginConflictError, match="'/users', outside '/plugins/kepu_outside'"):
        make_app()


def test_first_party_plugins_load_by_dotted_name(tmp_path, monkeypatch, make_app):
    package = tmp_path / "kepu_first_party"
    (package / "hello" / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text('"""First-party plugins of this test."""\n')
    (package / "hello" / "__init__.py").write_text(
        '"""Hello: a first-party plugin.\n\nSays hello."""\n'
        "from core import hookimpl\n\n\n@hookimpl\ndef nav_items(user):\n    return []\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr("core.plugins.loader.FIRST_PARTY", "kepu_first_party")
    new = make_app(PLUGINS_AUTOLOAD=False)
    info = host_of(new).plugins["hello"]
    assert info.installed and info.source == "first-party"
    assert info.target == "kepu_first_party.hello"
    assert info.title == "Hello: a first-party plugin." and info.description == "Says hello."
    assert info.version == importlib.metadata.version("kepu")
    assert sys.modules["kepu_first_party.hello"] is info.module
    assert str(package / "hello" / "migrations") in migration_dirs(new)
