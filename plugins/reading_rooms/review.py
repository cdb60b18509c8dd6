"""The reading rooms section of the township review."""

from datetime import date

from flask_babel import lazy_gettext as _l

from core.plugin_api import Area, ReviewFigure, ReviewSection, ReviewTable
from plugins.reading_rooms.services import area_subtree_clause, period_threshold, ranked_usage


def review_section(area: Area, start: date, end: date) -> ReviewSection:
    """The rooms of ``area``'s subtree and their usage over ``start``..``end`` (one query)."""
    threshold = period_threshold(start, end)
    rows = ranked_usage(area_subtree_clause(area), start, end, threshold)
    low = [r for r in rows if r.low]
    models = [r for r in rows if r.model]
    figures = (
        ReviewFigure(_l("Reading rooms"), len(rows)),
        ReviewFigure(_l("Reads"), sum(r.reads for r in rows)),
        ReviewFigure(_l("Downloads"), sum(r.downloads for r in rows)),
        ReviewFigure(_l("Active readers"), sum(r.active_readers for r in rows)),
        ReviewFigure(
            _l("Rooms below the usage threshold (%(n)s)", n=threshold), len(low), flagged=bool(low)
        ),
        ReviewFigure(_l("County-level model rooms"), len(models)),
    )
    columns = (
        _l("Rank"),
        _l("Room"),
        _l("Township"),
        _l("Reads"),
        _l("Downloads"),
        _l("Active readers"),
    )
    tables = (
        ReviewTable(
            _l("Rooms below the usage threshold"),
            columns,
            tuple(
                (r.rank, r.room, r.township, r.reads, r.downloads, r.active_readers) for r in low
            ),
        ),
        ReviewTable(
            _l("County-level model rooms"),
            columns,
            tuple(
                (r.rank, r.room, r.township, r.reads, r.downloads, r.active_readers) for r in models
            ),
        ),
    )
    return ReviewSection("reading_rooms", _l("Reading rooms"), figures, tables, order=120)
