"""Inspection bulletins (督查通报): issuing one, its print view, and its downloads (.xlsx of its
tables, standalone .html document). Rendered in Chinese unless ``?lang=en``."""

from datetime import date
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields import SelectChoice

from core import rules
from core.audit.query import may_read_audit
from core.bulletin.content import build
from core.bulletin.issue import bulletin_provenance, issue_bulletin, issuing_areas
from core.bulletin.workbook import workbook_bytes
from core.exports import XLSX_MIME, download
from core.extensions import db
from core.forms import show_errors
from core.forms.assessments import BulletinForm
from core.models import Bulletin
from core.permissions import bulletin_scope, get_readable_or_404, may_review, require
from core.services import FieldErrors

bp = Blueprint("bulletins", __name__, url_prefix="/bulletins")

#: the stylesheet of the document, linked by the print view and inlined in the download
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "bulletin.css"


@bp.before_request
@login_required
def _readers_only():
    """Every page is for reviewers with an area and admins, and for the users of a team, who
    read the bulletins naming their team or its village (``bulletin_scope``)."""
    require(may_review(current_user) or current_user.team_id is not None)


@bp.route("", methods=["GET", "POST"])
def index():
    """The bulletins the user may read, newest first, and the form to issue one."""
    areas = issuing_areas(current_user)
    today = rules.today()
    own = current_user.area if current_user.area in areas else (areas[0] if areas else None)
    form = BulletinForm(
        data={
            "area_id": own.id if own else None,
            "starts_on": date(today.year, 1, 1),
            "ends_on": today,
        }
    )
    form.area_id.choices = [SelectChoice(str(a.id), a.full_name) for a in areas]
    if request.method == "POST":
        require(bool(areas))  # readers of a team's bulletins never issue one
    if form.validate_on_submit():
        try:
            bulletin = issue_bulletin(
                current_user, form.area_id.data, form.starts_on.data, form.ends_on.data
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Bulletin issued."), "success")
            return redirect(url_for("bulletins.document", bulletin_id=bulletin.id))
    bulletins = db.session.scalars(
        select(Bulletin)
        .where(bulletin_scope(current_user))
        .options(joinedload(Bulletin.area))
        .order_by(Bulletin.issued_on.desc(), Bulletin.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "bulletins/index.html",
        form=form,
        bulletins=bulletins,
        may_issue=bool(areas),
        about_team=not may_review(current_user),
    )


def _language() -> str:
    """The bulletin's language: Chinese, unless ``?lang=en``."""
    return "en" if request.args.get("lang") == "en" else "zh_CN"


def _render(bulletin: Bulletin, standalone: bool) -> str:
    """The bulletin as an HTML document in its language, with the trail's position at its issue
    (the link to the later changes only on the page, for users who may read the trail)."""
    lang = _language()
    with force_locale(lang):
        content = build(bulletin)
        return render_template(
            "bulletins/document.html",
            content=content,
            b=bulletin,
            lang=lang,
            standalone=standalone,
            provenance=bulletin_provenance(bulletin),
            audit_link=not standalone and may_read_audit(current_user),
            inline_css=STYLESHEET.read_text(encoding="utf-8") if standalone else None,
        )


def _file_name(bulletin: Bulletin, extension: str) -> str:
    """An ASCII download name, e.g. bulletin-2026-03-area-4.xlsx."""
    return f"bulletin-{bulletin.year}-{bulletin.number:02d}-area-{bulletin.area_id}.{extension}"


@bp.route("/<int:bulletin_id>")
def document(bulletin_id):
    """The print view: the document with print CSS and links to its downloads."""
    bulletin = get_readable_or_404(Bulletin, bulletin_id, bulletin_scope(current_user))
    return _render(bulletin, standalone=False)


@bp.route("/<int:bulletin_id>/bulletin.html")
def download_html(bulletin_id):
    """The document as a standalone HTML file with its CSS inline (an attachment)."""
    bulletin = get_readable_or_404(Bulletin, bulletin_id, bulletin_scope(current_user))
    return download(_render(bulletin, standalone=True), _file_name(bulletin, "html"), "text/html")


@bp.route("/<int:bulletin_id>/bulletin.xlsx")
def download_xlsx(bulletin_id):
    """The bulletin's tables as an .xlsx workbook (an attachment)."""
    bulletin = get_readable_or_404(Bulletin, bulletin_id, bulletin_scope(current_user))
    with force_locale(_language()):
        data = workbook_bytes(build(bulletin))
    return download(data, _file_name(bulletin, "xlsx"), XLSX_MIME)
