"""Serving under gunicorn: the masked access log, the checks before workers start, and where
the instance folder is."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from core import default_instance_path
from core.logs import mask_url as mask_secrets
from core.serving import AccessLogger, serving_problems, serving_warnings


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("/calendar/feed/Zq8x_secret-123.ics", "/calendar/feed/***.ics"),
        (
            "GET /calendar/feed/abc.ics?lang=en HTTP/1.1",
            "GET /calendar/feed/***.ics?lang=en HTTP/1.1",
        ),
        ("/api/v1/teams/?token=s3cret&page=2", "/api/v1/teams/?token=***&page=2"),
        ("/x?Password=a&key=b", "/x?Password=***&key=***"),
        ("/calendar/events.ics?area=3", "/calendar/events.ics?area=3"),
    ],
)
def test_secrets_of_urls_are_masked(raw, masked):
    assert mask_secrets(raw) == masked


def test_the_access_log_never_writes_a_feed_secret_or_credentials():
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/calendar/feed/very-secret.ics",
        "PATH_INFO": "/calendar/feed/very-secret.ics",
        "QUERY_STRING": "token=abc",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": "https://kepu.example.org/calendar/feed/very-secret.ics",
    }
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "r1")], sent=10)
    request = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer tok"), ("COOKIE", "session=s")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    line = " ".join(str(value) for value in atoms.values())
    assert "very-secret" not in line and "abc" not in line and "Bearer" not in line
    assert "session=s" not in line
    assert atoms["r"] == "GET /calendar/feed/***.ics HTTP/1.1"
    assert atoms["q"] == "token=***"
    assert atoms["{x-request-id}o"] == "r1" and atoms["M"] == 12


def test_serving_without_a_configured_secret_key_or_shared_instance_is_refused(make_app):
    generated = make_app(SECRET_KEY=None)
    assert generated.config["SECRET_KEY_GENERATED"]
    problems = serving_problems(generated, workers=2, env={})
    assert len(problems) == 1 and "KEPU_SECRET_KEY" in problems[0]
    assert serving_problems(generated, 2, env={"KEPU_INSTANCE_PATH": "/srv/kepu/instance"}) == []
    configured = make_app(SECRET_KEY="from-the-environment")
    assert serving_problems(configured, workers=2, env={}) == []


def test_several_workers_on_sqlite_or_per_worker_rate_limits_are_warned_about(make_app):
    served = make_app(RATELIMIT_STORAGE_URI="memory://")
    warnings = serving_warnings(served, workers=3)
    assert served.config["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite", "postgresql"))
    assert any("KEPU_RATELIMIT_STORAGE_URI" in w for w in warnings)
    assert serving_warnings(served, workers=1) == []


def test_the_instance_folder_is_never_inside_site_packages(tmp_path):
    checkout = tmp_path / "kepu"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname = 'kepu'\n")
    assert default_instance_path(checkout, tmp_path / "venv") == str(checkout / "instance")
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    installed = default_instance_path(site, tmp_path / "venv")
    assert installed == str(tmp_path / "venv" / "var" / "kepu-instance")
    assert not Path(installed).is_relative_to(site)


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KEPU_TIMEZONE": "Mars/Base"}, "KEPU_TIMEZONE: 'Mars/Base' is not a known time zone"),
    ],
)
def test_gunicorn_refuses_to_start_and_says_why(tmp_path, env, message):
    """The production command itself: no worker starts, one clear message, no traceback."""
    environ = {
        **os.environ,
        "KEPU_INSTANCE_PATH": str(tmp_path / "instance"),
        "KEPU_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/kepu.sqlite3",
        "KEPU_BIND": f"unix:{tmp_path}/kepu.sock",
        **env,
    }
    environ.pop("KEPU_SECRET_KEY", None)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "core:create_app()",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Kepu will not start" in output and message in output
    assert "Traceback" not in output and "Booting worker" not in output
