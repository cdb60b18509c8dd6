"""The search page: one box over the teams, members, farms, visits and events the user reads."""

import re

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from core.services import FieldErrors
from core.services.search import GROUP_LIMIT, HINT, MAX_QUERY, Results, search

bp = Blueprint("search", __name__)

#: the list page that filters by the same text as the search, by group (others have none)
LIST_PAGES = {"farms": "farms.index"}


@bp.app_template_global("search_max_query")
def search_max_query() -> int:
    """The longest query, for the header's search field."""
    return MAX_QUERY


def highlight(text: str | None, query: str) -> Markup:
    """``text``, escaped, with every occurrence of ``query`` (ignoring case) in ``<mark>``."""
    text = text or ""
    parts, at = [], 0
    for match in re.finditer(re.escape(query), text, re.IGNORECASE) if query else ():
        parts += [escape(text[at : match.start()]), Markup("<mark>%s</mark>") % match.group()]
        at = match.end()
    parts.append(escape(text[at:]))
    return Markup("").join(parts)


@bp.route("/search")
@login_required
def index():
    """Grouped results for ``q``; a hint without one; 422 with a message when it is too long."""
    raw = request.args.get("q", "")
    try:
        results, error = search(current_user, raw), None
    except FieldErrors as exc:
        results, error = Results(raw.strip()), exc.errors["q"][0]
    return render_template(
        "search/index.html",
        results=results,
        error=error,
        hint=HINT,
        limit=GROUP_LIMIT,
        max_query=MAX_QUERY,
        list_pages=LIST_PAGES,
        mark=lambda text: highlight(text, results.query),
    ), (422 if error else 200)
