"""What hooks return: small frozen dataclasses, so the core never guesses at a plugin's shapes.

Every hook in :mod:`core.hookspecs` that returns data returns a list of these (or ``None``).
They hold plain values; the core sorts and renders them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """An entry of the main menu."""

    #: Flask endpoint, e.g. ``"reading_rooms.index"``
    endpoint: str
    #: the text shown (a lazy string, so it follows the user's language)
    label: Any
    #: position: the core uses 10-90; plugins default to 100 and come after it
    order: int = 100


@dataclass(frozen=True)
class PageAction:
    """A button or link a plugin adds to a core page (e.g. ``visit_actions``)."""

    #: the text shown (a lazy string or already translated)
    label: Any
    #: where it leads (a path)
    url: str
    #: true for a button that POSTs to ``url`` (with the CSRF token); false for a plain link
    post: bool = False


@dataclass(frozen=True)
class ReviewFigure:
    """One number of a review section, e.g. "rooms below the threshold: 3"."""

    #: what the number counts
    label: Any
    #: the value as shown (a number or a short text)
    value: Any
    #: true when the figure breaks a rule and should be highlighted
    flagged: bool = False
    #: where the records behind the figure are listed, if anywhere
    url: str | None = None


@dataclass(frozen=True)
class ReviewTable:
    """A table of a review section; also what the CSV/XLSX export writes."""

    #: caption
    title: Any
    #: column headings
    columns: tuple[Any, ...]
    #: rows of plain values, one value per column
    rows: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class ReviewSection:
    """A plugin's section of the township review for one area and period."""

    #: stable identifier, unique within the plugin (used in anchors and export file names)
    key: str
    #: heading of the section
    title: Any
    #: headline numbers
    figures: tuple[ReviewFigure, ...] = ()
    #: detail tables
    tables: tuple[ReviewTable, ...] = ()
    #: optional template rendering the section instead of the default layout
    template: str | None = None
    #: values passed to ``template``
    context: Mapping[str, Any] = field(default_factory=dict)
    #: position among sections: lower comes first
    order: int = 100


@dataclass(frozen=True)
class DigestSection:
    """A section of a reviewer's weekly digest: a heading and lines of plain text."""

    #: heading, already in the reviewer's language (the hook is called under it)
    title: str
    #: the lines under the heading, each sent as ``- line``
    lines: tuple[str, ...]
    #: position among sections: lower comes first (the core uses 10-40; plugins default to 100)
    order: int = 100


@dataclass(frozen=True)
class CalendarEntry:
    """An event a plugin adds to the calendar feeds (e.g. a reading-room inspection date)."""

    #: calendar UID, stable for the life of the entry (e.g. ``"inspection-12@reading_rooms"``)
    uid: str
    #: summary line
    title: str
    #: start: an aware datetime, or a date for whole-day entries
    start: datetime | date
    #: end, exclusive: an aware datetime, or the day after the last day
    end: datetime | date
    #: longer text
    description: str = ""
    #: where it happens
    location: str = ""
    #: categories subscribers may colour by
    categories: tuple[str, ...] = ()
    #: raised on every change of the entry (iCalendar SEQUENCE)
    sequence: int = 0
    #: true when cancelled: kept in feeds so calendars drop it
    cancelled: bool = False
    #: a page about the entry, if any
    url: str | None = None

    @property
    def all_day(self) -> bool:
        """True when the entry spans whole days (``start`` is a date, not a datetime)."""
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: what to run and when (APScheduler trigger arguments)."""

    #: stable id, unique within the plugin; the core prefixes it with the plugin name
    id: str
    #: called with no arguments inside an app context
    func: Callable[[], Any]
    #: ``"cron"`` or ``"interval"``
    trigger: str
    #: trigger arguments, e.g. ``{"hour": 7}`` or ``{"hours": 6}``, in the configured time zone
    trigger_args: Mapping[str, Any] = field(default_factory=dict)
    #: one line saying what the job does (a lazy string is shown in the reader's language)
    description: Any = ""
    #: seconds a late run may still start (APScheduler ``misfire_grace_time``)
    misfire_grace_time: int = 3600
    #: run once, not once per missed fire time, after the scheduler was down (``coalesce``)
    coalesce: bool = True


@dataclass(frozen=True)
class SettingSpec:
    """A setting of a plugin, with its default; admins change it on the plugins page."""

    #: key, unique within the plugin, e.g. ``"stale_board_days"``
    key: str
    #: default value; its type (bool, int, float, str) is the setting's type
    default: bool | int | float | str
    #: label on the settings form
    label: Any = ""
    #: a hint under the field
    help: Any = ""

    @property
    def type(self) -> type:
        """The Python type of the value (taken from the default)."""
        return type(self.default)


@dataclass(frozen=True)
class HookResult:
    """What one plugin's implementation of a hook gave: a value, or the error it raised."""

    #: the plugin's short name (``"core"`` for the core's own implementations)
    plugin: str
    #: the returned value (``None`` when it failed)
    value: Any = None
    #: the error text when the implementation raised
    error: str | None = None

    @property
    def failed(self) -> bool:
        """True when the implementation raised."""
        return self.error is not None


__all__ = [
    "CalendarEntry",
    "DigestSection",
    "HookResult",
    "JobSpec",
    "NavItem",
    "ReviewFigure",
    "ReviewSection",
    "ReviewTable",
    "SettingSpec",
]
