"""Files that staff open in a spreadsheet program: CSV and XLSX exports, written row by row.

The apps say what their columns are (:class:`Column`: a header and how to read a row); this
module turns rows into cells the same way for both formats, so that a value never depends on
the format it is read in:

- text loses the control characters that neither format can carry and, in CSV, can never be
  read as a formula (CSV injection); in XLSX every text cell is stored as a string, so that
  no formula is ever written to the file;
- dates and times are in Eastern time, where the network organises its meetings: ISO 8601
  text in CSV, real date cells (without an offset, which Excel cannot hold) in XLSX;
- yes and no are words in the staff member's language, numbers stay numbers.

A CSV is streamed as it is read from the database; an XLSX is a zip archive that can only be
finished once every row is in it, so it is written to a temporary file (openpyxl's write-only
mode keeps no row in memory) and the file is then streamed.
"""

import csv
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# What starts a formula in Excel, LibreOffice or Google Sheets, full-width forms included:
# spreadsheets skip the spaces and line breaks in front of it.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")

# The C0 controls but tab and line breaks, and DEL: XML 1.0 (so XLSX) cannot hold them, and
# spreadsheet programs cut or misread a CSV cell at them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

EASTERN = ZoneInfo("America/Toronto")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"

# Rows read from the database at a time: few queries for a long export, little memory.
CHUNK_SIZE = 2000

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What Excel refuses in a sheet's name, and its length limit.
_SHEET_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_LENGTH = 31


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (translated when the file is written) and what a
    row holds in it (text, a number, a boolean, a date, a time or None)."""

    header: str
    value: Callable[[object], object]


def formula_safe(value) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection): a leading
    apostrophe keeps the text as it is and shows nothing more."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r", "\n") or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def text_clean(value) -> str:
    """Text without the control characters that no spreadsheet cell can hold."""
    return CONTROL_CHARACTERS.sub("", str(value))


def _eastern(value: datetime) -> datetime:
    return timezone.localtime(value, EASTERN) if timezone.is_aware(value) else value


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def csv_cell(value) -> str:
    """What a value becomes in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime):
        return _eastern(value).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return formula_safe(text_clean(value))


def _xlsx_cell(sheet, value):
    """What a value becomes in an XLSX cell: a typed value, never a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = _yes_no(value)
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, _eastern(value).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    elif isinstance(value, int | float):
        return value
    # openpyxl reads any text that starts with "=" as a formula, and "#N/A" and the like as
    # errors; a cell whose type is set to string after its value is written as text, as is.
    cell = WriteOnlyCell(sheet, text_clean(value))
    cell.data_type = "s"
    return cell


def export_filename(stem: str, extension: str) -> str:
    """A file name that says what the file holds, the day it was made (Eastern time) and the
    language of its headers: registrations-2026-11-20-fr.csv."""
    day = timezone.localtime(timezone.now(), EASTERN).date().isoformat()
    return f"{stem}-{day}-{translation.get_language() or 'en'}.{extension}"


class _Echo:
    """A file that hands back what is written to it, so that csv.writer makes lines to
    stream rather than a file to fill."""

    def write(self, value):
        return value


def _csv_lines(columns: list[Column], rows: Iterable, language: str):
    # The rows are read while the response streams, after the view has returned: the
    # language is set again for the values that are translated.
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield "\ufeff"  # lets spreadsheet programs read the accents as UTF-8
        yield writer.writerow([text_clean(column.header) for column in columns])
        for row in rows:
            yield writer.writerow([csv_cell(column.value(row)) for column in columns])


def csv_response(*, columns: list[Column], rows: Iterable, filename: str, streaming: bool = True):
    """A CSV download that streams `rows` (best an iterator over a queryset) as it reads
    them, headers in the active language; with `streaming` false, a list short enough to be
    sent in one piece (what a single meeting's invitations are)."""
    lines = _csv_lines(columns, rows, translation.get_language())
    if streaming:
        response = StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse("".join(lines), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_write(*, columns: list[Column], rows: Iterable, sheet_title: str, out) -> None:
    """Write `rows` as a one-sheet XLSX workbook to the binary file `out`, headers in the
    active language."""
    workbook = Workbook(write_only=True)
    title = _SHEET_TITLE_REFUSED.sub(" ", text_clean(sheet_title))[:_SHEET_TITLE_LENGTH].strip()
    sheet = workbook.create_sheet(title=title or "Sheet")
    sheet.append([_xlsx_cell(sheet, str(column.header)) for column in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, column.value(row)) for column in columns])
    workbook.save(out)


def xlsx_response(
    *, columns: list[Column], rows: Iterable, filename: str, sheet_title: str
) -> FileResponse:
    """An XLSX download of `rows`, written to a temporary file that is deleted once sent."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        xlsx_write(columns=columns, rows=rows, sheet_title=sheet_title, out=out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def spreadsheet_response(
    *,
    file_format: str,
    columns: list[Column],
    rows: Iterable,
    stem: str,
    sheet_title: str,
    streaming: bool = True,
):
    """The CSV or the XLSX download of `rows` (`file_format` is "csv" or "xlsx"); a queryset
    is read in chunks of ``CHUNK_SIZE`` rows as the file is written."""
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK_SIZE)
    if file_format == "xlsx":
        return xlsx_response(
            columns=columns,
            rows=rows,
            filename=export_filename(stem, "xlsx"),
            sheet_title=sheet_title,
        )
    return csv_response(
        columns=columns, rows=rows, filename=export_filename(stem, "csv"), streaming=streaming
    )


def changelist_rows(model_admin, request):
    """Every row that an admin list shows for the request's filters, search and ordering, on
    all of its pages; None when the query string names a filter the list does not have (the
    list then says so itself)."""
    try:
        return model_admin.get_changelist_instance(request).queryset
    except IncorrectLookupParameters:
        return None
