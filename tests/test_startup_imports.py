"""Start-up stays light: libraries only some requests or commands need are imported there.

``create_app()`` and ``kepu --help`` run in a fresh interpreter, which then reports which of
those libraries were imported: none may be. (No timings: a busy machine would make them flaky.)
"""

import json
import os
import subprocess
import sys

import pytest

#: imported on first use only: exports (openpyxl), photos (Pillow), review charts (pygal),
#: migrations and backups (Flask-Migrate, Alembic, Mako), the scheduler (APScheduler's
#: schedulers, job stores, executors and triggers)
DEFERRED = (
    "openpyxl",
    "PIL",
    "pygal",
    "flask_migrate",
    "alembic",
    "mako",
    "apscheduler.schedulers",
    "apscheduler.jobstores",
    "apscheduler.executors",
    "apscheduler.triggers",
)

REPORT = (
    f"import json, sys\nprint(json.dumps(sorted(m for m in {DEFERRED!r} if m in sys.modules)))\n"
)


def _run(code: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEPU_")}
    env["KEPU_INSTANCE_PATH"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_app_imports_none_of_the_deferred_libraries(tmp_path):
    result = _run("from core import create_app\ncreate_app()\n" + REPORT, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []


#: ``kepu --help`` in the fresh interpreter, its output written to standard error
KEPU_HELP = (
    "import contextlib, io, json, sys\n"
    "from core.cli import main\n"
    "out = io.StringIO()\n"
    "with contextlib.redirect_stdout(out):\n"
    "    try:\n"
    "        main(['--help'])\n"
    "    except SystemExit:\n"
    "        pass\n"
    "sys.stderr.write(out.getvalue())\n"
)


def test_kepu_help_imports_none_of_the_deferred_libraries(tmp_path):
    result = _run(KEPU_HELP + REPORT, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []
    # the db group is listed all the same, by Flask-Migrate's own help text
    assert any(
        line.split() == ["db", "Perform", "database", "migrations."]
        for line in result.stderr.splitlines()
    ), result.stderr


@pytest.mark.parametrize("help_arg", [True, False])
def test_the_db_group_is_flask_migrates_with_kepus_upgrade(help_arg):
    import click
    from flask_migrate.cli import db as migrate_db

    from core.cli import _db_group, upgrade

    group = _db_group()
    assert group.name == "db"
    assert group.get_short_help_str() == migrate_db.get_short_help_str()
    if help_arg:
        ctx = group.make_context("db", ["--help"], resilient_parsing=True)
    else:
        ctx = click.Context(group)
    assert group.list_commands(ctx) == sorted({*migrate_db.commands, "upgrade"})
    assert group.get_command(ctx, "upgrade") is upgrade
    assert group.get_command(ctx, "heads") is migrate_db.commands["heads"]
    assert group.callback is migrate_db.callback
    assert group.params == migrate_db.params
    assert group.help == migrate_db.help


def test_app_extensions_migrate_is_what_flask_migrate_keeps(app):
    from flask_migrate import Config

    from core.database import MIGRATIONS_DIR, script_directory

    kept = app.extensions["migrate"]
    assert kept.directory == str(MIGRATIONS_DIR)
    assert kept.db.metadata is kept.metadata
    assert kept.configure_args["render_as_batch"] is True
    assert kept.configure_args["compare_type"] is True
    assert callable(kept.configure_args["render_item"])
    assert callable(kept.configure_args["include_name"])
    with app.app_context():
        config = kept.migrate.get_config()
    assert isinstance(config, Config)
    assert config.get_main_option("script_location") == str(MIGRATIONS_DIR)
    assert config.get_main_option("path_separator") == "os"  # the plugins' branches were added
    assert script_directory(app).get_heads()


#: modules of the pages and of the API's endpoints (plugins share the API's helpers and
#: schemas through core.plugin_api, so those are imported for their hooks)
PAGES = ("core.views", "core.api.visits", "core.api.teams", "plugins.reading_rooms.views")


def test_kepu_help_builds_no_pages_and_no_api(tmp_path):
    report = f"print(json.dumps(sorted(m for m in {PAGES!r} if m in sys.modules)))\n"
    result = _run(KEPU_HELP + report, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []
    # a plugin's commands are listed all the same
    assert any(line.split()[:1] == ["reading_rooms"] for line in result.stderr.splitlines())


def test_the_command_app_lists_every_command_of_the_app(tmp_path, monkeypatch):
    import click

    from core import create_app, create_command_app

    monkeypatch.setenv("KEPU_INSTANCE_PATH", str(tmp_path))
    full, light = create_app(), create_command_app()
    ctx = click.Context(full.cli)

    def listing(app):
        return {
            name: app.cli.get_command(ctx, name).get_short_help_str(80)
            for name in app.cli.list_commands(ctx)
        }

    assert listing(light) == listing(full)
    assert {"db", "users", "roster", "openapi", "reading_rooms"} <= set(listing(light))
