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

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import icalendar
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
    """The calendar in ``data``; :class:`ImportRefused` with the parser's message if malformed."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise ImportRefused(
            _(
                "This is not a valid iCalendar file: %(error)s",
                error=str(exc) or exc.__class__.__name__,
            )
        ) from None
    if isinstance(calendar, list) or calendar.name != "VCALENDAR":
        raise ImportRefused(
            _("This is not a valid iCalendar file: %(error)s", error=_("expected one VCALENDAR"))
        )
    return calendar


def _venue_names() -> dict[str, VenueKind]:
    """Every way CATEGORIES may name a venue: values, and labels in each language."""
    from flask import current_app

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
    title = str(component.get("summary", "")).strip()
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

    :class:`ImportRefused` (nothing changed) when the parser refuses the file.
    """
    calendar = parse(data)
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


def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
    """The body at an http(s) ``url``; :class:`ImportRefused` for other schemes or failures."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    if urlsplit(url).scheme not in ("http", "https"):
        raise ImportRefused(_("Only http and https addresses can be imported."))
    request = urllib.request.Request(url, headers={"User-Agent": "Kepu calendar import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ImportRefused(
            _("Could not download %(url)s: %(error)s", url=url, error=exc)
        ) from None
    if len(data) > max_bytes:
        raise ImportRefused(_("The file is larger than %(n)s bytes.", n=max_bytes))
    return data
