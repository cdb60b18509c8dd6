"""The noticeboards plugin's hook implementations."""

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.plugin_api import JobSpec, NavItem, SettingSpec, may_open_module


@hookimpl
def blueprints():
    """The pages, under /plugins/noticeboards/."""
    from plugins.noticeboards.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The JSON API, under /api/v1/plugins/noticeboards/."""
    from plugins.noticeboards.api import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for admins, reviewers with an area, and leaders and members of a team."""
    if may_open_module(user):
        return [NavItem("noticeboards.index", _l("Noticeboards"), 110)]
    return []


@hookimpl
def review_sections(area, start, end, user):
    """Boards, updates, stale boards and publicist training in the area (four queries)."""
    from plugins.noticeboards.review import review_section

    return [review_section(area, start, end)]


def remind_job() -> None:
    """The daily job: remind the publicists of stale boards (once per staleness period)."""
    from plugins.noticeboards.services import remind_stale_publicists

    remind_stale_publicists()


@hookimpl
def scheduled_jobs():
    """Reminders to the publicists of stale boards, every day at 08:30."""
    return [
        JobSpec(
            "remind_stale_boards",
            remind_job,
            "cron",
            {"hour": 8, "minute": 30},
            _l("Remind the publicists of boards not updated for stale_board_days"),
        )
    ]


@hookimpl
def plugin_settings():
    """The staleness threshold and the photo size limit."""
    return [
        SettingSpec(
            "stale_board_days",
            30,
            _l("Days before a board counts as stale"),
            _l("A board not updated for this many days is flagged and its publicist reminded."),
        ),
        SettingSpec(
            "max_photo_kb",
            2048,
            _l("Largest photo (KB)"),
            _l("Photos of board updates: JPEG, PNG or WebP up to this size."),
        ),
    ]


@hookimpl
def demo_data(seed, today):
    """Stations, boards, publicists, updates, reminders and training for the demo county."""
    from plugins.noticeboards.demo import build

    return build(seed, today)
