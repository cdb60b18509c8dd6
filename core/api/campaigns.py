"""/api/v1/campaigns: yearly outreach periods. Everyone reads; admins write."""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import exists, select

from core.api.activity_schemas import (
    CampaignInputSchema,
    CampaignListArgsSchema,
    CampaignPatchSchema,
    CampaignSchema,
)
from core.api.common import (
    COLLECTION,
    api_blueprint,
    commit,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    readable,
)
from core.extensions import db
from core.models import Campaign, Event
from core.permissions import campaign_scope
from core.services import check_one_line

blp = api_blueprint(
    "api_campaigns", __name__, "Science Outreach Month, S&T Week, National Science Day."
)


def _check_name(data: dict) -> None:
    """Answer 422 when the campaign's name holds a line break or control character."""
    errors: dict[str, list[str]] = {}
    check_one_line(errors, "name", data.get("name"))
    if errors:
        field_errors(errors)


@blp.route(COLLECTION, strict_slashes=False)
class Campaigns(MethodView):
    """The campaign collection."""

    @blp.arguments(CampaignListArgsSchema, location="query")
    @blp.response(200, CampaignSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List campaigns

        By first day. ``from``/``to``: campaigns overlapping the range; ``year``, ``kind``.
        """
        query = select(Campaign).order_by(Campaign.starts_on, Campaign.id)
        if args.get("date_from"):
            query = query.where(Campaign.ends_on >= args["date_from"])
        if args.get("date_to"):
            query = query.where(Campaign.starts_on <= args["date_to"])
        return filter_args(query, args, year=Campaign.year, kind=Campaign.kind)

    @blp.arguments(CampaignInputSchema)
    @blp.response(201, CampaignSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a campaign (admin)"""
        _check_name(data)
        campaign = Campaign(**data)
        db.session.add(campaign)
        commit()
        return campaign


@blp.route(item_rule("campaign_id"))
class CampaignById(MethodView):
    """One campaign."""

    @blp.response(200, CampaignSchema)
    @documents(blp, 401, 404)
    def get(self, campaign_id):
        """Get a campaign"""
        return readable(Campaign, campaign_id, campaign_scope)

    @blp.arguments(CampaignPatchSchema(partial=True))
    @blp.response(200, CampaignSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, campaign_id):
        """Change a campaign (admin)"""
        campaign = readable(Campaign, campaign_id, campaign_scope)
        _check_name(data)
        for name, value in data.items():
            setattr(campaign, name, value)
        if campaign.ends_on < campaign.starts_on:
            field_errors({"ends_on": [_("The last day must not be before the first.")]})
        commit()
        return campaign

    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, campaign_id):
        """Delete a campaign without events (admin)

        Answers 409 while events (even deleted ones, kept for history) belong to it.
        """
        campaign = readable(Campaign, campaign_id, campaign_scope)
        if db.session.execute(select(exists().where(Event.campaign_id == campaign.id))).scalar():
            abort(409, description=_("Events still belong to this campaign."))
        db.session.delete(campaign)
        commit()
