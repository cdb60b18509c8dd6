"""The service worker that lets a leader open the visit form without a connection.

Served from the site's root (``/sw.js``) so its scope covers every page. It keeps the pages a
leader fills in the field (the visit form) and the static files they need, refreshed whenever
they load online; everything else goes to the network as before. What is kept is private to the
user signed in, so it is dropped when anyone logs in or out or switches the language.
"""

import hashlib

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required

from core.permissions import can_write_some_team_records

bp = Blueprint("offline", __name__)

#: endpoints of the pages kept for use without a connection: the page shown for any other page
#: opened offline, and the visit form a leader fills in the field (kept when the user may)
KEPT_PAGES = ("offline.page", "visits.new")
#: static files every kept page needs
STATIC_FILES = ("kepu.css", "outbox.js", "nav.js", "picker.js", "favicon.svg")


@bp.route("/sw.js")
def service_worker():
    """The service worker script (no login needed: it holds no data, only paths)."""
    static_files = [url_for("static", filename=name) for name in STATIC_FILES]
    body = render_template(
        "offline/sw.js",
        # the files' names carry their content's digest (core.static_files): a release that
        # changes one gets a new cache, and the old one goes
        version=hashlib.sha256("".join(static_files).encode()).hexdigest()[:12],
        pages=[url_for(endpoint) for endpoint in KEPT_PAGES],
        fallback=url_for("offline.page"),
        slow_ms=int(current_app.config["OFFLINE_SLOW_MS"]),
        static_prefix=url_for("static", filename=""),
        static_files=static_files,
        forget=[
            url_for("auth.login"),
            url_for("auth.logout"),
            url_for("auth.set_language", code="en").rsplit("/", 1)[0] + "/",
        ],
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
@login_required
def page():
    """What a page opened without a connection shows (kept by the service worker)."""
    return render_template("offline/page.html")


@bp.app_template_global("offline_form_url")
def offline_form_url() -> str | None:
    """The visit form's URL for a user who logs visits (the page keeps it for offline use)."""
    if current_user.is_authenticated and can_write_some_team_records(current_user):
        return url_for("visits.new")
    return None
