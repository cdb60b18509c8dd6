"""Building the feeds: the public one (with filters), a user's personal one, a single event.

A feed costs a fixed number of queries whatever the number of events. Its validators come
from the audit trail's newest entry (one indexed read): every recorded write, core or plugin,
moves it, so the ETag digests that entry, the day (feeds change on their own at midnight),
the language, the feed's name and address, and the versions of Kepu and of the writer. A poll
answered 304 therefore reads no event, calls no plugin and renders nothing. The validator is
conservative: any recorded change, even one that no feed shows, makes the next poll download
the feed again, which then reads the cached VEVENT texts (:mod:`core.calendar.cache`) in one
query and renders the stale ones in bulk. Plugin entries (``calendar_events``) and planned
visits are few and rendered on the fly, only for a full answer.

Which events a feed lists: every live event, scheduled or cancelled; cancelled and deleted
ones only while their last change is less than ``CALENDAR_KEEP_CANCELLED_DAYS`` old (counted
from the start of the local day, so a feed changes at most at midnight without an edit).
Plugin entries are in the unfiltered and the area-filtered public feed only: they belong to
no team, campaign or venue.
"""

import hashlib
import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from core import rules
from core.audit.position import latest_change
from core.calendar import cache
from core.calendar.writer import (
    END_VCALENDAR,
    WRITER_VERSION,
    calendar_head,
    event_tail,
    render_entry,
)
from core.contracts import CalendarEntry
from core.dates import local_zone
from core.extensions import db
from core.models import (
    Area,
    CalendarCache,
    CalendarFeed,
    Campaign,
    Event,
    EventStatus,
    Role,
    Team,
    User,
    VenueKind,
    event_teams,
)
from core.models.enums import label
from core.plugins import call
from core.version import kepu_version


@dataclass(frozen=True)
class Feed:
    """A feed's validators, known from the trail's newest entry, and a way to make its text."""

    etag: str
    last_modified: datetime
    make_body: Callable[[], bytes]

    def body(self) -> bytes:
        """The whole calendar, UTF-8 (reads the cached texts, renders the stale ones)."""
        return self.make_body()


@dataclass(frozen=True)
class Filters:
    """The public feed's filters, each optional and combinable."""

    area: Area | None = None
    team: Team | None = None
    campaign: Campaign | None = None
    venue: VenueKind | None = None

    @property
    def keeps_plugin_entries(self) -> bool:
        """Plugin entries have no team, campaign or venue: only an area filter keeps them."""
        return self.team is None and self.campaign is None and self.venue is None

    def clauses(self) -> list:
        """The WHERE clauses of the filters."""
        where = []
        if self.area is not None:
            where.append(Event.area_id.in_(Area.subtree_ids(self.area).scalar_subquery()))
        if self.team is not None:
            where.append(organised_by(self.team.id))
        if self.campaign is not None:
            where.append(Event.campaign_id == self.campaign.id)
        if self.venue is not None:
            where.append(Event.venue_kind == self.venue)
        return where

    def identity(self) -> str:
        """Which public feed the filters make, for its validators."""
        ids = [x.id if x is not None else "" for x in (self.area, self.team, self.campaign)]
        return "public:" + ":".join(map(str, ids)) + ":" + (self.venue.value if self.venue else "")

    def names(self) -> list[str]:
        """What the filters select, for the calendar's name."""
        parts = [x.name for x in (self.area, self.team, self.campaign) if x is not None]
        if self.venue is not None:
            parts.append(label(self.venue))
        return parts


def organised_by(team_id: int):
    """Events the team ``team_id`` organises."""
    return Event.id.in_(
        select(event_teams.c.event_id).where(event_teams.c.team_id == team_id).scalar_subquery()
    )


@dataclass
class _Parts:
    """What a feed is made of besides its events: a way to get its entries (called only for a
    full answer), and what its validators must also depend on."""

    entries: Callable[[], list[CalendarEntry]] = list
    keys: list[str] = field(default_factory=list)


#: before any event: no cut-off
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def day_start() -> datetime:
    """The start of the local day (UTC-aware): feeds change on their own only then."""
    return datetime.combine(rules.today(), time(0), tzinfo=local_zone())


def visible(cutoff: datetime):
    """Events a feed lists: live ones, and cancelled or deleted ones changed since ``cutoff``."""
    return or_(
        and_(
            Event.deleted_at.is_(None),
            or_(Event.status == EventStatus.SCHEDULED, Event.updated_at >= cutoff),
        ),
        Event.deleted_at >= cutoff,
    )


def event_rows(locale: str, where: list, cutoff: datetime) -> list:
    """Each listed event's row with its cached text in ``locale`` (one query)."""
    return db.session.execute(
        select(
            Event.id,
            Event.revision,
            Event.updated_at,
            Event.deleted_at,
            Campaign.name.label("campaign_name"),
            CalendarCache.fingerprint.label("cached_fingerprint"),
            CalendarCache.vevent.label("cached_vevent"),
        )
        .outerjoin(Campaign, Campaign.id == Event.campaign_id)
        .outerjoin(
            CalendarCache, and_(CalendarCache.event_id == Event.id, CalendarCache.locale == locale)
        )
        .where(visible(cutoff), *where)
        .order_by(Event.starts_at, Event.id)
    ).all()


def _page_prefix() -> str:
    """The address of event pages without the id (one ``url_for``, not one per event)."""
    page = url_for("events.detail", event_id=0, _external=True)
    return page[: page.rindex("/0") + 1]


def hook_window() -> tuple[date, date]:
    """The days plugin entries and planned visits are asked for: today +- the configured days."""
    today = rules.today()
    days = timedelta(days=current_app.config["CALENDAR_HOOK_WINDOW_DAYS"])
    return today - days, today + days


def _entry_texts(entries: list[CalendarEntry]) -> list[str]:
    """Entries as VEVENTs, stamped with the start of the day (their change time is unknown)."""
    stamp, zone, seen, texts = day_start(), local_zone(), set(), []
    for entry in entries:
        if entry.uid in seen:
            continue
        seen.add(entry.uid)
        texts.append(render_entry(entry, stamp, zone))
    return texts


def plugin_entries() -> list[CalendarEntry]:
    """The enabled plugins' entries for the hook window."""
    start, end = hook_window()
    return call(
        current_app._get_current_object(),
        "calendar_events",
        expect=CalendarEntry,
        start=start,
        end=end,
    )


def _feed(
    identity: str,
    naming: Callable[[], str],
    locale: str,
    where: list,
    parts: _Parts,
    cutoff: datetime | None = None,
) -> Feed:
    """The feed of the events matching ``where`` plus ``parts``: validators now, text later.

    ``identity`` says which feed it is (its filters, its event or its owner) and ``naming``
    gives its name, asked for only for a full answer: the name is made of the language's
    words and of rows whose changes move the trail, which the validators digest already.
    Cancelled and deleted events changed before ``cutoff`` (by default the configured number
    of days before today) are left out.
    """
    config = current_app.config
    tzid, refresh = config["TIMEZONE"], config["CALENDAR_REFRESH_MINUTES"]
    cutoff, prefix, today_start = cutoff or _cutoff(), _page_prefix(), day_start()
    position, changed_at = latest_change()
    validator = [
        identity,
        tzid,
        str(refresh),
        prefix,
        locale,
        str(position),
        changed_at.isoformat() if changed_at else "",
        today_start.isoformat(),
        cutoff.isoformat(),
        WRITER_VERSION,
        kepu_version(),
        *parts.keys,
    ]
    digest = hashlib.blake2b("\x1f".join(validator).encode(), digest_size=16)

    def make_body() -> bytes:
        with force_locale(locale):
            head = calendar_head(naming(), tzid, refresh)
        rows = event_rows(locale, where, cutoff)
        texts = cache.texts(rows, locale)
        ids = [row.id for row in rows]
        del rows  # the cached texts are kept once, in ``texts``
        # written piece by piece as UTF-8: a feed of 20,000 events is ~7 MB of bytes, where
        # joining its texts as str first would hold two more copies of twice that size
        body = io.BytesIO()
        body.write(head.encode())
        for event_id in ids:
            body.write(texts.pop(event_id).encode())
            body.write(event_tail(f"{prefix}{event_id}").encode())
        with force_locale(locale):
            for text in _entry_texts(parts.entries()):
                body.write(text.encode())
        body.write(END_VCALENDAR.encode())
        return body.getvalue()

    last_modified = max(today_start, changed_at) if changed_at else today_start
    return Feed(digest.hexdigest(), last_modified, make_body)


def _cutoff() -> datetime:
    return day_start() - timedelta(days=current_app.config["CALENDAR_KEEP_CANCELLED_DAYS"])


def public_feed(filters: Filters, locale: str) -> Feed:
    """Every public event matching ``filters``; plugin entries when no filter excludes them."""
    parts = _Parts()
    if filters.keeps_plugin_entries:
        parts.entries = plugin_entries

    def naming() -> str:
        return " · ".join([_("Kepu events"), *filters.names()])

    return _feed(filters.identity(), naming, locale, filters.clauses(), parts)


def event_feed(event: Event, locale: str) -> Feed:
    """One live event, even one cancelled long ago, as a calendar of its own."""
    return _feed(
        f"event:{event.id}",
        lambda: event.title,
        locale,
        [Event.id == event.id],
        _Parts(),
        cutoff=EPOCH,
    )


def personal_scope(user: User) -> list:
    """The events of a user's personal feed: their team's; a reviewer's area; all for admins.

    Users with no team see nothing but their plans (a leader or member always has one).
    """
    if user.role == Role.ADMIN:
        return []
    if user.team_id is not None:
        return [organised_by(user.team_id)]
    if user.role == Role.REVIEWER and user.area is not None:
        return Filters(area=user.area).clauses()
    return [Event.id.is_(None)]


def plans_provider() -> Callable | None:
    """``core.services.plans.plan_entries`` when visit plans are installed, else None."""
    try:
        module = importlib.import_module("core.services.plans")
    except ImportError:
        return None
    return getattr(module, "plan_entries", None)


def personal_feed(feed: CalendarFeed, locale: str) -> Feed:
    """A user's personal feed: their teams' events and, if they opted in, their planned visits."""
    user = feed.user
    parts = _Parts(keys=[f"feed:{feed.id}:{int(feed.include_plans)}"])
    provider = plans_provider()
    if feed.include_plans and provider is not None:
        start, end = hook_window()
        parts.entries = lambda: list(provider(user, start, end))
    return _feed(
        f"personal:{user.id}",
        lambda: _("Kepu: %(name)s", name=user.name),
        locale,
        personal_scope(user),
        parts,
    )
