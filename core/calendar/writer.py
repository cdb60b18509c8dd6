"""Turning events and plugin entries into iCalendar text, with the icalendar library.

An event's VEVENT is rendered once per change and language and kept (:mod:`core.calendar.cache`)
without its last two lines (the URL of its page, which depends on the host serving the feed,
and ``END:VEVENT``): :func:`event_tail` adds them when a feed is assembled.
"""

import functools
import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask_babel import force_locale

from core.contracts import CalendarEntry
from core.models import Event, EventStatus
from core.models.enums import label

#: raise when the rendered text changes shape, so every cached VEVENT is rendered again
WRITER_VERSION = "2"

PRODID = "-//Kepu//Kepu calendar feeds//ZH"
CRLF = "\r\n"
END_VEVENT = "END:VEVENT" + CRLF
END_VCALENDAR = "END:VCALENDAR" + CRLF


def fingerprint(
    revision: int,
    updated_at: datetime | None,
    deleted_at: datetime | None,
    campaign_name: str | None,
    tzid: str,
) -> str:
    """A digest of everything an event's cached VEVENT depends on besides its language."""
    parts = (WRITER_VERSION, revision, updated_at, deleted_at, campaign_name, tzid)
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()


#: what iCalendar TEXT may not hold: control characters other than tab and line breaks
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: what a URI value may not hold: every control character
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(value: str | None) -> icalendar.vText:
    """``value`` as an iCalendar TEXT value whatever it holds: line breaks become ``\\n`` when
    written, other control characters are dropped (rows stored before names were checked)."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return icalendar.vText(_CONTROL.sub("", value))


def fold(line: str) -> str:
    """One content line folded at 75 octets (never inside a UTF-8 character), CRLF-ended."""
    data = line.encode()
    if len(data) <= 75:
        return line + CRLF
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines begin with a space
    return (CRLF + " ").join(parts) + CRLF


def _whole_days(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The local first day and the exclusive end day of an all-day event."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    end_day = last.date() if last.time() == time(0) else last.date() + timedelta(days=1)
    return first.date(), max(end_day, first.date() + timedelta(days=1))


def _vevent(uid: str, stamp: datetime, sequence: int, summary: str) -> icalendar.Event:
    """A VEVENT with the properties every entry has."""
    vevent = icalendar.Event()
    vevent.add("uid", text(uid))
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("sequence", sequence)
    vevent.add("summary", text(summary))
    return vevent


def _add_times(vevent: icalendar.Event, start, end, zone: ZoneInfo) -> None:
    """DTSTART/DTEND: DATE values for whole days, else local times with their TZID."""
    if isinstance(start, datetime):
        vevent.add("dtstart", start.astimezone(zone))
        vevent.add("dtend", end.astimezone(zone))
    else:
        vevent.add("dtstart", start)
        vevent.add("dtend", max(end, start + timedelta(days=1)))


def render_event(event: Event, locale: str, zone: ZoneInfo) -> str:
    """The VEVENT of ``event`` in ``locale``, without its URL line and ``END:VEVENT``.

    A cancelled or deleted event is written with ``STATUS:CANCELLED``. CATEGORIES hold the
    campaign's name and the venue's label (in ``locale``).
    """
    changed = event.updated_at or event.created_at
    vevent = _vevent(event.uid, changed, event.revision or 0, event.title)
    if event.all_day:
        _add_times(vevent, *_whole_days(event.starts_at, event.ends_at, zone), zone)
    else:
        _add_times(vevent, event.starts_at, event.ends_at, zone)
    if event.created_at is not None:
        vevent.add("created", event.created_at.astimezone(UTC))
    vevent.add("last-modified", changed.astimezone(UTC))
    if event.place:
        vevent.add("location", text(event.place))
    if event.description:
        vevent.add("description", text(event.description))
    cancelled = event.status == EventStatus.CANCELLED or event.deleted_at is not None
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    with force_locale(locale):
        venue = label(event.venue_kind)
    categories = [event.campaign.name] if event.campaign is not None else []
    vevent.add("categories", [text(value) for value in [*categories, venue]])
    return vevent.to_ical().decode()[: -len(END_VEVENT)]


def event_tail(url: str) -> str:
    """The last lines of a cached event: the URL of its page and ``END:VEVENT``."""
    return fold("URL:" + _ANY_CONTROL.sub("", url)) + END_VEVENT


def render_entry(entry: CalendarEntry, stamp: datetime, zone: ZoneInfo) -> str:
    """A plugin's (or a planned visit's) :class:`CalendarEntry` as a whole VEVENT."""
    vevent = _vevent(entry.uid, stamp, entry.sequence, entry.title)
    _add_times(vevent, entry.start, entry.end, zone)
    if entry.location:
        vevent.add("location", text(entry.location))
    if entry.description:
        vevent.add("description", text(entry.description))
    vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.categories:
        vevent.add("categories", [text(value) for value in entry.categories])
    if entry.url:
        vevent.add("url", _ANY_CONTROL.sub("", entry.url))
    return vevent.to_ical().decode()


@functools.lru_cache(maxsize=256)
def calendar_head(name: str, tzid: str, refresh_minutes: int) -> str:
    """``BEGIN:VCALENDAR``, the calendar's properties and the VTIMEZONE of ``tzid`` (kept per
    name: a feed asks for its head on every poll)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(name))
    calendar.add("x-wr-timezone", tzid)
    every = timedelta(minutes=refresh_minutes)
    calendar.add("refresh-interval", every, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(every))
    return calendar.to_ical().decode()[: -len(END_VCALENDAR)] + vtimezone(tzid)


@functools.cache
def vtimezone(tzid: str) -> str:
    """The VTIMEZONE of ``tzid`` for the years events may have (made once per process)."""
    return icalendar.Timezone.from_tzid(tzid, last_date=date(2100, 1, 1)).to_ical().decode()
