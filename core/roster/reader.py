"""Reading a roster file: an .xlsx workbook (Excel or WPS) or one CSV file per sheet.

Cells are read as a person reads them: the value a formula shows, a merged cell's value in
every cell it covers, full-width digits as digits, no leading or trailing spaces (full-width
ones included), whole numbers without ``.0``. Hidden sheets and the notes sheet are skipped
(and said so). Sheets and columns are found by their header in Chinese or English.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from core.roster.columns import (
    NOTES_TITLE,
    SHEETS,
    SOURCE_LABEL,
    Sheet,
    fold,
    header_words,
    words,
)

#: how much larger than the file its unzipped parts may be (rosters compress about 10 times)
UNZIPPED_RATIO = 100
#: a merged range in a sheet's XML
_MERGE_CELL = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


class FileRefused(Exception):
    """The file cannot be read at all (the message is translated)."""


@dataclass
class Row:
    """One data row: its number in the sheet and its cells by column key."""

    number: int
    cells: dict[str, object]

    def text(self, key: str) -> str:
        """A cell as text ('' when empty)."""
        value = self.cells.get(key)
        return "" if value is None else str(value)


@dataclass
class Book:
    """What a file held: rows by sheet key, and notes about what was skipped."""

    sheets: dict[str, list[Row]] = field(default_factory=dict)
    #: sheet key -> its title as written in the file (for messages)
    titles: dict[str, str] = field(default_factory=dict)
    #: sheet key -> {column key: header as written}
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: the ``kepu-source`` of the export the file came from ('' when none)
    source: str = ""

    def count(self) -> int:
        """Number of data rows in every sheet."""
        return sum(len(rows) for rows in self.sheets.values())


def clean(value):
    """A cell as a person reads it: text stripped and full-width forms made plain (NFKC)
    for digits and Latin letters, whole floats as ints, datetimes as days."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, int | float | date):
        return value
    text = str(value).replace("\u00a0", " ").strip()
    return text or None


def plain(text: str) -> str:
    """Full-width digits, letters and signs as plain ones (for ids, phones, dates, yes/no)."""
    return unicodedata.normalize("NFKC", text).strip()


def _sheet_for(title: str, headers: list) -> Sheet | None:
    """The sheet a title names (either language), else the one most of these headers name."""
    name = fold(title)
    for sheet in SHEETS:
        if name in words(sheet.title):
            return sheet
    best, score = None, 0
    for sheet in SHEETS:
        found = len([k for k in _column_keys(sheet, headers) if k])
        if found > score and found >= min(3, len(sheet.columns)):
            best, score = sheet, found
    return best


def _column_keys(sheet: Sheet, headers: list) -> list[str | None]:
    """The column key of each header cell (None for a column Kepu does not know)."""
    keys = []
    for header in headers:
        name = fold(str(header)) if header is not None else ""
        keys.append(next((c.key for c in sheet.columns if name in header_words(c)), None))
    return keys


def _add(book: Book, title: str, table: list[list]) -> None:
    """Add the rows of one sheet or CSV file (first non-empty row: the headers)."""
    while table and not any(v is not None for v in table[0]):
        table = table[1:]
    if not table:
        return
    for values in table:
        if values and clean(values[0]) == SOURCE_LABEL and len(values) > 1:
            book.source = str(clean(values[1]) or "")
    headers = [clean(v) for v in table[0]]
    sheet = _sheet_for(title, [str(h) for h in headers if h is not None])
    if sheet is None:
        if fold(title) not in words(NOTES_TITLE):
            book.notes.append(_("Sheet %(name)s is not part of the roster: skipped.", name=title))
        return
    if sheet.key in book.sheets:
        raise FileRefused(_("Two sheets hold %(name)s.", name=str(sheet.title)))
    keys = _column_keys(sheet, headers)
    book.titles[sheet.key] = title
    book.headers[sheet.key] = {c.key: str(c.header) for c in sheet.columns}
    for key, header in zip(keys, headers, strict=False):
        if key:
            book.headers[sheet.key][key] = str(header)
        elif header is not None:
            book.notes.append(
                _(
                    "Column %(column)s of %(sheet)s is not known: skipped.",
                    column=header,
                    sheet=title,
                )
            )
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {k: clean(v) for k, v in zip(keys, values, strict=False) if k}
        if any(v is not None for v in cells.values()):
            rows.append(Row(number, cells))
    book.sheets[sheet.key] = rows


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet as (min_row, min_col, max_row, max_col), read from its
    XML (the read-only worksheet, fast on large files, does not give them)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        xml = archive.read(path)
    except KeyError:
        return []
    ranges = []
    for ref in _MERGE_CELL.findall(xml):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        ranges.append((min_row, min_col, max_row, max_col))
    return ranges


def read_xlsx(data: bytes, max_rows: int) -> Book:
    """The rows of an .xlsx workbook (formulas read as their shown values)."""
    from openpyxl import load_workbook  # only an import needs it: kept out of start-up

    refused = FileRefused(_("This is not an .xlsx workbook Kepu can read."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(item.file_size for item in archive.infolist()) > UNZIPPED_RATIO * len(data):
            raise refused  # a zip bomb, not a roster
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged file: each means the same
        raise refused from None
    book = Book()
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                book.notes.append(_("Hidden sheet %(name)s: skipped.", name=ws.title))
                continue
            table = []
            for values in ws.iter_rows(values_only=True):
                table.append(list(values))
                if len(table) > max_rows + 1:
                    raise FileRefused(
                        _("Sheet %(name)s has more than %(n)s rows.", name=ws.title, n=max_rows)
                    )
            for min_row, min_col, max_row, max_col in _merged_ranges(
                archive, getattr(ws, "_worksheet_path", "")
            ):
                if min_row > len(table):
                    continue
                top = table[min_row - 1]
                value = top[min_col - 1] if min_col - 1 < len(top) else None
                for r in range(min_row, min(max_row, len(table)) + 1):
                    row = table[r - 1]
                    row.extend([None] * (max_col - len(row)))
                    for c in range(min_col, max_col + 1):
                        row[c - 1] = value
            _add(book, ws.title, table)
    except FileRefused:
        raise
    except Exception:  # a damaged sheet deep in the file, as above
        raise refused from None
    finally:
        workbook.close()
    return book


def read_csv(name: str, data: bytes, max_rows: int, book: Book) -> None:
    """Add the rows of one CSV file (UTF-8, with or without BOM, or GB18030 as WPS saves)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(_("%(name)s is not UTF-8 or GB18030 text.", name=name))
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error:  # a NUL byte, a field over the csv module's limit
        raise FileRefused(_("%(name)s is not a CSV file Kepu can read.", name=name)) from None
    if len(table) > max_rows + 1:
        raise FileRefused(_("Sheet %(name)s has more than %(n)s rows.", name=name, n=max_rows))
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    _add(book, stem, [[v if v != "" else None for v in row] for row in table])


def read_files(files: list[tuple[str, bytes]], max_bytes: int, max_rows: int) -> Book:
    """The rows of the uploaded files: one workbook, or CSV files (one a sheet)."""
    if not files:
        raise FileRefused(_("Choose a file."))
    for name, data in files:
        if len(data) > max_bytes:
            raise FileRefused(
                _(
                    "%(name)s is larger than %(n)s KB.",
                    name=name,
                    n=max(1, max_bytes // 1024),
                )
            )
    for name, data in files:
        if name.lower().endswith((".xls", ".et")) or data[:4] == b"\xd0\xcf\x11\xe0":
            raise FileRefused(
                _(
                    "%(name)s is an old Excel or WPS file: save it as .xlsx and send it again.",
                    name=name,
                )
            )
    workbooks = [f for f in files if f[1][:2] == b"PK"]
    if workbooks:
        if len(files) > 1:
            raise FileRefused(_("Send one workbook, or CSV files only."))
        return read_xlsx(workbooks[0][1], max_rows)
    book = Book()
    for name, data in files:
        read_csv(name, data, max_rows, book)
    if not book.sheets:
        raise FileRefused(_("No roster sheet found in the file."))
    return book
