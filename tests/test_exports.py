"""The parts every download shares: safe cells, CSV bytes and the download headers."""

from datetime import date, datetime

from core.exports import CSV_MIME, XLSX_MIME, csv_bytes, disposition, download, safe_cell


def test_cells_that_would_run_as_formulas_get_a_quote():
    for text in ("=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("永阳镇") == "永阳镇" and safe_cell("a=b") == "a=b"
    assert safe_cell(-3) == -3 and safe_cell(None) is None


def test_csv_is_utf8_with_a_bom_and_safe_cells():
    data = csv_bytes([["名称", "N"], ["=HYPERLINK(1)", -3], [date(2026, 5, 1), None]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "名称,N\r\n'=HYPERLINK(1),-3\r\n2026-05-01,\r\n"
    assert (
        csv_bytes([[datetime(2026, 5, 1, 8, 30)]]).decode("utf-8-sig") == "2026-05-01T08:30:00\r\n"
    )


def test_disposition_keeps_ascii_names_plain_and_adds_the_utf8_name_otherwise():
    assert disposition("bulletin-2026-01.xlsx") == 'attachment; filename="bulletin-2026-01.xlsx"'
    assert disposition("kepu-events.ics", inline=True) == 'inline; filename="kepu-events.ics"'
    assert disposition("review-永阳镇.csv") == (
        'attachment; filename="review-___.csv"; '
        "filename*=UTF-8''review-%E6%B0%B8%E9%98%B3%E9%95%87.csv"
    )
    assert disposition('a"b.csv') == "attachment; filename=\"ab.csv\"; filename*=UTF-8''a%22b.csv"


def test_download_sets_the_type_and_the_file_name(app):
    response = download(b"x", "review.xlsx", XLSX_MIME)
    assert response.mimetype == XLSX_MIME
    assert response.headers["Content-Disposition"] == 'attachment; filename="review.xlsx"'
    assert download("a,b", "t.csv", CSV_MIME).content_type == "text/csv; charset=utf-8"
