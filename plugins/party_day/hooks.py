"""The party day plugin's hook implementations."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import hookimpl
from core.plugin_api import CalendarEntry, JobSpec, NavItem, db, local_zone, may_open_module


@hookimpl
def blueprints():
    """The pages, under /plugins/party_day/."""
    from plugins.party_day import views_cases, views_viewings  # noqa: F401  (their routes)
    from plugins.party_day.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The JSON API, under /api/v1/plugins/party_day/."""
    from plugins.party_day import api_more  # noqa: F401  (viewings, rounds and cases)
    from plugins.party_day.api import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for admins, reviewers with an area, and leaders and members of a team."""
    if may_open_module(user):
        return [NavItem("party_day.index", _l("Party days"), 140)]
    return []


@hookimpl
def review_sections(area, start, end, user):
    """Party days per village and quarter, attendance and equipment in the area."""
    from plugins.party_day.review import review_section

    return [review_section(area, start, end)]


def _times(held_on, start_time):
    """A calendar entry's start and end: two hours from the start time, or the whole day."""
    if start_time is None:
        return held_on, held_on + timedelta(days=1)
    begin = datetime.combine(held_on, start_time, local_zone())
    return begin, begin + timedelta(hours=2)


@hookimpl
def calendar_events(start, end):
    """Every party day and county-wide viewing in the window."""
    from plugins.party_day.models import PartyDay, Viewing

    days = db.session.scalars(
        select(PartyDay)
        .where(PartyDay.held_on.between(start, end))
        .options(joinedload(PartyDay.village))
        .order_by(PartyDay.held_on, PartyDay.id)
    ).all()
    category = _("Online science party day")
    entries = []
    for day in days:
        expert = f"{day.expert_name} {day.expert_topic}".strip()
        entries.append(
            CalendarEntry(
                uid=f"day-{day.id}@party_day",
                title=_(
                    "%(village)s online science party day: %(topic)s",
                    village=day.village.name,
                    topic=day.topic,
                ),
                start=_times(day.held_on, day.start_time)[0],
                end=_times(day.held_on, day.start_time)[1],
                description=_("Expert: %(expert)s", expert=expert) if expert else "",
                location=day.village.name,
                categories=(category,),
                sequence=day.revision or 0,
            )
        )
    viewings = db.session.scalars(
        select(Viewing)
        .where(Viewing.held_on.between(start, end))
        .order_by(Viewing.held_on, Viewing.id)
    ).all()
    for viewing in viewings:
        begin, finish = _times(viewing.held_on, viewing.start_time)
        entries.append(
            CalendarEntry(
                uid=f"viewing-{viewing.id}@party_day",
                title=viewing.title,
                start=begin,
                end=finish,
                description=viewing.hosts,
                categories=(category,),
                sequence=viewing.revision or 0,
            )
        )
    return entries


def remind_job() -> None:
    """The daily job: in a quarter's last month, remind villages with no party day."""
    from plugins.party_day.services import remind_missing

    remind_missing()


@hookimpl
def scheduled_jobs():
    """Reminders of missing party days, every day at 08:00 (acting in a quarter's last month)."""
    return [
        JobSpec(
            "remind_missing",
            remind_job,
            "cron",
            {"hour": 8, "minute": 0},
            _l(
                "In a quarter's last month, remind the leaders of villages with no online "
                "science party day in the quarter (once per village and quarter)"
            ),
        )
    ]


@hookimpl
def demo_data(seed, today):
    """A year of quarterly party days and the villages' equipment for the demo county."""
    from plugins.party_day.demo import build

    return build(seed, today)
