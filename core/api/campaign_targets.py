"""/api/v1/campaigns/<id>/targets: townships' campaign targets and the progress against them.

Everyone reads the townships of their scope (a leader or member their own township); admins
and the reviewers of a township (or of the county around it) set its targets.
"""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort

from core.api.common import api_blueprint, caller, documents, item_rule, readable, save
from core.api.target_schemas import (
    CampaignProgressSchema,
    TargetInputSchema,
    TownshipProgressSchema,
)
from core.extensions import db
from core.models import Area, AreaKind, Campaign
from core.models.targets import EVENT_COLUMNS
from core.permissions import campaign_scope, may_review, may_set_targets
from core.review.figures import reference_day
from core.review.targets import TownshipProgress, campaign_progress
from core.services.campaign_targets import set_target, townships_for

#: where these routes live: under the campaigns' own prefix
URL_PREFIX = "/api/v1/campaigns"

blp = api_blueprint(
    "api_campaign_targets",
    __name__,
    "Campaign targets per township (events per venue, visits, people reached) and the "
    "progress against them, counted as the review counts. Reviewers and admins set them.",
    may_write=may_review,
)


def as_json(row: TownshipProgress, user) -> dict:
    """One township's progress in the shape of :class:`TownshipProgressSchema`."""

    def figure(f):
        return {"target": f.target, "done": f.done, "percent": f.percent, "met": f.met}

    return {
        "area_id": row.area.id,
        "area_name": row.area.name,
        "editable": may_set_targets(user, row.area),
        "has_targets": row.target is not None,
        "met": row.met,
        "events": {venue: figure(f) for venue, f in row.events.items()},
        "events_held": row.events_held,
        "visits": figure(row.visits),
        "people_reached": figure(row.people_reached),
        "updated_at": row.target.updated_at if row.target is not None else None,
    }


@blp.route(item_rule("campaign_id", "/targets"))
class CampaignTargets(MethodView):
    """The targets of a campaign."""

    @blp.response(200, CampaignProgressSchema)
    @documents(blp, 401, 404)
    def get(self, campaign_id):
        """Targets and progress of every township in scope

        Admins see every township, a reviewer those of their area (or a village reviewer
        their village's township), a leader or member their team's township. Progress over
        the campaign's days: its events held by the township's teams per venue, their visits
        and the people those reached, as the review of that township and period counts them.
        """
        campaign = readable(Campaign, campaign_id, campaign_scope)
        user = caller()
        rows = campaign_progress(campaign, townships_for(user))
        return {
            "campaign": campaign,
            "reference_day": reference_day(campaign.ends_on),
            "townships": [as_json(row, user) for row in rows],
        }


@blp.route(item_rule("campaign_id", "/targets") + item_rule("area_id"))
class CampaignTargetOfTownship(MethodView):
    """One township's targets for a campaign."""

    @blp.arguments(TargetInputSchema)
    @blp.response(200, TownshipProgressSchema)
    @documents(blp, 401, 403, 404, 409)
    def put(self, data, campaign_id, area_id):
        """Set a township's targets (its reviewers, the county's, admins)

        Replaces every figure; a figure left out is 0 (no target). 422 when the area is not
        a township or a number is not a whole number from 0 to its maximum; 403 for a
        township outside the caller's area.
        """
        campaign = readable(Campaign, campaign_id, campaign_scope)
        area = db.session.get(Area, area_id)
        if area is None:
            abort(404)
        if area.kind != AreaKind.TOWNSHIP:
            smorest_abort(
                422, messages={"path": {"area_id": [_("Targets are set for a township.")]}}
            )
        user = caller()
        if not may_set_targets(user, area):
            abort(403)
        values = {EVENT_COLUMNS[venue]: n for venue, n in data["events"].items()}
        values.update(visits=data["visits"], people_reached=data["people_reached"])
        save(set_target, campaign, area, values)
        (row,) = campaign_progress(campaign, [area])
        return as_json(row, user)
