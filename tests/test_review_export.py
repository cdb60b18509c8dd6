"""CSV (UTF-8 with BOM) and XLSX exports: the same numbers as the page, table for table."""

import csv
import io

import pytest
from openpyxl import load_workbook
from review_support import page_table
from review_world import ReviewWorld

from core.exports import XLSX_MIME
from core.plugins.state import set_enabled
from core.review.export import to_csv
from core.review.report import Table

YEAR = {"period": "2025"}


@pytest.fixture
def as_reviewer(world, client, login):
    ReviewWorld(world)
    login("reviewer")
    client.post("/lang/en")
    return client


def _csv(client, table: str, **args) -> list[list[str]]:
    response = client.get("/review/export.csv", query_string={"table": table, **YEAR, **args})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "key", ["teams", "areas", "events", "chart-months", "chart-people", "chart-coverage"]
)
def test_csv_has_the_numbers_of_the_page(as_reviewer, key):
    page = as_reviewer.get("/review", query_string=YEAR).get_data(as_text=True)
    assert _csv(as_reviewer, key) == page_table(page, key)


def test_csv_file_name_and_unknown_table(as_reviewer):
    response = as_reviewer.get("/review/export.csv", query_string={"table": "teams", **YEAR})
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="review-')
    assert "filename*=UTF-8''review-%E6%B0%B8%E9%98%B3%E9%95%87-2025-teams.csv" in disposition
    assert (
        as_reviewer.get("/review/export.csv", query_string={"table": "nope", **YEAR}).status_code
        == 404
    )
    assert (
        as_reviewer.get("/review/export.csv", query_string={"period": "2025-Q9"}).status_code == 422
    )


def test_xlsx_has_every_table_with_the_page_numbers(as_reviewer):
    page = as_reviewer.get("/review", query_string=YEAR).get_data(as_text=True)
    response = as_reviewer.get("/review/export.xlsx", query_string=YEAR)
    assert response.status_code == 200 and response.mimetype == XLSX_MIME
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames[:3] == ["Areas", "Teams", "Events held per campaign and"]
    sheet = book["Teams"]
    assert sheet["A1"].value == "Teams" and sheet["B2"].value == "测试县 永阳镇"
    assert sheet["B3"].value == "2025"
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in sheet.iter_rows(min_row=6, values_only=True)
    ]
    assert rows == page_table(page, "teams")
    assert isinstance(sheet["C7"].value, int)  # numbers stay numbers


def test_plugin_tables_are_exported_too(sample_app, sample, world, log_in):
    ReviewWorld(world)
    set_enabled(sample_app, "kepu_sample", True)
    client = log_in(sample_app.test_client(), "reviewer")
    client.post("/lang/en")
    assert _csv(client, "kepu_sample-notes-figures") == [["Figure", "Value"], ["Notes", "0"]]
    book = load_workbook(
        io.BytesIO(client.get("/review/export.xlsx", query_string=YEAR).get_data())
    )
    assert "Sample notes of 永阳镇" in book.sheetnames


def test_cells_that_look_like_formulas_are_neutralised():
    table = Table("t", "T", ("Name", "N"), (("=HYPERLINK(1)", -3),))
    text = to_csv(table).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=HYPERLINK(1),-3"
