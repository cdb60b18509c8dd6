"""A bulletin's tables as an .xlsx workbook (openpyxl): a cover sheet, then one sheet a table."""

from io import BytesIO

from flask_babel import format_date
from flask_babel import gettext as _

from core.bulletin.content import BulletinContent
from core.exports import safe_cell

#: Excel forbids these in sheet titles
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _cell(value):
    """Numbers as numbers; anything else as text that never runs as a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(str(value))


def _sheet_title(text: str) -> str:
    return str(text).translate(_FORBIDDEN)[:31] or "-"


def workbook_bytes(content: BulletinContent) -> bytes:
    """The workbook of ``content`` (numbers stay numbers, so sums can be checked)."""
    from openpyxl import Workbook  # only an export needs it: kept out of start-up
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = _sheet_title(_("Bulletin"))
    b = content.bulletin
    cover.append([content.title])
    cover["A1"].font = Font(bold=True, size=14)
    for name, value in (
        (_("Number"), content.number),
        (_("Issued by"), b.area.full_name),
        (_("Period"), f"{format_date(b.starts_on)} – {format_date(b.ends_on)}"),
        (_("Date of issue"), format_date(b.issued_on)),
    ):
        cover.append([name, _cell(value)])
    cover.column_dimensions["A"].width = 16
    cover.column_dimensions["B"].width = 40
    for _key, table in content.tables:
        sheet = book.create_sheet(_sheet_title(table.title))
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
