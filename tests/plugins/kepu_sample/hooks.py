"""The sample plugin's hook implementations: one of each, raising on demand.

Tests put hook names in ``FAILING`` to make those hooks raise, and read ``CALLS`` to see which
hooks ran.
"""

from datetime import timedelta

import click
from sqlalchemy import func, select

from core import hookimpl
from core.plugin_api import (
    CalendarEntry,
    DigestSection,
    JobSpec,
    NavItem,
    PageAction,
    ReviewFigure,
    ReviewSection,
    SettingSpec,
    db,
)
from kepu_sample.models import SampleNote

#: hooks that raise when called
FAILING: set[str] = set()
#: the hooks called so far, in order
CALLS: list[str] = []


def _enter(hook: str) -> None:
    """Note the call; raise if the test asked this hook to fail."""
    CALLS.append(hook)
    if hook in FAILING:
        raise RuntimeError(f"sample {hook} failed on purpose")


def _count() -> int:
    """How many notes there are."""
    return db.session.scalar(select(func.count(SampleNote.id)))


@hookimpl
def blueprints():
    """The sample page."""
    _enter("blueprints")
    from kepu_sample.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The sample API."""
    _enter("api_blueprints")
    from kepu_sample.views import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for everyone."""
    _enter("nav_items")
    return [NavItem("kepu_sample.index", "Sample notes")]


@hookimpl
def review_sections(area, start, end, user):
    """The number of notes."""
    _enter("review_sections")
    figure = ReviewFigure("Notes", _count())
    return [ReviewSection("notes", f"Sample notes of {area.name}", figures=(figure,))]


@hookimpl
def calendar_events(start, end):
    """A whole-day entry on the first day asked for."""
    _enter("calendar_events")
    return [CalendarEntry("sample-day@kepu_sample", "Sample day", start, start + timedelta(days=1))]


@hookimpl
def digest_sections(user, start, end):
    """The number of notes, after the core's sections."""
    _enter("digest_sections")
    return [DigestSection("Sample notes", (f"{_count()} notes",))]


def write_job_note() -> None:
    """The sample job: write a note."""
    db.session.add(SampleNote(body="job ran"))
    db.session.commit()


@hookimpl
def scheduled_jobs():
    """One hourly job."""
    _enter("scheduled_jobs")
    return [JobSpec("note", write_job_note, "interval", {"hours": 1}, "Write a note")]


@click.command("count")
def count_command():
    """Print how many notes there are."""
    click.echo(f"{_count()} notes")


@hookimpl
def cli_commands():
    """``kepu kepu_sample count``."""
    _enter("cli_commands")
    return [count_command]


@hookimpl
def demo_data(seed, today):
    """One demo note."""
    _enter("demo_data")
    db.session.add(SampleNote(body=f"demo note (seed {seed}, {today.isoformat()})"))
    return {"notes": 1}


@hookimpl
def visit_logged(visit):
    """A note per logged visit."""
    _enter("visit_logged")
    db.session.add(SampleNote(body=f"visit {visit.id} logged", visit_id=visit.id))


@hookimpl
def event_changed(event):
    """A note per event change."""
    _enter("event_changed")
    db.session.add(SampleNote(body=f"event {event.id} now at revision {event.revision}"))


@hookimpl
def visit_actions(visit, user):
    """A link to the sample page, and a button, on every visit's page."""
    _enter("visit_actions")
    return [
        PageAction(f"Sample link for visit {visit.id}", "/plugins/kepu_sample/"),
        PageAction(f"Sample button for {user.username}", "/plugins/kepu_sample/", post=True),
    ]


@hookimpl
def plugin_settings():
    """Three settings, one of each simple type."""
    _enter("plugin_settings")
    return [
        SettingSpec("greeting", "Hello", "Greeting", "Shown on the sample page."),
        SettingSpec("limit", 3, "Limit"),
        SettingSpec("loud", False, "Loud"),
    ]
