"""What every download shares: cells a spreadsheet never runs, CSV bytes, and the headers.

The review's CSV and XLSX, the bulletin's XLSX and HTML and the calendar files are built by
their own modules; these helpers make the parts that must not differ between them.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import quote

from flask import Response

#: the media type of an .xlsx workbook
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the media type of CSV (Flask adds ``charset=utf-8``)
CSV_MIME = "text/csv"
#: text starting with these would run as a formula in a spreadsheet program
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet cell that never runs as a formula.

    Text starting with ``= + - @`` (or a tab or carriage return) gets a leading ``'``; numbers,
    dates and other values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """``rows`` as CSV: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends,
    days and times in ISO 8601, every text cell passed through :func:`safe_cell`, ``None`` as
    an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def disposition(filename: str, inline: bool = False) -> str:
    """A Content-Disposition header: ``attachment`` (or ``inline``) with ``filename``.

    A name that is not ASCII gets an ASCII fallback and the UTF-8 name (RFC 6266).
    """
    kind = "inline" if inline else "attachment"
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    if fallback == filename:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def download(data: bytes | str, filename: str, mimetype: str, inline: bool = False) -> Response:
    """A response that saves ``data`` as ``filename`` (shown in the browser when ``inline``)."""
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": disposition(filename, inline)}
    )
