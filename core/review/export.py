"""CSV and XLSX exports of the review's tables, cell for cell what the page shows.

CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; XLSX (openpyxl)
has one sheet per table, a header block with the area, period and generation time, and bold
column headings. Cells never run as formulas (``core.exports.safe_cell``).
"""

import io
import re

from flask_babel import format_datetime
from flask_babel import gettext as _

from core.exports import csv_bytes, safe_cell
from core.review.report import Review, Table

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def to_csv(table: Table) -> bytes:
    """The table as CSV bytes: BOM, a heading row, then the rows (days as YYYY-MM-DD)."""
    return csv_bytes([[str(c) for c in table.columns], *table.rows])


def _sheet_title(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def to_xlsx(review: Review, tables: list[Table]) -> bytes:
    """Every table in one workbook, one sheet each."""
    from openpyxl import Workbook  # only an export needs it: kept out of start-up
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    head = [
        (_("Area"), review.area.full_name),
        (_("Period"), review.period.label),
        (_("Generated"), format_datetime(review.generated_at, "medium")),
    ]
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.append([safe_cell(table.title)])
        sheet["A1"].font = bold
        for key, value in head:
            sheet.append([key, value])
        sheet.append([])
        sheet.append([safe_cell(str(c)) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        for i, column in enumerate(table.columns, 1):
            width = max([len(str(column))] + [len(str(r[i - 1])) for r in table.rows[:200]])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(40, width + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(review: Review, key: str, ext: str) -> str:
    """e.g. ``review-永阳镇-2026-Q2-teams.csv``."""
    period = review.period.code or f"{review.period.start}_{review.period.end}"
    return f"review-{review.area.name}-{period}-{key}.{ext}"
