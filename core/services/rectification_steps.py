"""The two-sided follow-up of a rectification item (整改跟进): the unit reports, a reviewer
accepts or sends back.

- the leader of the unit (``core.permissions.may_report_rectification``) reports progress on an
  open item: a text and up to ``RECTIFICATION_REPORT_MAX_PHOTOS`` photos (the inspections'
  upload rules and size limit). The item then awaits review (待审核), still open, its deadline
  and overdue rule unchanged; the unit may report again while it is open;
- a reviewer of the item's village, or an admin (``may_review_area``), then accepts the
  report (the item is done: today, by them, put right as the last report says; a note is
  optional) or sends it back with a reason (open again, no longer awaiting review).

Every report, acceptance and send-back is kept as a :class:`~core.models.RectificationStep`
(no page or call removes one); the pages and the API then tell the other side in its inbox
(:func:`core.notify.rectifications.tell_other_side`). The callers check who may act; these
functions refuse
what the item's state forbids (``Conflict``: done, or nothing awaiting review) and bad
input (``FieldErrors``), changing nothing.
"""

from flask import Response, current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core import rules
from core.extensions import db
from core.models import (
    Rectification,
    RectificationPhoto,
    RectificationStatus,
    RectificationStep,
    StepKind,
    User,
)
from core.services import Conflict, FieldErrors, clean_text
from core.services.rectifications import MAX_TEXT
from core.services.uploads import Photo, clean_photos, send_photo, store_photo

#: where the photos of progress reports are stored: <instance>/uploads/rectifications/
PHOTO_FOLDER = "rectifications"


def steps_of(item: Rectification) -> list[RectificationStep]:
    """The item's steps, oldest first, with their authors and photos."""
    return list(
        db.session.scalars(
            select(RectificationStep)
            .where(RectificationStep.rectification_id == item.id)
            .options(selectinload(RectificationStep.photos), selectinload(RectificationStep.author))
            .order_by(RectificationStep.created_at, RectificationStep.id)
        )
    )


def _open(item: Rectification) -> None:
    """``Conflict`` unless the item is open."""
    if item.status == RectificationStatus.DONE:
        raise Conflict(_("This item is done: its follow-up is closed."))


def _awaiting(item: Rectification) -> None:
    """``Conflict`` unless the item is open with a report awaiting review."""
    _open(item)
    if not item.awaiting_review:
        raise Conflict(_("No progress report awaits review on this item."))


def _check_photos(errors: dict, photos: list[bytes]) -> list[Photo]:
    """``photos`` checked and saved again (``core.services.uploads``); notes an error when one
    is refused or there are too many."""
    limit = int(current_app.config["RECTIFICATION_REPORT_MAX_PHOTOS"])
    return clean_photos(
        photos,
        int(current_app.config["INSPECTION_MAX_PHOTO_KB"]),
        limit,
        0,
        _("A progress report keeps at most %(n)s photos.", n=limit),
        errors,
    )


def _step(item: Rectification, kind: StepKind, text: str, user: User) -> RectificationStep:
    """A new step of ``item`` (added to the session)."""
    step = RectificationStep(
        item=item,
        village_id=item.village_id,
        team_id=item.team_id,
        kind=kind,
        text=text,
        author_id=user.id,
    )
    db.session.add(step)
    return step


def _done(step: RectificationStep) -> RectificationStep:
    """Commit a new step; the step."""
    db.session.commit()
    return step


def report_progress(
    user: User, item: Rectification, text: str, photos: list[bytes] | None = None
) -> RectificationStep:
    """Record the unit's progress report (``user`` is its leader; the caller checked): the
    item awaits review. Commits."""
    _open(item)
    errors: dict[str, list[str]] = {}
    text = clean_text(errors, "text", text, MAX_TEXT, required=True)
    cleaned = _check_photos(errors, list(photos or []))
    if errors:
        raise FieldErrors(errors)
    step = _step(item, StepKind.REPORT, text, user)
    for photo in cleaned:
        step.photos.append(
            RectificationPhoto(
                filename=store_photo(PHOTO_FOLDER, photo),
                media_type=photo.media_type,
                size=len(photo.data),
            )
        )
    item.awaiting_review = True
    return _done(step)


def last_report(item: Rectification) -> RectificationStep | None:
    """The item's latest progress report, if any."""
    return db.session.scalar(
        select(RectificationStep)
        .where(
            RectificationStep.rectification_id == item.id,
            RectificationStep.kind == StepKind.REPORT,
        )
        .order_by(RectificationStep.id.desc())
        .limit(1)
    )


def accept_report(user: User, item: Rectification, note: str = "") -> RectificationStep:
    """Accept the report awaiting review (``user`` reviews the item; the caller checked): the
    item is done today, by ``user``, put right as the report says. Commits."""
    _awaiting(item)
    errors: dict[str, list[str]] = {}
    note = clean_text(errors, "note", note, MAX_TEXT)
    if errors:
        raise FieldErrors(errors)
    report = last_report(item)
    step = _step(item, StepKind.ACCEPTED, note, user)
    item.status, item.done_on, item.done_by = RectificationStatus.DONE, rules.today(), user
    item.done_note = report.text if report is not None else note
    item.awaiting_review = False
    return _done(step)


def send_back(user: User, item: Rectification, reason: str) -> RectificationStep:
    """Send the report awaiting review back with a reason (required): the item stays open
    with its deadline. Commits."""
    _awaiting(item)
    errors: dict[str, list[str]] = {}
    reason = clean_text(errors, "reason", reason, MAX_TEXT, required=True)
    if errors:
        raise FieldErrors(errors)
    step = _step(item, StepKind.SENT_BACK, reason, user)
    item.awaiting_review = False
    return _done(step)


def photo_response(photo: RectificationPhoto, thumbnail: bool = False) -> Response:
    """The image of ``photo`` (or its thumbnail), never cached by shared caches (404 when its
    file is missing); the caller checked the reader."""
    return send_photo(PHOTO_FOLDER, photo.filename, photo.media_type, thumbnail)
