"""A process keeps the plugins' flags for PLUGIN_STATES_CACHE_SECONDS: a switch made in this
process is seen at once, one made by another process once the seconds have passed."""

import pytest
from sqlalchemy import update

from core.extensions import db
from core.models import PluginState
from core.plugins import state
from core.plugins.state import is_enabled, set_enabled
from tests.query_counter import count_queries

SAMPLE = "kepu_sample"


@pytest.fixture
def cached(sample_app, monkeypatch):
    """The sample plugin's app, flags kept 5 s, a clock the test moves; the plugin off."""
    monkeypatch.setitem(sample_app.config, "PLUGIN_STATES_CACHE_SECONDS", 5)
    clock = [1000.0]
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    with sample_app.app_context():
        set_enabled(sample_app, SAMPLE, False)
        yield sample_app, clock
    state.forget_everywhere()


def test_the_flags_are_read_once_while_kept(cached):
    app, _ = cached
    assert not is_enabled(app, SAMPLE)
    with count_queries() as statements:
        assert not is_enabled(app, SAMPLE)
    assert statements == []


def test_a_switch_in_this_process_is_seen_at_once(cached):
    app, _ = cached
    assert not is_enabled(app, SAMPLE)
    set_enabled(app, SAMPLE, True)
    assert is_enabled(app, SAMPLE)


def test_a_switch_by_another_process_is_seen_once_the_seconds_pass(cached):
    app, clock = cached
    assert not is_enabled(app, SAMPLE)
    switched = update(PluginState).where(PluginState.name == SAMPLE).values(enabled=True)
    with db.engine.begin() as conn:  # another worker: a write this process never saw
        conn.execute(switched)
    assert not is_enabled(app, SAMPLE)  # kept for up to 5 s
    clock[0] += 5.1
    assert is_enabled(app, SAMPLE)
