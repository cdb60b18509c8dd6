"""Review periods: a month, a quarter, a year, or any range of days.

Accepted forms of ``period``: ``2026`` (a year), ``2026-Q2`` (a quarter, ``q`` too),
``2026-05`` (a month); or ``from``/``to`` dates (``2026-05-01``). Without any, the current
year. Errors are :class:`PeriodError` with a translated message and the field it concerns.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _

from core import rules
from core.dates import month_bounds

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(ValueError):
    """A period that cannot be read; ``field`` names the parameter at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` (inclusive), and the shortcut they came from, if any."""

    start: date
    end: date
    #: "2026", "2026-Q2", "2026-05", or "" for a free range
    code: str = ""

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """How the period is shown: the shortcut, or the two dates."""
        return self.code or f"{self.start.isoformat()} – {self.end.isoformat()}"

    def args(self) -> dict[str, str]:
        """Query-string arguments that give back this period."""
        if self.code:
            return {"period": self.code}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def max_days() -> int:
    """The longest period the review accepts (``REVIEW_MAX_DAYS``)."""
    return int(current_app.config["REVIEW_MAX_DAYS"])


def _year_ok(year: int) -> bool:
    return 2000 <= year <= 2100


def shortcut(code: str) -> Period:
    """The period of a year, quarter or month code; PeriodError when it is not one."""
    code = code.strip()
    error = PeriodError(
        "period", _("Enter a year (2026), a quarter (2026-Q2) or a month (2026-05).")
    )
    if m := _YEAR.match(code):
        year = int(m[1])
        if not _year_ok(year):
            raise error
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year}")
    if m := _QUARTER.match(code):
        year, quarter = int(m[1]), int(m[2])
        if not _year_ok(year):
            raise error
        first = date(year, 3 * quarter - 2, 1)
        return Period(first, month_bounds(year, 3 * quarter)[1], f"{year}-Q{quarter}")
    if m := _MONTH.match(code):
        year, month = int(m[1]), int(m[2])
        if not _year_ok(year) or not 1 <= month <= 12:
            raise error
        return Period(*month_bounds(year, month), f"{year}-{month:02d}")
    raise error


def _day(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(field, _("Enter a date as YYYY-MM-DD.")) from None
    if not _year_ok(day.year):
        raise PeriodError(field, _("Enter a date between 2000 and 2100."))
    return day


def parse_period(
    period: str | None = None, first: str | None = None, last: str | None = None
) -> Period:
    """The period asked for: a shortcut, a range (one end alone runs to/from today's year
    bounds), or the current year. Raises PeriodError."""
    if period:
        if first or last:
            raise PeriodError("period", _("Give either a period or dates, not both."))
        return shortcut(period)
    if not first and not last:
        year = rules.today().year
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    start = _day(first, "from") if first else None
    end = _day(last, "to") if last else None
    if start is None:
        start = date(end.year, 1, 1)
    if end is None:
        end = max(start, rules.today())
    if end < start:
        raise PeriodError("to", _("The end date must not be before the start date."))
    if (end - start).days + 1 > max_days():
        raise PeriodError("to", _("Choose a period of at most %(days)s days.", days=max_days()))
    return Period(start, end)


def previous_and_next(p: Period) -> tuple[Period | None, Period | None]:
    """The periods before and after a shortcut period (None for free ranges)."""
    if not p.code:
        return None, None
    if "Q" in p.code:
        q = (p.start.month - 1) // 3 + 1
        before = f"{p.start.year - 1}-Q4" if q == 1 else f"{p.start.year}-Q{q - 1}"
        after = f"{p.start.year + 1}-Q1" if q == 4 else f"{p.start.year}-Q{q + 1}"
    elif "-" in p.code:
        prev_day, next_day = p.start - timedelta(days=1), p.end + timedelta(days=1)
        before, after = f"{prev_day:%Y-%m}", f"{next_day:%Y-%m}"
    else:
        before, after = str(p.start.year - 1), str(p.start.year + 1)
    out = []
    for code in (before, after):
        try:
            out.append(shortcut(code))
        except PeriodError:
            out.append(None)
    return out[0], out[1]
