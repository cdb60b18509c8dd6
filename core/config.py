"""Default configuration.

Values are read in this order, later ones winning: these defaults, ``instance/config.py``,
environment variables prefixed ``KEPU_`` (``KEPU_SECRET_KEY``, ``KEPU_SQLALCHEMY_DATABASE_URI``,
``KEPU_TIMEZONE`` ...; values are parsed as JSON when they can be), then the mapping passed to
``create_app(config=...)``.
"""

DEFAULTS = {
    # Rules of the sources. They are shown as flags, never enforced by refusing data.
    "MIN_TEAM_SIZE": 10,
    "FARMS_PER_MEMBER_MIN": 1,
    "FARMS_PER_MEMBER_MAX": 2,
    "STALE_FARM_DAYS": 90,
    "TIMEZONE": "Asia/Shanghai",
    # Sessions: secure flags on by default; `make run` on http://127.0.0.1 turns SECURE off.
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Seconds a login lasts, with or without "keep me signed in" (30 days): the remember
    # cookie's lifetime, also checked on the server against the login time in the session.
    "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # i18n
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_CN", "en"],
    # JSON API / OpenAPI (flask-smorest)
    "API_TITLE": "Kepu API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    },
    "PAGE_SIZE": 50,
    # Rate limits (Flask-Limiter); in-memory by default, KEPU_RATELIMIT_STORAGE_URI for Redis.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Failed logins only: per client address, and per account named (any address).
    "LOGIN_RATE_LIMIT": "10 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "10 per minute",
    # Hours a password reset link works (once), emailed or made by an admin.
    "PASSWORD_RESET_HOURS": 24,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # The largest JSON request body (the API's), refused with 413 before it is parsed;
    # multipart uploads and CSV bodies keep MAX_CONTENT_LENGTH.
    "MAX_JSON_BYTES": 1024 * 1024,
    # Plugins (see core/plugins/). Blocked names are never imported; entry points of the
    # group `kepu.plugins` load unless autoload is off; a plugin without a stored state is
    # disabled unless listed in PLUGINS_ENABLED_BY_DEFAULT.
    "PLUGINS_BLOCKED": [],
    "PLUGINS_AUTOLOAD": True,
    "PLUGINS_ENABLED_BY_DEFAULT": [],
    # Seconds a process keeps the plugins' flags and settings before reading them again (a
    # change made in another process is seen within them; in this process at once). 0: read
    # them once per request.
    "PLUGIN_STATES_CACHE_SECONDS": 5,
    # Calendar feeds (core/calendar). Cancelled and deleted events stay in feeds, marked
    # STATUS:CANCELLED, this many days after the change, so subscribers' calendars drop them.
    "CALENDAR_KEEP_CANCELLED_DAYS": 90,
    # How often calendar apps are asked to poll (REFRESH-INTERVAL, X-PUBLISHED-TTL).
    "CALENDAR_REFRESH_MINUTES": 60,
    # Plugin entries (calendar_events hook) and planned visits cover today +- this many days.
    "CALENDAR_HOOK_WINDOW_DAYS": 366,
    # Feeds need no login, so each client address may fetch them this often.
    "CALENDAR_RATE_LIMIT": "60 per minute",
    # `kepu calendar import URL`: seconds to wait for the server; largest file accepted.
    "CALENDAR_IMPORT_TIMEOUT": 20,
    "CALENDAR_IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    # Events one import may create or update; a file with more is refused whole.
    "CALENDAR_IMPORT_MAX_EVENTS": 2000,
    # Roster import (core/roster): the largest file and the most rows a sheet may hold.
    "ROSTER_IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    "ROSTER_IMPORT_MAX_ROWS": 50000,
    # Township review (core/review): the longest period accepted (pages and API answer with
    # a clear error beyond it), and how many teams the "people reached" chart names.
    "REVIEW_MAX_DAYS": 3 * 366,
    "REVIEW_CHART_TOP": 10,
    # Teams per page of the review's team table (exports and the API have them all).
    "REVIEW_TEAMS_PER_PAGE": 100,
    # Scheduled jobs (core/jobs). `kepu scheduler` runs them: start one or more processes;
    # one holds the lease (renewed every SCHEDULER_POLL_SECONDS, valid SCHEDULER_LEASE_SECONDS)
    # and runs the jobs in SCHEDULER_THREADS threads, the others stand by. SCHEDULER_EMBEDDED
    # runs it inside the development server instead (`make run`); never under tests.
    "SCHEDULER_EMBEDDED": False,
    "SCHEDULER_LEASE_SECONDS": 30,
    "SCHEDULER_POLL_SECONDS": 5,
    "SCHEDULER_THREADS": 4,
    # Notifications (core/notify): the in-app inbox, and email through Flask-Mail
    # while MAIL_SERVER is set. A job sends the notifications not yet emailed that are at most
    # MAIL_MAX_AGE_DAYS old, MAIL_BATCH_SIZE per run, retrying failures MAIL_MAX_ATTEMPTS times.
    # PUBLIC_URL (e.g. https://kepu.example.org) makes the links in emails absolute.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "kepu@localhost",
    "MAIL_MAX_ATTEMPTS": 5,
    "MAIL_MAX_AGE_DAYS": 3,
    "MAIL_BATCH_SIZE": 100,
    "PUBLIC_URL": "",
    # Offline use (core/views/offline.py): milliseconds the kept visit form waits for the
    # network before the phone shows its kept copy.
    "OFFLINE_SLOW_MS": 4000,
    # Visit photos (core/services/visit_photos.py): photos per visit and the size of each (the
    # phone's outbox keeps them too, so a visit with all its photos stays well under
    # MAX_CONTENT_LENGTH).
    "VISIT_PHOTOS_MAX": 4,
    "VISIT_PHOTO_MAX_KB": 3072,
    # Inspections, year-end assessment, rectifications (core/services/inspections.py,
    # assessments.py, rectifications.py): photos per inspection and their size; how the
    # assessment proposes commendations ("top_n" teams or "top_percent" of them) and criticisms
    # (the last N teams, besides those that broke a rule); days given to rectify by default.
    "INSPECTION_MAX_PHOTOS": 6,
    "INSPECTION_MAX_PHOTO_KB": 4096,
    "ASSESSMENT_COMMEND_MODE": "top_n",
    "ASSESSMENT_COMMEND_VALUE": 3,
    "ASSESSMENT_CRITICISE_BOTTOM": 1,
    "RECTIFICATION_DAYS": 30,
    # Photos per progress report on a rectification item (each within INSPECTION_MAX_PHOTO_KB).
    "RECTIFICATION_REPORT_MAX_PHOTOS": 4,
    # Logs (core/logs.py), on stderr: every record at LOG_LEVEL or above, one line per request
    # with its id (the X-Request-ID header), as text or, with LOG_JSON, one JSON object a line.
    "LOG_LEVEL": "INFO",
    "LOG_JSON": False,
}
