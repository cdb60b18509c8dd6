"""The model campaign plugin's hook implementations."""

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.plugin_api import NavItem, SettingSpec, may_open_module


@hookimpl
def blueprints():
    """The pages, under /plugins/model_campaign/."""
    from plugins.model_campaign.views import bp

    return [bp]


@hookimpl
def api_blueprints():
    """The JSON API, under /api/v1/plugins/model_campaign/."""
    from plugins.model_campaign.api import blp

    return [blp]


@hookimpl
def nav_items(user):
    """A menu item for admins, reviewers with an area, and leaders and members of a team."""
    if may_open_module(user):
        return [NavItem("model_campaign.index", _l("Model campaign"), 130)]
    return []


@hookimpl
def review_sections(area, start, end, user):
    """Nominated, assessed and awarded per tier and per area, and the awarded list (four
    queries)."""
    from plugins.model_campaign.review import review_section

    return [review_section(area, start, end)]


@hookimpl
def plugin_settings():
    """The score (percent of the highest total) at which an award is proposed."""
    return [
        SettingSpec(
            "award_threshold",
            80,
            _l("Score proposing an award (percent of the highest)"),
            _l(
                "The assessment page proposes an award at or above this score; the "
                "decision is always taken by hand."
            ),
        ),
    ]


@hookimpl
def demo_data(seed, today):
    """Criteria, this year's round, nominations in every township, assessments and decisions."""
    from plugins.model_campaign.demo import build

    return build(seed, today)
