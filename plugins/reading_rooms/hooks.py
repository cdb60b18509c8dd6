"""The reading rooms plugin's hook implementations."""

from datetime import timedelta

import click
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.plugin_api import (
    CalendarEntry,
    JobSpec,
    NavItem,
    SettingSpec,
    may_open_module,
    month_starts,
)


@hookimpl
def blueprints():
    """The pages, under /plugins/reading_rooms/."""
    from plugins.reading_rooms.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The JSON API, under /api/v1/plugins/reading_rooms/."""
    from plugins.reading_rooms.api import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for admins, reviewers with an area, and leaders and members of a team."""
    if may_open_module(user):
        return [NavItem("reading_rooms.index", _l("Reading rooms"), 120)]
    return []


@hookimpl
def review_sections(area, start, end, user):
    """Rooms, usage totals, low rooms and model rooms in the area (one query)."""
    from plugins.reading_rooms.review import review_section

    return [review_section(area, start, end)]


@hookimpl
def calendar_events(start, end):
    """The inspection report dates: the 1st of each month in the range, as whole days."""
    return [
        CalendarEntry(
            uid=f"inspection-{day:%Y-%m}@reading_rooms",
            title=_("Reading rooms inspection report"),
            start=day,
            end=day + timedelta(days=1),
            description=_(
                "The inspection report (督查通报) of the reading rooms' usage in the "
                "previous month."
            ),
            categories=("reading_rooms",),
        )
        for day in month_starts(start, end)
    ]


def store_previous_month() -> None:
    """The monthly job: store the report of the previous month."""
    from core.plugin_api import today
    from plugins.reading_rooms.services import previous_month, store_report

    store_report(*previous_month(today()))


@hookimpl
def scheduled_jobs():
    """The snapshot of the previous month's inspection report, on the 1st at 08:00."""
    return [
        JobSpec(
            "monthly_report",
            store_previous_month,
            "cron",
            {"day": 1, "hour": 8, "minute": 0},
            _l("Store the reading rooms inspection report of the previous month"),
        )
    ]


@click.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_command(file):
    """Import usage records from a CSV FILE: every row, or none if any row is bad."""
    from plugins.reading_rooms.services import import_csv

    result = import_csv(file.read())
    if not result.ok:
        for line, message in result.errors:
            click.echo(f"line {line}: {message}", err=True)
        raise click.ClickException(f"{len(result.errors)} bad rows: nothing imported")
    click.echo(f"{result.created} records created, {result.updated} updated")


@hookimpl
def cli_commands():
    """``kepu reading_rooms import FILE``."""
    return [import_command]


@hookimpl
def plugin_settings():
    """The low-usage threshold and the number of rooms proposed for commendation."""
    return [
        SettingSpec(
            "low_usage_threshold",
            100,
            _l("Lowest usage per month"),
            _l(
                "A room whose reads plus downloads stay below this many per month of "
                "the period is flagged in the inspection report."
            ),
        ),
        SettingSpec(
            "commend_top_n",
            3,
            _l("Rooms proposed for commendation"),
            _l("The year-end ranking proposes this many of the most used rooms."),
        ),
    ]


@hookimpl
def demo_data(seed, today):
    """Rooms, a year of monthly usage and two model rooms for the demo county."""
    from plugins.reading_rooms.demo import build

    return build(seed, today)
