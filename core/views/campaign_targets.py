"""A campaign's targets per township and the progress against them; setting them."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.forms import show_errors
from core.forms.campaign_targets import TargetForm
from core.models import Area, AreaKind, Campaign, CampaignTarget, VenueKind
from core.permissions import may_set_targets, require
from core.review.figures import reference_day
from core.review.targets import campaign_progress
from core.services import FieldErrors
from core.services.campaign_targets import set_target, townships_for

bp = Blueprint("campaign_targets", __name__)


@bp.route("/campaigns/<int:campaign_id>/targets")
@login_required
def index(campaign_id):
    """Each township in the user's scope: its targets, what its teams did, met or behind."""
    campaign = db.get_or_404(Campaign, campaign_id)
    rows = campaign_progress(campaign, townships_for(current_user))
    return render_template(
        "campaign_targets/index.html",
        campaign=campaign,
        rows=rows,
        venues=list(VenueKind),
        reference_day=reference_day(campaign.ends_on),
        editable={row.area.id for row in rows if may_set_targets(current_user, row.area)},
    )


@bp.route("/campaigns/<int:campaign_id>/targets/<int:area_id>", methods=["GET", "POST"])
@login_required
def edit(campaign_id, area_id):
    """Set a township's targets for the campaign (its reviewers, the county's, admins)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    area = db.get_or_404(Area, area_id)
    if area.kind != AreaKind.TOWNSHIP:
        abort(404)
    require(may_set_targets(current_user, area))
    target = db.session.scalars(
        select(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign.id, CampaignTarget.area_id == area.id
        )
    ).first()
    form = TargetForm(obj=target)
    if form.validate_on_submit():
        try:
            set_target(campaign, area, form.values())
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except IntegrityError:  # set at the same moment by someone else: theirs stands
            db.session.rollback()
            form.form_errors.append(_("Someone else set these targets just now. Check them."))
        else:
            flash(_("Targets saved for %(area)s.", area=area.name), "success")
            return redirect(
                url_for("campaign_targets.index", campaign_id=campaign.id, _anchor=f"t{area.id}")
            )
    return render_template(
        "campaign_targets/form.html", form=form, campaign=campaign, area=area, target=target
    )
