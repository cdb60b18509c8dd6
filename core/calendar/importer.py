"""Importing an .ics file (e.g. the National Science Day programme) as events, by UID.

Each VEVENT creates the event with its UID, or updates the event that has it; an event whose
values already match is left alone, so importing the same file twice changes nothing (the
revision, i.e. the calendar SEQUENCE, rises only on a real change). A file the parser refuses
changes nothing. Components Kepu cannot represent are skipped, each with its reason.

Mapping: SUMMARY -> title, LOCATION -> place, DESCRIPTION -> details, STATUS:CANCELLED ->
cancelled. Times without a zone are read in the configured zone; DATE values make an all-day
event (DTEND exclusive; one day without one); a timed event without DTEND or DURATION lasts
one hour. The venue is the first CATEGORIES value naming a venue (its value, or its label in
any language), else the village (进农村, the venue of most rural outreach). The campaign is
the one given, else the campaign whose name is among CATEGORIES, else none (an existing
event then keeps its campaign).
"""

import http.client
import ipaddress
import logging
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urljoin, urlsplit

import icalendar
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.dates import local_zone
from core.extensions import db
from core.models import Campaign, Event, EventStatus, User, VenueKind
from core.models.enums import label

#: the venue of an event whose CATEGORIES name none
DEFAULT_VENUE = VenueKind.VILLAGE
#: how long a timed event without an end lasts
DEFAULT_LENGTH = timedelta(hours=1)
#: what events may hold (see core.models.events)
LIMITS = {"title": 200, "place": 200, "uid": 255}
#: redirects followed when downloading an .ics (each checked like the first address)
MAX_REDIRECTS = 5
#: line breaks and control characters, made one space in an imported title
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: where a VEVENT begins, counted before the file is parsed
_BEGIN_VEVENT = re.compile(rb"^BEGIN:VEVENT\r?$", re.IGNORECASE | re.MULTILINE)

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The file cannot be read as iCalendar; nothing was imported."""


@dataclass
class ImportReport:
    """What an import did: UIDs created, updated and unchanged; components skipped and why."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: (what was skipped, e.g. "VTODO 3" or a UID, the reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One translated line of counts."""
        return _(
            "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
            "%(skipped)s skipped.",
            created=len(self.created),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
            skipped=len(self.skipped),
        )


class _Skip(Exception):
    """A component that cannot be imported; the message says why."""


def parse(data: bytes | str) -> icalendar.Calendar:
    """The calendar in ``data``; :class:`ImportRefused` if malformed, in the user's language
    (the parser's own message, English and quoting the file, goes to the log only)."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        logger.info("calendar file refused by the parser: %s", str(exc)[:300])
        raise ImportRefused(
            _(
                "This is not a valid iCalendar file: %(error)s",
                error=_(
                    "a line is malformed, or BEGIN and END do not match; export it again "
                    "from the calendar program"
                ),
            )
        ) from None
    if isinstance(calendar, list) or calendar.name != "VCALENDAR":
        raise ImportRefused(
            _("This is not a valid iCalendar file: %(error)s", error=_("expected one VCALENDAR"))
        )
    return calendar


def _venue_names() -> dict[str, VenueKind]:
    """Every way CATEGORIES may name a venue: values, and labels in each language."""
    names = {kind.value.lower(): kind for kind in VenueKind}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            names.update({label(kind).lower(): kind for kind in VenueKind})
    return names


def _categories(component) -> list[str]:
    """The CATEGORIES values of a component, flattened."""
    found = []
    values = component.get("categories")
    for value in values if isinstance(values, list) else [values] if values else []:
        found += [str(c) for c in getattr(value, "cats", [value])]
    return [c.strip() for c in found if str(c).strip()]


def _instant(value) -> tuple[datetime, bool]:
    """An aware datetime from a DTSTART/DTEND value, and whether it was a DATE."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=local_zone())), False
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=local_zone()), True
    raise _Skip(_("bad dates: %(value)s", value=value))


def _times(component) -> tuple[datetime, datetime, bool]:
    """Start, end and all-day of a VEVENT; :class:`_Skip` when they make no event."""
    if component.get("dtstart") is None:
        raise _Skip(_("missing DTSTART"))
    try:
        start, all_day = _instant(component.decoded("dtstart"))
        if component.get("dtend") is not None:
            end, end_is_day = _instant(component.decoded("dtend"))
            if end_is_day != all_day:
                raise _Skip(_("bad dates: DTSTART and DTEND are of different kinds"))
        elif component.get("duration") is not None:
            end = start + component.decoded("duration")
        else:
            end = start + (timedelta(days=1) if all_day else DEFAULT_LENGTH)
    except (ValueError, TypeError) as exc:
        raise _Skip(_("bad dates: %(value)s", value=exc)) from None
    if end <= start:
        raise _Skip(_("bad dates: the end is not after the start"))
    return start, end, all_day


def _values(
    component,
    campaign: Campaign | None,
    campaigns: dict[str, Campaign],
    venues: dict[str, VenueKind],
) -> dict:
    """The event's values from a VEVENT, or :class:`_Skip`."""
    for prop in ("rrule", "rdate", "exdate"):
        if component.get(prop) is not None:
            raise _Skip(_("repeating events (%(prop)s) are not supported", prop=prop.upper()))
    if component.get("recurrence-id") is not None:
        raise _Skip(_("changes to one occurrence (RECURRENCE-ID) are not supported"))
    title = _CONTROL.sub(" ", str(component.get("summary", ""))).strip()
    if not title:
        raise _Skip(_("missing SUMMARY"))
    if len(title) > LIMITS["title"]:
        raise _Skip(_("SUMMARY longer than %(n)s characters", n=LIMITS["title"]))
    start, end, all_day = _times(component)
    categories = _categories(component)
    venue = next((venues[c.lower()] for c in categories if c.lower() in venues), DEFAULT_VENUE)
    if campaign is None:
        campaign = next((campaigns[c] for c in categories if c in campaigns), None)
    status = str(component.get("status", "")).upper()
    return {
        "title": title,
        "place": str(component.get("location", "")).strip()[: LIMITS["place"]],
        "description": str(component.get("description", "")).strip(),
        "starts_at": start,
        "ends_at": end,
        "all_day": all_day,
        "venue_kind": venue,
        "status": EventStatus.CANCELLED if status == "CANCELLED" else EventStatus.SCHEDULED,
        "campaign_id": campaign.id if campaign is not None else None,
    }


def _differs(event: Event, values: dict) -> bool:
    """True when applying ``values`` would change ``event``."""
    return any(getattr(event, name) != value for name, value in values.items())


def import_calendar(
    data: bytes | str, campaign: Campaign | None = None, user: User | None = None
) -> ImportReport:
    """Create or update events from iCalendar ``data``; commits once, at the end.

    :class:`ImportRefused` (nothing changed) when the parser refuses the file, or when it holds
    more than ``CALENDAR_IMPORT_MAX_EVENTS`` events (counted before it is parsed, and again after).
    """
    limit = current_app.config["CALENDAR_IMPORT_MAX_EVENTS"]
    raw = data.encode() if isinstance(data, str) else data
    _refuse_over(len(_BEGIN_VEVENT.findall(raw)), limit)
    calendar = parse(data)
    _refuse_over(sum(1 for c in calendar.subcomponents if c.name == "VEVENT"), limit)
    report = ImportReport()
    venues = _venue_names()
    campaigns = {
        c.name: c for c in db.session.execute(select(Campaign).order_by(Campaign.id)).scalars()
    }
    seen: set[str] = set()
    for number, component in enumerate(calendar.subcomponents, start=1):
        name = component.name
        if name == "VTIMEZONE":
            continue
        uid = str(component.get("uid", "")).strip()
        where = f"{name} {number}" + (f" ({uid})" if uid else "")
        if name != "VEVENT":
            report.skipped.append((where, _("%(kind)s is not supported", kind=name)))
            continue
        try:
            if not uid:
                raise _Skip(_("missing UID"))
            if len(uid) > LIMITS["uid"]:
                raise _Skip(_("UID longer than %(n)s characters", n=LIMITS["uid"]))
            if uid in seen:
                raise _Skip(_("the same UID appears earlier in the file"))
            seen.add(uid)
            values = _values(component, campaign, campaigns, venues)
        except _Skip as exc:
            report.skipped.append((where, str(exc)))
            continue
        _save(uid, values, user, report, where)
    db.session.commit()
    return report


def _refuse_over(count: int, limit: int) -> None:
    """:class:`ImportRefused` when a file holds more than ``limit`` events."""
    if count > limit:
        raise ImportRefused(
            _(
                "The file holds %(count)s events; at most %(limit)s can be imported at once.",
                count=count,
                limit=limit,
            )
        )


def _save(uid: str, values: dict, user: User | None, report: ImportReport, where: str) -> None:
    """Create the event ``uid`` or update it when its values differ."""
    event = db.session.execute(select(Event).where(Event.uid == uid)).scalar_one_or_none()
    if event is not None and values["campaign_id"] is None:
        values = {k: v for k, v in values.items() if k != "campaign_id"}  # keep the campaign
    if event is None:
        db.session.add(Event(uid=uid, created_by_id=user.id if user else None, **values))
        report.created.append(uid)
    elif event.deleted_at is not None:
        report.skipped.append((where, _("the event was deleted in Kepu")))
    elif _differs(event, values):
        for name, value in values.items():
            setattr(event, name, value)
        report.updated.append(uid)
    else:
        report.unchanged.append(uid)


def _public_address(host: str, port: int) -> str:
    """An address of ``host`` to connect to; :class:`ImportRefused` when any address it
    resolves to is loopback, private, link-local, multicast, reserved or unspecified."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ImportRefused(
            _("Could not download %(url)s: %(error)s", url=host, error=exc)
        ) from None
    addresses = []
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast or address.is_reserved:
            raise ImportRefused(
                _("%(host)s is a local or private address: it cannot be imported.", host=host)
            )
        addresses.append(str(address))
    if not addresses:
        raise ImportRefused(_("Could not download %(url)s: %(error)s", url=host, error="-"))
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the checked address, whatever the name resolves to later."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to the checked address, its certificate checked for the name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _get(url: str, timeout: float, max_bytes: int) -> tuple[int, str | None, bytes]:
    """One GET of ``url`` (not following redirects): status, Location and body."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImportRefused(_("Only http and https addresses can be imported."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(parts.hostname, port)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={"User-Agent": "Kepu calendar import"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            return response.status, response.getheader("Location"), b""
        if response.status != 200:
            raise ImportRefused(
                _("Could not download %(url)s: %(error)s", url=url, error=response.status)
            )
        return response.status, None, response.read(max_bytes + 1)
    finally:
        connection.close()


def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
    """The body at an http(s) ``url``; :class:`ImportRefused` for other schemes, failures and
    local or private addresses (checked again at every redirect, which is followed here)."""
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            _status, location, data = _get(current, timeout, max_bytes)
            if location is None:
                break
            current = urljoin(current, location)
        else:
            raise ImportRefused(_("Too many redirects from %(url)s.", url=url))
    except ImportRefused:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise ImportRefused(
            _("Could not download %(url)s: %(error)s", url=url, error=exc)
        ) from None
    if len(data) > max_bytes:
        raise ImportRefused(_("The file is larger than %(n)s bytes.", n=max_bytes))
    return data
