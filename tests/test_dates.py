"""Local time and month arithmetic (``core.dates``), and the one today (``core.rules.today``)."""

from datetime import UTC, date, datetime

from core import rules
from core.dates import (
    first_of_month,
    local_zone,
    month_bounds,
    month_starts,
    months_between,
    previous_month,
    to_local,
)


def test_the_zone_is_the_configured_one(app, monkeypatch):
    assert str(local_zone()) == "Asia/Shanghai" == str(local_zone(app))
    assert to_local(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)).date() == date(2026, 2, 1)
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Paris")
    assert str(local_zone()) == "Europe/Paris"


def test_today_is_read_through_rules_so_tests_can_fix_it(app, monkeypatch):
    assert rules.today() == datetime.now(local_zone()).date()
    monkeypatch.setattr("core.rules.today", lambda: date(2026, 2, 1))
    from core.plugin_api import today

    assert today() == date(2026, 2, 1)


def test_months():
    assert first_of_month(date(2026, 3, 17)) == date(2026, 3, 1)
    assert first_of_month(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert first_of_month(date(2026, 1, 31), -11) == date(2025, 2, 1)
    assert first_of_month(date(2026, 1, 5), -25) == date(2023, 12, 1)
    assert month_bounds(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert month_bounds(2026, 12) == (date(2026, 12, 1), date(2026, 12, 31))
    assert previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert previous_month(date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_starts(date(2025, 11, 2), date(2026, 2, 1)) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert month_starts(date(2026, 1, 2), date(2026, 1, 30)) == []
    assert months_between(date(2025, 11, 20), date(2026, 1, 3)) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
    ]
