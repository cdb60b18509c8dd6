"""Start-up checks of the settings: a bad one stops start-up with a message naming it.

``create_app`` calls :func:`check_settings` once the configuration is assembled (defaults,
``instance/config.py``, ``KEPU_*`` variables, the mapping passed in). Every problem found is
reported, one per line, each naming the setting as its environment variable
(``KEPU_TIMEZONE: 'Asia/Shangai' is not a known time zone (e.g. Asia/Shanghai)``). Values
that may hold a password (database and storage addresses, secrets) are never repeated.
"""

import difflib
import json
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many
from limits.storage import SCHEMES as LIMITER_STORAGES
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

#: whole-number settings: the least and the largest value allowed (None: no limit)
INTEGERS: dict[str, tuple[int, int | None]] = {
    "MIN_TEAM_SIZE": (1, None),
    "FARMS_PER_MEMBER_MIN": (0, None),
    "FARMS_PER_MEMBER_MAX": (1, None),
    "STALE_FARM_DAYS": (1, None),
    "PAGE_SIZE": (1, None),
    "PLUGIN_STATES_CACHE_SECONDS": (0, 3600),
    "CALENDAR_KEEP_CANCELLED_DAYS": (0, None),
    "CALENDAR_REFRESH_MINUTES": (1, None),
    "CALENDAR_HOOK_WINDOW_DAYS": (1, None),
    "CALENDAR_IMPORT_TIMEOUT": (1, None),
    "CALENDAR_IMPORT_MAX_BYTES": (1, None),
    "CALENDAR_IMPORT_MAX_EVENTS": (1, None),
    "ROSTER_IMPORT_MAX_BYTES": (1, None),
    "ROSTER_IMPORT_MAX_ROWS": (1, None),
    "MAX_JSON_BYTES": (1, None),
    "REVIEW_MAX_DAYS": (1, None),
    "REVIEW_CHART_TOP": (1, None),
    "REVIEW_TEAMS_PER_PAGE": (1, None),
    "SCHEDULER_THREADS": (1, None),
    "MAIL_PORT": (1, 65535),
    "MAIL_MAX_ATTEMPTS": (1, None),
    "MAIL_MAX_AGE_DAYS": (1, None),
    "MAIL_BATCH_SIZE": (1, None),
    "OFFLINE_SLOW_MS": (0, None),
    "VISIT_PHOTOS_MAX": (0, None),
    "VISIT_PHOTO_MAX_KB": (1, None),
    "INSPECTION_MAX_PHOTOS": (0, None),
    "INSPECTION_MAX_PHOTO_KB": (1, None),
    "ASSESSMENT_COMMEND_VALUE": (0, None),
    "ASSESSMENT_CRITICISE_BOTTOM": (0, None),
    "RECTIFICATION_DAYS": (1, None),
    "RECTIFICATION_REPORT_MAX_PHOTOS": (0, None),
    "REMEMBER_COOKIE_DURATION": (60, None),
    "PASSWORD_RESET_HOURS": (1, None),
}
#: durations in seconds: any number above zero (a test or a quiet machine may poll every 0.3 s)
SECONDS = ("SCHEDULER_LEASE_SECONDS", "SCHEDULER_POLL_SECONDS")
#: whole-number settings that may also be null (no limit)
OPTIONAL_INTEGERS = ("WTF_CSRF_TIME_LIMIT", "MAX_CONTENT_LENGTH")
BOOLEANS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "REMEMBER_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "RATELIMIT_HEADERS_ENABLED",
    "PLUGINS_AUTOLOAD",
    "SCHEDULER_EMBEDDED",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "LOG_JSON",
)
#: settings that must be text when set (a number-only password read from the environment
#: arrives as a number, which the libraries would only refuse much later)
TEXTS = ("SECRET_KEY", "MAIL_USERNAME", "MAIL_PASSWORD")
COMMEND_MODES = ("top_n", "top_percent")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SAMESITE = ("Lax", "Strict", "None")


class ConfigError(ValueError):
    """One or more settings are wrong; the message names each, one per line."""


def check_settings(config: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` naming every bad setting of ``config``."""
    problems = [problem for check in CHECKS for problem in check(config)]
    if problems:
        raise ConfigError("\n".join(problems))


def env_name(key: str) -> str:
    """How the setting ``key`` is named in the environment (and in the messages)."""
    return f"KEPU_{key}"


def shown(value: Any) -> str:
    """``value`` as messages show it: text quoted, anything else as JSON (true, null, [...])."""
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def is_integer(value: Any) -> bool:
    """True for an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def _integer_problem(key: str, value: Any, least: int, most: int | None) -> str | None:
    """What is wrong with ``value`` as the whole number ``key``, or None."""
    if not is_integer(value):
        return f"{env_name(key)}: {shown(value)} is not a whole number"
    if value < least:
        return f"{env_name(key)}: {value} is too small (at least {least})"
    if most is not None and value > most:
        return f"{env_name(key)}: {value} is too large (at most {most})"
    return None


def _integers(config: Mapping[str, Any]) -> Iterator[str]:
    """Whole numbers of the right sign (and range)."""
    for key, (least, most) in INTEGERS.items():
        if key in config:
            problem = _integer_problem(key, config[key], least, most)
            if problem:
                yield problem
    for key in OPTIONAL_INTEGERS:
        if config.get(key) is not None:
            problem = _integer_problem(key, config[key], 1, None)
            if problem:
                yield f"{problem} (or null for no limit)"


def is_number(value: Any) -> bool:
    """True for an int or a float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _seconds(config: Mapping[str, Any]) -> Iterator[str]:
    """Durations are numbers of seconds above zero."""
    for key in SECONDS:
        if key in config:
            value = config[key]
            if not is_number(value):
                yield f"{env_name(key)}: {shown(value)} is not a number of seconds"
            elif value <= 0:
                yield f"{env_name(key)}: {value} is too small (more than 0)"


def _ranges(config: Mapping[str, Any]) -> Iterator[str]:
    """Pairs of numbers that must agree with each other."""
    low, high = config.get("FARMS_PER_MEMBER_MIN"), config.get("FARMS_PER_MEMBER_MAX")
    if is_integer(low) and is_integer(high) and low > high:
        yield (
            f"{env_name('FARMS_PER_MEMBER_MIN')}: {low} is more than "
            f"{env_name('FARMS_PER_MEMBER_MAX')} ({high})"
        )
    poll, lease = config.get("SCHEDULER_POLL_SECONDS"), config.get("SCHEDULER_LEASE_SECONDS")
    if is_number(poll) and is_number(lease) and poll >= lease:
        yield (
            f"{env_name('SCHEDULER_POLL_SECONDS')}: {poll} must be less than "
            f"{env_name('SCHEDULER_LEASE_SECONDS')} ({lease}), or the lease lapses "
            f"between renewals"
        )


def _booleans(config: Mapping[str, Any]) -> Iterator[str]:
    """Switches are true or false (``KEPU_X=yes`` would be the text 'yes')."""
    for key in BOOLEANS:
        if key in config and not isinstance(config[key], bool):
            yield f"{env_name(key)}: {shown(config[key])} is not true or false"


def _texts(config: Mapping[str, Any]) -> Iterator[str]:
    """Secrets and logins are text when set; their values are never shown."""
    for key in TEXTS:
        value = config.get(key)
        if value is not None and not isinstance(value, str | bytes):
            yield (
                f"{env_name(key)}: must be text, not {type(value).__name__} (in the "
                f"environment, write it as a JSON string: {env_name(key)}='\"...\"')"
            )


def _time_zone(config: Mapping[str, Any]) -> Iterator[str]:
    """TIMEZONE names a zone of the zoneinfo database."""
    zone = config.get("TIMEZONE")
    try:
        zoneinfo.ZoneInfo(zone)
        return
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        pass
    close = difflib.get_close_matches(str(zone), zoneinfo.available_timezones(), n=1)
    example = close[0] if close else "Asia/Shanghai"
    yield f"{env_name('TIMEZONE')}: {shown(zone)} is not a known time zone (e.g. {example})"


def _rate_limits(config: Mapping[str, Any]) -> Iterator[str]:
    """Every ``*_RATE_LIMIT`` parses as Flask-Limiter's limits; the storage is known."""
    for key in sorted(k for k in config if k.endswith("_RATE_LIMIT")):
        value = config[key]
        if callable(value):  # Flask-Limiter also takes a function returning the limits
            continue
        try:
            parse_many(value)
        except (ValueError, TypeError):
            yield (
                f"{env_name(key)}: {shown(value)} is not a rate limit "
                f"(e.g. '10 per minute' or '5/second; 100/day')"
            )
    storage = config.get("RATELIMIT_STORAGE_URI")
    if storage is not None:
        scheme = urlsplit(str(storage)).scheme
        if scheme not in LIMITER_STORAGES:
            yield (
                f"{env_name('RATELIMIT_STORAGE_URI')}: the scheme {shown(scheme)} is not a "
                f"storage Flask-Limiter knows (e.g. memory:// or redis://127.0.0.1:6379)"
            )


def _mail(config: Mapping[str, Any]) -> Iterator[str]:
    """With a mail server, a From address; TLS and SSL not both."""
    server, sender = config.get("MAIL_SERVER"), config.get("MAIL_DEFAULT_SENDER")
    if server is not None and not isinstance(server, str):
        yield f"{env_name('MAIL_SERVER')}: {shown(server)} is not a host name"
    elif server and not sender:
        yield (
            f"{env_name('MAIL_DEFAULT_SENDER')}: must be set when "
            f"{env_name('MAIL_SERVER')} is (the From address, e.g. kepu@example.org)"
        )
    elif server and not _is_address(sender):
        yield f"{env_name('MAIL_DEFAULT_SENDER')}: {shown(sender)} is not an email address"
    if config.get("MAIL_USE_TLS") is True and config.get("MAIL_USE_SSL") is True:
        yield (
            f"{env_name('MAIL_USE_SSL')}: cannot be true together with "
            f"{env_name('MAIL_USE_TLS')} (SSL from the start or STARTTLS: choose one)"
        )


def _is_address(sender: Any) -> bool:
    """True for ``a@b``, ``Name <a@b>`` or a (name, address) pair, as Flask-Mail takes."""
    if isinstance(sender, list | tuple) and len(sender) == 2:
        sender = sender[1]
    return isinstance(sender, str) and "@" in parseaddr(sender)[1]


def _assessment(config: Mapping[str, Any]) -> Iterator[str]:
    """The commendation mode is known; a percentage is at most 100."""
    mode = config.get("ASSESSMENT_COMMEND_MODE")
    if "ASSESSMENT_COMMEND_MODE" in config and mode not in COMMEND_MODES:
        yield (
            f"{env_name('ASSESSMENT_COMMEND_MODE')}: {shown(mode)} is not one of "
            f"{', '.join(COMMEND_MODES)}"
        )
    value = config.get("ASSESSMENT_COMMEND_VALUE")
    if mode == "top_percent" and is_integer(value) and value > 100:
        yield (
            f"{env_name('ASSESSMENT_COMMEND_VALUE')}: {value} is more than 100 (a "
            f"percentage, with {env_name('ASSESSMENT_COMMEND_MODE')}=top_percent)"
        )


def _public_url(config: Mapping[str, Any]) -> Iterator[str]:
    """PUBLIC_URL, when set, is an http(s) address with a host."""
    url = config.get("PUBLIC_URL")
    if not url:
        return
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        yield (
            f"{env_name('PUBLIC_URL')}: {shown(url)} is not an http(s) address "
            f"(e.g. https://kepu.example.org)"
        )


def _log_level(config: Mapping[str, Any]) -> Iterator[str]:
    """LOG_LEVEL names a level of the logging module (any case)."""
    level = config.get("LOG_LEVEL")
    if "LOG_LEVEL" in config and not (isinstance(level, str) and level.upper() in LOG_LEVELS):
        yield (
            f"{env_name('LOG_LEVEL')}: {shown(level)} is not a log level ({', '.join(LOG_LEVELS)})"
        )


def _database(config: Mapping[str, Any]) -> Iterator[str]:
    """The database address parses (it is not repeated: it may hold a password)."""
    if "SQLALCHEMY_DATABASE_URI" not in config:
        return
    try:
        make_url(config["SQLALCHEMY_DATABASE_URI"])
    except (ArgumentError, TypeError, ValueError):
        yield (
            f"{env_name('SQLALCHEMY_DATABASE_URI')}: not a database URL "
            f"(e.g. postgresql://kepu@127.0.0.1:5432/kepu or sqlite:////srv/kepu.sqlite3)"
        )


def _cookies(config: Mapping[str, Any]) -> Iterator[str]:
    """SameSite is one of the values browsers know, or null."""
    for name in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        samesite = config.get(name)
        if samesite is not None and not (
            isinstance(samesite, str) and samesite.title() in SAMESITE
        ):
            yield (
                f"{env_name(name)}: {shown(samesite)} is not one of {', '.join(SAMESITE)} (or null)"
            )


def _languages(config: Mapping[str, Any]) -> Iterator[str]:
    """LANGUAGES is a list of codes; the default locale is one of them."""
    languages = config.get("LANGUAGES")
    if not (
        isinstance(languages, list | tuple)
        and languages
        and all(isinstance(code, str) for code in languages)
    ):
        yield (
            f"{env_name('LANGUAGES')}: {shown(languages)} is not a list of language codes "
            f'(e.g. ["zh_CN", "en"])'
        )
        return
    default = config.get("BABEL_DEFAULT_LOCALE")
    if default not in languages:
        yield (
            f"{env_name('BABEL_DEFAULT_LOCALE')}: {shown(default)} is not one of "
            f"{env_name('LANGUAGES')} ({', '.join(languages)})"
        )


def _plugin_lists(config: Mapping[str, Any]) -> Iterator[str]:
    """Plugin name lists: a JSON list of names, or a comma-separated text."""
    for key in ("PLUGINS_BLOCKED", "PLUGINS_ENABLED_BY_DEFAULT"):
        value = config.get(key)
        if value is None or isinstance(value, str):
            continue
        if not (isinstance(value, list | tuple) and all(isinstance(n, str) for n in value)):
            yield (
                f"{env_name(key)}: {shown(value)} is not a list of plugin names "
                f'(e.g. ["noticeboards"] or noticeboards,other)'
            )


CHECKS: tuple[Callable[[Mapping[str, Any]], Iterator[str]], ...] = (
    _integers,
    _seconds,
    _ranges,
    _booleans,
    _texts,
    _time_zone,
    _rate_limits,
    _mail,
    _assessment,
    _public_url,
    _log_level,
    _database,
    _cookies,
    _languages,
    _plugin_lists,
)
