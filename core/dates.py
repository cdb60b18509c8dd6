"""Local time and calendar months: the one place that knows ``TIMEZONE`` and month arithmetic.

Today's date is ``core.rules.today()``, built on :func:`local_zone`: it stays in
``core.rules`` so that a test fixing the day (``monkeypatch.setattr("core.rules.today", ...)``)
fixes it for every caller, and every caller reads it from there.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def local_zone(app: Flask | None = None) -> ZoneInfo:
    """The configured time zone (``TIMEZONE``, Asia/Shanghai by default) of ``app`` or of the
    current app."""
    return ZoneInfo((app or current_app).config["TIMEZONE"])


def to_local(value: datetime) -> datetime:
    """An aware datetime converted to the configured zone."""
    return value.astimezone(local_zone())


def first_of_month(day: date, shift: int = 0) -> date:
    """The first day of ``day``'s month, or of the month ``shift`` months later (earlier when
    negative)."""
    months = day.year * 12 + day.month - 1 + shift
    return date(months // 12, months % 12 + 1, 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    first = date(year, month, 1)
    return first, first_of_month(first, 1) - timedelta(days=1)


def previous_month(day: date) -> tuple[date, date]:
    """The first and last day of the month before ``day``'s month."""
    first = first_of_month(day, -1)
    return month_bounds(first.year, first.month)


def month_starts(start: date, end: date) -> list[date]:
    """The first day of every month that falls inside ``start``..``end``."""
    day = first_of_month(start)
    if day < start:
        day = first_of_month(day, 1)
    days = []
    while day <= end:
        days.append(day)
        day = first_of_month(day, 1)
    return days


def months_between(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s."""
    return [(day.year, day.month) for day in month_starts(first_of_month(start), end)]
