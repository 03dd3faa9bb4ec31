"""Cells of CSV and XLSX exports: formula-safe, free of control characters, dates in Eastern
time, yes and no in the staff member's language."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl import load_workbook

from peernet.spreadsheets import (
    Column,
    csv_cell,
    csv_response,
    export_filename,
    formula_safe,
    spreadsheet_response,
    text_clean,
    xlsx_write,
)

pytestmark = pytest.mark.unit

HOSTILE = [
    '=HYPERLINK("https://evil.example","Click")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
]

COLUMNS = [
    Column("Text", lambda row: row[0]),
    Column("Number", lambda row: row[1]),
    Column("Flag", lambda row: row[2]),
    Column("When", lambda row: row[3]),
    Column("Day", lambda row: row[4]),
]


def workbook_of(rows, columns=COLUMNS, title="Sheet"):
    out = io.BytesIO()
    xlsx_write(columns=columns, rows=rows, sheet_title=title, out=out)
    out.seek(0)
    return load_workbook(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_never_starts_a_formula(text):
    assert csv_cell(text) == "'" + text
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Côté", "Sḵwx̱wú7mesh", "a=b", "1-2", "", "O'Brien"])
def test_ordinary_text_is_left_as_it_is(text):
    assert csv_cell(text) == text


@pytest.mark.parametrize("text", HOSTILE + ["#N/A", "#REF!", "#DIV/0!"])
def test_an_xlsx_cell_is_text_never_a_formula_nor_an_error(text):
    sheet = workbook_of([(text, 1, True, None, None)]).active
    cell = sheet["A2"]
    assert cell.data_type == "s"
    # XML reads a carriage return as a line feed: the text is otherwise as it was typed.
    assert cell.value == text.replace("\r", "\n")


def test_control_characters_are_removed_from_both_formats():
    text = "Bad\x00\x01\x08\x0b\x0c\x0e\x1b\x1f\x7f name\twith\nlines"
    assert text_clean(text) == "Bad name\twith\nlines"
    assert csv_cell(text) == "Bad name\twith\nlines"
    sheet = workbook_of([(text, None, None, None, None)]).active
    assert sheet["A2"].value == "Bad name\twith\nlines"


def test_values_keep_their_kind():
    when = datetime(2026, 7, 1, 17, 30, tzinfo=UTC)  # 1:30 p.m. Eastern daylight time
    winter = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)  # 1:00 p.m. Eastern standard time
    rows = [("a", 42, True, when, date(2026, 7, 1)), ("b", 0, False, winter, None)]
    assert [csv_cell(value) for value in rows[0]] == [
        "a",
        "42",
        "Yes",
        "2026-07-01 13:30",
        "2026-07-01",
    ]
    assert [csv_cell(value) for value in rows[1]] == ["b", "0", "No", "2026-01-15 13:00", ""]
    sheet = workbook_of(rows).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [
        ["Text", "Number", "Flag", "When", "Day"],
        ["a", 42, "Yes", datetime(2026, 7, 1, 13, 30), datetime(2026, 7, 1)],
        ["b", 0, "No", datetime(2026, 1, 15, 13, 0), None],
    ]
    assert sheet["D2"].is_date and sheet["E2"].is_date
    assert sheet["B2"].data_type == "n"


def test_yes_and_no_are_in_the_active_language():
    with translation.override("fr"):
        assert [csv_cell(True), csv_cell(False)] == ["Oui", "Non"]
        sheet = workbook_of([("a", 1, True, None, None)]).active
    assert sheet["C2"].value == "Oui"


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Inscriptions", "Inscriptions"), ("a/b:c*d?[e]\\f", "a b c d  e  f"), ("x" * 40, "x" * 31)],
)
def test_sheet_titles_are_what_excel_accepts(title, expected):
    assert workbook_of([], title=title).active.title == expected


def test_the_csv_streams_with_its_headers_in_the_language_of_the_request():
    header = Column(translation.gettext_lazy("Yes"), lambda row: row)
    with translation.override("fr"):
        response = csv_response(columns=[header], rows=iter([True, "=1"]), filename="x.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    # Read after the language changed, as happens once the view has returned.
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["Oui"], ["Oui"], ["'=1"]]


def test_a_short_list_can_be_sent_in_one_piece():
    response = csv_response(columns=COLUMNS[:1], rows=[("a",)], filename="x.csv", streaming=False)
    assert type(response) is HttpResponse
    assert response.content.decode("utf-8") == "\ufeffText\r\na\r\n"


def test_the_xlsx_is_a_file_response_named_with_the_day_and_language():
    with translation.override("fr"):
        response = spreadsheet_response(
            file_format="xlsx", columns=COLUMNS, rows=[], stem="members", sheet_title="Membres"
        )
        name = export_filename("members", "xlsx")
    assert isinstance(response, FileResponse)
    assert name.startswith("members-20") and name.endswith("-fr.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.title == "Membres"
