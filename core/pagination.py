"""How many rows a list shows at a time: the sizes, and the one helper the pages page with.

The pages show ``PAGE_SIZE`` rows (a setting, 50 by default), the lists of dated records
``DATED_PAGE_SIZE``; the API answers ``page_size`` rows, ``API_PAGE_SIZE`` unless asked for
another number up to ``MAX_PAGE_SIZE`` (``core.api.common.paginate``).
"""

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from core.config import DEFAULTS
from core.extensions import db

#: the API's default ``page_size``: the default of the ``PAGE_SIZE`` setting (50)
API_PAGE_SIZE = DEFAULTS["PAGE_SIZE"]
#: the most rows one page of a list or of the API holds
MAX_PAGE_SIZE = 200
#: rows per page of the lists of dated records: visits, plans, events, inspections, rectifications
DATED_PAGE_SIZE = 25


def page_of(query: Select, size: int | None = None) -> Pagination:
    """The page of ``query`` asked for in ``?page=``: ``size`` rows (the ``PAGE_SIZE`` setting by
    default), at most ``MAX_PAGE_SIZE``; a page past the last one is empty, never a 404."""
    per_page = size or int(current_app.config["PAGE_SIZE"])
    return db.paginate(query, per_page=per_page, max_per_page=MAX_PAGE_SIZE, error_out=False)
