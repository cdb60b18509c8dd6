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
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearerAuth": []}],
    },
    "PAGE_SIZE": 50,
    # Rate limits (Flask-Limiter); in-memory by default, KEPU_RATELIMIT_STORAGE_URI for Redis.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute",
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # Plugins (see core/plugins.py). Blocked names are never imported; entry points of the
    # group `kepu.plugins` load unless autoload is off; a plugin without a stored state is
    # disabled unless listed in PLUGINS_ENABLED_BY_DEFAULT.
    "PLUGINS_BLOCKED": [],
    "PLUGINS_AUTOLOAD": True,
    "PLUGINS_ENABLED_BY_DEFAULT": [],
}
