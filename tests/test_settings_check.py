"""Start-up checks: a bad setting stops create_app and the `kepu` command with its message."""

import pytest
from click.testing import CliRunner

from core import create_app
from core.cli import main
from core.config import DEFAULTS
from core.settings_check import ConfigError, check_settings

SMTP = {"MAIL_SERVER": "smtp.example.org"}

#: (settings, the message's line)
BAD = [
    (
        {"TIMEZONE": "Asia/Shangai"},
        "KEPU_TIMEZONE: 'Asia/Shangai' is not a known time zone (e.g. Asia/Shanghai)",
    ),
    ({"TIMEZONE": ""}, "KEPU_TIMEZONE: '' is not a known time zone (e.g. Asia/Shanghai)"),
    ({"MIN_TEAM_SIZE": 0}, "KEPU_MIN_TEAM_SIZE: 0 is too small (at least 1)"),
    ({"MIN_TEAM_SIZE": True}, "KEPU_MIN_TEAM_SIZE: true is not a whole number"),
    ({"STALE_FARM_DAYS": "90"}, "KEPU_STALE_FARM_DAYS: '90' is not a whole number"),
    ({"FARMS_PER_MEMBER_MIN": -1}, "KEPU_FARMS_PER_MEMBER_MIN: -1 is too small (at least 0)"),
    (
        {"FARMS_PER_MEMBER_MIN": 3},
        "KEPU_FARMS_PER_MEMBER_MIN: 3 is more than KEPU_FARMS_PER_MEMBER_MAX (2)",
    ),
    ({"REVIEW_MAX_DAYS": -5}, "KEPU_REVIEW_MAX_DAYS: -5 is too small (at least 1)"),
    ({"SCHEDULER_THREADS": 0}, "KEPU_SCHEDULER_THREADS: 0 is too small (at least 1)"),
    (
        {"SCHEDULER_LEASE_SECONDS": "soon"},
        "KEPU_SCHEDULER_LEASE_SECONDS: 'soon' is not a number of seconds",
    ),
    ({"SCHEDULER_POLL_SECONDS": 0}, "KEPU_SCHEDULER_POLL_SECONDS: 0 is too small (more than 0)"),
    (
        {"SCHEDULER_POLL_SECONDS": 30},
        "KEPU_SCHEDULER_POLL_SECONDS: 30 must be less than KEPU_SCHEDULER_LEASE_SECONDS (30)",
    ),
    ({"SCHEDULER_EMBEDDED": "yes"}, "KEPU_SCHEDULER_EMBEDDED: 'yes' is not true or false"),
    ({"INSPECTION_MAX_PHOTOS": -1}, "KEPU_INSPECTION_MAX_PHOTOS: -1 is too small (at least 0)"),
    ({"MAIL_MAX_ATTEMPTS": 0}, "KEPU_MAIL_MAX_ATTEMPTS: 0 is too small (at least 1)"),
    ({"MAIL_MAX_AGE_DAYS": None}, "KEPU_MAIL_MAX_AGE_DAYS: null is not a whole number"),
    ({"MAIL_PORT": 70000}, "KEPU_MAIL_PORT: 70000 is too large (at most 65535)"),
    ({"CALENDAR_REFRESH_MINUTES": 0}, "KEPU_CALENDAR_REFRESH_MINUTES: 0 is too small"),
    (
        {"CALENDAR_IMPORT_MAX_BYTES": False},
        "KEPU_CALENDAR_IMPORT_MAX_BYTES: false is not a whole number",
    ),
    ({"WTF_CSRF_TIME_LIMIT": 0}, "KEPU_WTF_CSRF_TIME_LIMIT: 0 is too small (at least 1) (or null"),
    (
        {"LOGIN_RATE_LIMIT": "ten per minute"},
        "KEPU_LOGIN_RATE_LIMIT: 'ten per minute' is not a rate limit",
    ),
    (
        {"CALENDAR_RATE_LIMIT": "60 per fortnight"},
        "KEPU_CALENDAR_RATE_LIMIT: '60 per fortnight' is not a rate limit",
    ),
    ({"NOTES_RATE_LIMIT": 5}, "KEPU_NOTES_RATE_LIMIT: 5 is not a rate limit"),
    (
        {**SMTP, "MAIL_DEFAULT_SENDER": ""},
        "KEPU_MAIL_DEFAULT_SENDER: must be set when KEPU_MAIL_SERVER is",
    ),
    (
        {**SMTP, "MAIL_DEFAULT_SENDER": None},
        "KEPU_MAIL_DEFAULT_SENDER: must be set when KEPU_MAIL_SERVER is",
    ),
    (
        {**SMTP, "MAIL_DEFAULT_SENDER": "kepu"},
        "KEPU_MAIL_DEFAULT_SENDER: 'kepu' is not an email address",
    ),
    (
        {"MAIL_USE_TLS": True, "MAIL_USE_SSL": True},
        "KEPU_MAIL_USE_SSL: cannot be true together with KEPU_MAIL_USE_TLS",
    ),
    (
        {"ASSESSMENT_COMMEND_MODE": "top"},
        "KEPU_ASSESSMENT_COMMEND_MODE: 'top' is not one of top_n, top_percent",
    ),
    (
        {"ASSESSMENT_COMMEND_MODE": "top_percent", "ASSESSMENT_COMMEND_VALUE": 150},
        "KEPU_ASSESSMENT_COMMEND_VALUE: 150 is more than 100",
    ),
    (
        {"PUBLIC_URL": "kepu.example.org"},
        "KEPU_PUBLIC_URL: 'kepu.example.org' is not an http(s) address",
    ),
    (
        {"PUBLIC_URL": "ftp://kepu.example.org"},
        "KEPU_PUBLIC_URL: 'ftp://kepu.example.org' is not an http(s) address",
    ),
    (
        {"LOG_LEVEL": "LOUD"},
        "KEPU_LOG_LEVEL: 'LOUD' is not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)",
    ),
    ({"LOG_LEVEL": 20}, "KEPU_LOG_LEVEL: 20 is not a log level"),
    ({"LOG_JSON": "yes"}, "KEPU_LOG_JSON: 'yes' is not true or false"),
    ({"SESSION_COOKIE_SAMESITE": "lx"}, "KEPU_SESSION_COOKIE_SAMESITE: 'lx' is not one of"),
    (
        {"BABEL_DEFAULT_LOCALE": "fr"},
        "KEPU_BABEL_DEFAULT_LOCALE: 'fr' is not one of KEPU_LANGUAGES (zh_CN, en)",
    ),
    ({"LANGUAGES": []}, "KEPU_LANGUAGES: [] is not a list of language codes"),
    ({"PLUGINS_BLOCKED": 5}, "KEPU_PLUGINS_BLOCKED: 5 is not a list of plugin names"),
]

#: settings whose value may hold a password: the message never repeats it
SECRET = [
    (
        {"SQLALCHEMY_DATABASE_URI": "postgres:/kepu:hunter2@db"},
        "KEPU_SQLALCHEMY_DATABASE_URI: not a database URL",
    ),
    (
        {"RATELIMIT_STORAGE_URI": "redis//:hunter2@cache"},
        "KEPU_RATELIMIT_STORAGE_URI: the scheme '' is not a storage Flask-Limiter knows",
    ),
    ({"MAIL_PASSWORD": 20242025}, "KEPU_MAIL_PASSWORD: must be text, not int"),
    ({"SECRET_KEY": 20242025}, "KEPU_SECRET_KEY: must be text, not int"),
]


@pytest.fixture(autouse=True)
def _instance(tmp_path, monkeypatch):
    """Apps of these tests keep their instance folder out of the project."""
    monkeypatch.setenv("KEPU_INSTANCE_PATH", str(tmp_path))


def _refused(settings: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})
    return str(caught.value)


@pytest.mark.parametrize(("settings", "message"), BAD)
def test_a_bad_setting_stops_create_app_with_its_message(settings, message):
    lines = _refused(settings).splitlines()
    assert len(lines) == 1 and message in lines[0], lines


@pytest.mark.parametrize(("settings", "message"), SECRET)
def test_a_secret_value_is_never_repeated(settings, message):
    text = _refused(settings)
    assert message in text
    assert "hunter2" not in text and "20242025" not in text


def test_every_bad_setting_is_named_at_once():
    lines = _refused({"TIMEZONE": "Mars/Olympus", "MIN_TEAM_SIZE": -1}).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("KEPU_MIN_TEAM_SIZE:") and lines[1].startswith("KEPU_TIMEZONE:")


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError)


def test_the_defaults_pass(app):
    check_settings(DEFAULTS)
    check_settings(app.config)  # the defaults as create_app assembled them, with the tests'


def test_good_values_pass():
    check_settings(
        {
            **DEFAULTS,
            "SQLALCHEMY_DATABASE_URI": "postgresql://kepu:pw@127.0.0.1:5432/kepu",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "TIMEZONE": "UTC",
            "LOG_LEVEL": "debug",
            "LOG_JSON": True,
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_DEFAULT_SENDER": ("Kepu", "kepu@example.org"),
            "PUBLIC_URL": "https://kepu.example.org/",
            "PLUGINS_BLOCKED": "noticeboards,other",
            "ASSESSMENT_COMMEND_MODE": "top_percent",
            "ASSESSMENT_COMMEND_VALUE": 100,
            "WTF_CSRF_TIME_LIMIT": None,
            "SESSION_COOKIE_SAMESITE": "strict",
            "LOGIN_RATE_LIMIT": "5/second; 100/day",
            "FARMS_PER_MEMBER_MIN": 2,
        }
    )


def _kepu(*args: str, **env: str | None):
    """Run the real `kepu` command (its factory reads the environment)."""
    # FlaskGroup sets FLASK_RUN_FROM_CLI for good; naming it here restores it afterwards
    return CliRunner().invoke(main, list(args), env={"FLASK_RUN_FROM_CLI": None, **env})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"KEPU_TIMEZONE": "Asia/Shangai"},
            "KEPU_TIMEZONE: 'Asia/Shangai' is not a known time zone (e.g. Asia/Shanghai)",
        ),
        ({"KEPU_MIN_TEAM_SIZE": "-1"}, "KEPU_MIN_TEAM_SIZE: -1 is too small (at least 1)"),
        ({"KEPU_SCHEDULER_EMBEDDED": "yes"}, "KEPU_SCHEDULER_EMBEDDED: 'yes' is not true or false"),
        (
            {"KEPU_LOGIN_RATE_LIMIT": "10 a minute"},
            "KEPU_LOGIN_RATE_LIMIT: '10 a minute' is not a rate limit "
            "(e.g. '10 per minute' or '5/second; 100/day')",
        ),
        (
            {"KEPU_MAIL_SERVER": "smtp.example.org", "KEPU_MAIL_DEFAULT_SENDER": ""},
            "KEPU_MAIL_DEFAULT_SENDER: must be set when KEPU_MAIL_SERVER is (the From address, "
            "e.g. kepu@example.org)",
        ),
        (
            {"KEPU_LOG_LEVEL": "LOUD"},
            "KEPU_LOG_LEVEL: 'LOUD' is not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)",
        ),
    ],
)
def test_the_command_prints_only_the_message_and_exits_1(env, message):
    for args in (["jobs", "list"], ["routes"], ["--help"]):
        result = _kepu(*args, **env)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr == message + "\n", (args, result.output)
        assert "Traceback" not in result.output and result.stdout == ""
