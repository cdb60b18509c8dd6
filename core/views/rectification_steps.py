"""The follow-up of a rectification item between the unit and its reviewers (整改跟进): the
leader's progress report with photos, the reviewer's acceptance or send-back, the photos."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.forms import show_errors
from core.forms.rectification_steps import AcceptForm, ReportForm, SendBackForm
from core.models import Rectification, RectificationPhoto, RectificationStep
from core.notify.rectifications import tell_other_side
from core.permissions import (
    get_readable_or_404,
    may_report_rectification,
    may_review_area,
    rectification_scope,
    require,
)
from core.services import Conflict, FieldErrors
from core.services.rectification_steps import (
    accept_report,
    photo_response,
    report_progress,
    send_back,
)
from core.services.uploads import uploaded_photos
from core.views.rectifications import render_detail

bp = Blueprint("rectification_steps", __name__, url_prefix="/rectifications")


def _readable(item_id) -> Rectification:
    """The item when the user may read it (404 / 403)."""
    return get_readable_or_404(Rectification, item_id, rectification_scope(current_user))


def _act(item: Rectification, form, write, success: str, form_name: str):
    """Run ``write()`` (it returns the new step) for a valid ``form``: tell the other side and
    redirect to the item with ``success``, or show the refusal (a conflict as a message, bad
    fields on the page)."""
    if form.validate_on_submit():
        try:
            step = write()
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except Conflict as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("rectifications.detail", item_id=item.id))
        else:
            tell_other_side(item, step)
            flash(success, "success")
            return redirect(url_for("rectifications.detail", item_id=item.id))
    return render_detail(item, **{form_name: form})


@bp.route("/<int:item_id>/reports", methods=["POST"])
@login_required
def report(item_id):
    """The unit's leader reports progress (text and photos): the item awaits review."""
    item = _readable(item_id)
    require(may_report_rectification(current_user, item))
    form = ReportForm()
    return _act(
        item,
        form,
        lambda: report_progress(current_user, item, form.text.data or "", uploaded_photos()),
        _("Progress reported: the reviewers are told."),
        "report_form",
    )


@bp.route("/<int:item_id>/accept", methods=["POST"])
@login_required
def accept(item_id):
    """A reviewer accepts the report awaiting review: the item is done."""
    item = _readable(item_id)
    require(may_review_area(current_user, item.village))
    form = AcceptForm()
    return _act(
        item,
        form,
        lambda: accept_report(current_user, item, form.note.data or ""),
        _("Report accepted: the item is done."),
        "accept_form",
    )


@bp.route("/<int:item_id>/send-back", methods=["POST"])
@login_required
def send_back_report(item_id):
    """A reviewer sends the report back with a reason: the item stays open."""
    item = _readable(item_id)
    require(may_review_area(current_user, item.village))
    form = SendBackForm()
    return _act(
        item,
        form,
        lambda: send_back(current_user, item, form.reason.data or ""),
        _("Report sent back: the team is told."),
        "send_back_form",
    )


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id):
    """A report's photo, for users who may read its item; its thumbnail with
    ``?thumbnail=1``."""
    photo = db.session.get(RectificationPhoto, photo_id)
    if photo is None:
        abort(404)
    step = db.session.get(RectificationStep, photo.step_id)
    _readable(step.rectification_id)
    return photo_response(photo, thumbnail=request.args.get("thumbnail") == "1")
