"""Review periods: shortcuts, ranges, errors, neighbours."""

from datetime import date

import pytest

from core import rules
from core.review.periods import Period, PeriodError, parse_period, previous_and_next, shortcut


@pytest.mark.parametrize(
    "code, start, end, label",
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("2024-q4", date(2024, 10, 1), date(2024, 12, 31), "2024-Q4"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2025-2", date(2025, 2, 1), date(2025, 2, 28), "2025-02"),
    ],
)
def test_shortcuts(app, code, start, end, label):
    period = shortcut(code)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.args() == {"period": label}


@pytest.mark.parametrize(
    "code", ["", "26", "2026-Q0", "2026-Q5", "2026-13", "2026-00", "1999", "2026-W12", "2026-05-01"]
)
def test_bad_shortcuts(app, code):
    with pytest.raises(PeriodError) as error:
        parse_period(code or "x")
    assert error.value.field == "period"


def test_ranges(app):
    period = parse_period(None, "2025-03-05", "2025-04-10")
    assert period == Period(date(2025, 3, 5), date(2025, 4, 10))
    assert period.days == 37 and period.args() == {"from": "2025-03-05", "to": "2025-04-10"}
    assert period.label == "2025-03-05 – 2025-04-10"
    assert parse_period(None, None, "2025-04-10").start == date(2025, 1, 1)
    assert parse_period(None, "2025-03-05", None).end == rules.today()
    assert parse_period().code == str(rules.today().year)


@pytest.mark.parametrize(
    "first, last, field",
    [
        ("2025-04-10", "2025-03-05", "to"),
        ("2025-13-01", None, "from"),
        (None, "yesterday", "to"),
        ("1990-01-01", "1990-02-01", "from"),
        ("2020-01-01", "2025-01-01", "to"),
    ],
)
def test_bad_ranges(app, first, last, field):
    with pytest.raises(PeriodError) as error:
        parse_period(None, first, last)
    assert error.value.field == field and error.value.message


def test_both_a_period_and_dates(app):
    with pytest.raises(PeriodError):
        parse_period("2025", "2025-01-01")


def test_previous_and_next(app):
    assert [p.code for p in previous_and_next(shortcut("2026-Q1"))] == ["2025-Q4", "2026-Q2"]
    assert [p.code for p in previous_and_next(shortcut("2026-12"))] == ["2026-11", "2027-01"]
    assert [p.code for p in previous_and_next(shortcut("2026"))] == ["2025", "2027"]
    assert previous_and_next(parse_period(None, "2025-01-01", "2025-02-01")) == (None, None)
    assert previous_and_next(shortcut("2000"))[0] is None
