"""The inbox: the signed-in user's notifications, marking them read, and the email address."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.extensions import db
from core.forms.inbox import EmailForm
from core.models import Notification
from core.notify.email import email_enabled
from core.notify.inbox import inbox_query, mark_read, unread_count
from core.pagination import page_of

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def _page(form: EmailForm | None = None):
    """The inbox page, newest first, paginated, with the email form."""
    page = page_of(inbox_query(current_user))
    form = form or EmailForm(data={"email": current_user.email})
    return render_template(
        "inbox/index.html", page=page, form=form, email_on=email_enabled(), unread=unread_count()
    )


@bp.route("")
@login_required
def index():
    """The notifications, unread ones marked."""
    return _page()


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """Mark one of the user's notifications read (404 for anyone else's)."""
    if not mark_read(current_user, notification_id) and not _owns(notification_id):
        abort(404)
    return redirect(url_for(".index"))


def _owns(notification_id: int) -> bool:
    """True when the notification exists and belongs to the signed-in user."""
    note = db.session.get(Notification, notification_id)
    return note is not None and note.user_id == current_user.id


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every notification of the user read."""
    mark_read(current_user)
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for(".index"))


@bp.route("/email", methods=["POST"])
@login_required
def email():
    """Save (or clear) the address notifications are emailed to."""
    form = EmailForm()
    if not form.validate_on_submit():
        return _page(form)
    current_user.email = (form.email.data or "").strip()
    db.session.commit()
    flash(
        _("Email address saved.")
        if current_user.email
        else _("Notifications will no longer be emailed."),
        "success",
    )
    return redirect(url_for(".index"))
