"""The limits of a visit, one set for the service, the visit form and the API schemas.

- a visit is dated from ``EARLIEST_VISIT_DAY`` (1 January of the first campaign year, 2000)
  to today: a fixed day, never a rolling window, so that a visit logged once stays editable
  however old it grows, while a mistyped year (1900, 0226) is refused;
- people and households reached are whole numbers from 0 to ``MAX_REACHED``;
- topics, questions and notes hold at most ``MAX_VISIT_TEXT`` characters, material at most
  ``MAX_MATERIAL`` (its column's length). These are the lengths the API has always accepted,
  so every visit stored is editable in the form too.

More households than people reached is one of the sources' rules: shown as a flag
(``households_exceed_people``), never refused.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.models.events import CAMPAIGN_YEARS

#: the first day a visit may be dated (campaigns start in the year 2000 too)
EARLIEST_VISIT_DAY = date(CAMPAIGN_YEARS[0], 1, 1)
#: most people, and most households, one visit may have reached
MAX_REACHED = 100_000
#: longest topics, questions and notes of a visit
MAX_VISIT_TEXT = 20_000
#: longest description of the material handed out (the column holds 200)
MAX_MATERIAL = 200
#: the limit of each free-text field of a visit
TEXT_LIMITS = {
    "topics": MAX_VISIT_TEXT,
    "material": MAX_MATERIAL,
    "questions": MAX_VISIT_TEXT,
    "notes": MAX_VISIT_TEXT,
}


def too_early_message(lazy: bool = False):
    """The message for a visit dated before ``EARLIEST_VISIT_DAY``; ``lazy``: translated when
    shown (for forms and schemas built at import)."""
    gettext = _l if lazy else _
    return gettext("A visit cannot be dated before %(day)s.", day=EARLIEST_VISIT_DAY.isoformat())


def reached_message(lazy: bool = False):
    """The message for a number of people or households out of range."""
    gettext = _l if lazy else _
    return gettext("Enter a whole number from 0 to %(max)s.", max=MAX_REACHED)


def too_long_message(limit: int, lazy: bool = False):
    """The message for a text longer than ``limit`` (the one every service uses)."""
    gettext = _l if lazy else _
    return gettext("Use at most %(n)s characters.", n=limit)


def future_message() -> str:
    """The message for a visit dated after today."""
    return _("The date of a visit cannot be in the future.")


def visit_day_error(day: date | None, today: date) -> str | None:
    """Why ``day`` cannot be the day of a visit logged ``today``; None when it can."""
    if day is None:
        return _("Enter the date of the visit.")
    if day < EARLIEST_VISIT_DAY:
        return too_early_message()
    if day > today:
        return future_message()
    return None


def households_exceed_people(visit) -> bool:
    """The flag: the visit reached more households than people (a likely slip)."""
    return (visit.households_reached or 0) > (visit.people_reached or 0)
