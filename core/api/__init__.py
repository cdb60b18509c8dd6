"""The JSON API under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from importlib import import_module

from flask import Flask
from werkzeug.exceptions import HTTPException

from core.extensions import api
from core.security import handle_http_error

#: resource modules, each exposing ``blp`` (registered at /api/v1/<name>)
RESOURCES = [
    "areas",
    "teams",
    "members",
    "farms",
    "assignments",
    "visits",
    "plans",
    "campaigns",
    "events",
    "inspections",
    "assessments",
    "rectifications",
]
#: the caller's own things, not collections of records (each exposing ``blp``, same prefix)
PERSONAL = ["inbox"]
#: read-only reports computed from the records (each exposing ``blp``, same prefix)
REPORTS = ["review", "audit"]
#: finding records across the collections (each exposing ``blp``, same prefix)
FINDING = ["search"]
#: administration (each exposing ``blp``, same prefix)
ADMIN = ["deleted", "roster"]
#: resources living under another's prefix (each exposing ``blp`` and ``URL_PREFIX``)
NESTED = ["campaign_targets"]


def register_api(app: Flask) -> None:
    """Bind flask-smorest and register every resource blueprint."""
    api.init_app(app)
    # flask-smorest answers every HTTP error as JSON; pages keep their HTML errors.
    app.register_error_handler(HTTPException, handle_http_error)
    for name in RESOURCES + PERSONAL + REPORTS + FINDING + ADMIN:
        module = import_module(f"core.api.{name}")
        api.register_blueprint(module.blp, url_prefix=f"/api/v1/{name}")
    for name in NESTED:
        module = import_module(f"core.api.{name}")
        api.register_blueprint(module.blp, url_prefix=module.URL_PREFIX)
