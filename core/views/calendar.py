"""Calendar feeds (.ics) and their pages: the public feed, a single event, personal feeds, import.

Calendar apps cannot log in, so the public feed and single events need no login (events are
public in Kepu) and are rate-limited per client address; a personal feed is reached by the
secret in its address only. Every feed answers 304 to a matching conditional request.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.http import is_resource_modified

from core.calendar import feeds
from core.calendar.importer import ImportRefused, import_calendar
from core.exports import disposition
from core.extensions import db, limiter
from core.forms import choices_of
from core.forms.calendar import FeedOptionsForm, ImportForm
from core.models import Area, CalendarFeed, Campaign, Event, Team, VenueKind
from core.models.users import hash_token
from core.permissions import require_admin
from core.views.profile import page as profile_page

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

#: the query parameters of the public feed
FILTERS = ("area", "team", "campaign", "venue")


def _rate_limit() -> str:
    return current_app.config["CALENDAR_RATE_LIMIT"]


def _locale() -> str:
    """``?lang=``: a configured language; the default language (zh_CN) when absent."""
    lang = request.args.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, _("Unknown language: %(lang)s", lang=lang))
    return lang


def _row(model, name: str):
    """The row whose id is the query parameter ``name``: 400 if not a number, 404 if unknown."""
    raw = request.args.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        abort(400, _("%(name)s must be a number.", name=name))
    row = db.session.get(model, int(raw))
    if row is None or getattr(row, "deleted_at", None) is not None:
        abort(404)
    return row


def _filters() -> feeds.Filters:
    """The public feed's filters from the query string."""
    venue = request.args.get("venue") or None
    if venue is not None and venue not in {kind.value for kind in VenueKind}:
        abort(400, _("Unknown venue: %(venue)s", venue=venue))
    return feeds.Filters(
        area=_row(Area, "area"),
        team=_row(Team, "team"),
        campaign=_row(Campaign, "campaign"),
        venue=VenueKind(venue) if venue else None,
    )


def _respond(feed: feeds.Feed, filename: str, private: bool = False, download: bool = False):
    """The feed as text/calendar with its validators; 304 (no text read) when the copy is current.

    ``If-None-Match`` wins over ``If-Modified-Since`` when a client sends both (RFC 9110).
    """
    modified = is_resource_modified(
        request.environ, etag=feed.etag, last_modified=feed.last_modified
    )
    response = current_app.response_class(
        feed.body() if modified else b"",
        status=200 if modified else 304,
        content_type="text/calendar; charset=utf-8",
    )
    response.set_etag(feed.etag)
    response.last_modified = feed.last_modified
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.headers["Content-Disposition"] = disposition(filename, inline=not download)
    return response


@bp.route("/events.ics")
@limiter.limit(_rate_limit)
def events_feed():
    """Every public event; ``area`` (subtree), ``team``, ``campaign``, ``venue`` filter it."""
    return _respond(feeds.public_feed(_filters(), _locale()), "kepu-events.ics")


@bp.route("/events/<int:event_id>.ics")
@limiter.limit(_rate_limit)
def event_ics(event_id: int):
    """One event as a calendar file (cancelled events too; deleted ones are gone)."""
    event = db.session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        abort(404)
    return _respond(
        feeds.event_feed(event, _locale()),
        f"kepu-event-{event.id}.ics",
        download="download" in request.args,
    )


@bp.route("/feed/<token>.ics")
@limiter.limit(_rate_limit)
def personal(token: str):
    """A user's personal feed; 404 once its address was revoked or regenerated."""
    feed = db.session.execute(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if feed is None or not feed.user.active:
        abort(404)
    return _respond(feeds.personal_feed(feed, _locale()), "kepu-my-calendar.ics", private=True)


def _own_feed() -> CalendarFeed:
    """The signed-in user's feed row, made (without an address) when missing."""
    feed = db.session.execute(
        select(CalendarFeed).where(CalendarFeed.user_id == current_user.id)
    ).scalar_one_or_none()
    if feed is None:
        feed = CalendarFeed(user_id=current_user.id, token_hash=None)
        db.session.add(feed)
    return feed


@bp.route("/feed/new", methods=["POST"])
@login_required
def regenerate():
    """Make a personal feed address, or a new one (the old address stops working); the
    address is on this answer only (stored hashed), like an API token."""
    feed = _own_feed()
    had_address = feed.has_address
    raw = feed.regenerate()
    db.session.commit()
    flash(
        _("Your calendar has a new address; update your calendar app.")
        if had_address
        else _("Your personal calendar is ready."),
        "success",
    )
    return profile_page(new_feed_address=url_for("calendar.personal", token=raw, _external=True))


@bp.route("/feed/revoke", methods=["POST"])
@login_required
def revoke():
    """Switch the personal feed's address off."""
    feed = _own_feed()
    if feed.has_address:
        feed.revoke()
        db.session.commit()
        flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("profile.index", _anchor="calendar-h"))


@bp.route("/feed/options", methods=["POST"])
@login_required
def options():
    """Save what the personal feed includes."""
    form = FeedOptionsForm()
    if form.validate_on_submit():
        feed = _own_feed()
        feed.include_plans = bool(form.include_plans.data) and plans_available()
        db.session.commit()
        flash(_("Calendar settings saved."), "success")
    else:
        flash(_("The form expired. Please submit it again."), "error")
    return redirect(url_for("profile.index", _anchor="calendar-h"))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_page():
    """Administrators upload an .ics file; its events are created or updated by UID."""
    require_admin(current_user)
    form = ImportForm()
    form.campaign_id.choices = choices_of(
        db.session.execute(select(Campaign).order_by(Campaign.year.desc(), Campaign.id)).scalars(),
        blank=_("From the file's categories, else none"),
    )
    report = None
    if form.validate_on_submit():
        campaign = (
            db.session.get(Campaign, form.campaign_id.data) if form.campaign_id.data else None
        )
        if form.campaign_id.data and campaign is None:
            form.campaign_id.errors = [_("Choose an existing campaign.")]
        else:
            try:
                data = form.file.data.read(current_app.config["CALENDAR_IMPORT_MAX_BYTES"] + 1)
                if len(data) > current_app.config["CALENDAR_IMPORT_MAX_BYTES"]:
                    raise ImportRefused(
                        _(
                            "The file is larger than %(n)s bytes.",
                            n=current_app.config["CALENDAR_IMPORT_MAX_BYTES"],
                        )
                    )
                report = import_calendar(data, campaign, current_user)
            except ImportRefused as exc:
                db.session.rollback()
                form.file.errors = [str(exc)]
    return render_template("calendar/import.html", form=form, report=report)


# --- helpers for templates ------------------------------------------------------------------


def plans_available() -> bool:
    """True when visit plans are installed, so the personal feed can include them."""
    return feeds.plans_provider() is not None


@bp.app_template_global()
def calendar_feed_url(**params) -> str:
    """The https address of the public feed with the given filters (empty ones dropped)."""
    kept = {k: v for k, v in params.items() if k in FILTERS and v not in (None, "")}
    return url_for("calendar.events_feed", _external=True, **kept)


@bp.app_template_global()
def personal_calendar_feed(user) -> CalendarFeed | None:
    """The user's personal feed row, if they made one."""
    return db.session.execute(
        select(CalendarFeed).where(CalendarFeed.user_id == user.id)
    ).scalar_one_or_none()


@bp.app_template_global()
def calendar_plans_available() -> bool:
    """True when the personal feed may include planned visits."""
    return plans_available()


@bp.app_template_filter("webcal")
def webcal(url: str) -> str:
    """The ``webcal://`` form of an http(s) address (calendar apps subscribe to it)."""
    return "webcal://" + url.split("://", 1)[-1]
