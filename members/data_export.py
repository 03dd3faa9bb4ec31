"""The member's data export as CSV, beside the JSON of :func:`members.services.member_data_export`.

One file of ``section, field, value`` rows rather than a zip of one CSV per section: the
sections differ in shape (an account, a history, answers to meetings) and grow as programmes
add their own, so one long table holds every one of them without a file per shape, opens in
any spreadsheet or script as it is, and says exactly what the JSON says. A nested value's
field is its path, with list items numbered from 1 (``history.2.at``).
"""

from collections.abc import Iterator

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from peernet.spreadsheets import Column, csv_response

DataRow = tuple[str, str, object]

COLUMNS = [
    Column(_("section"), lambda row: row[0]),
    Column(_("field"), lambda row: row[1]),
    Column(_("value"), lambda row: row[2]),
]


def _scalar(value) -> object:
    # As the JSON writes them, so that both files say the same: not "Yes", "No" or a blank.
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _rows(section: str, path: str, value) -> Iterator[DataRow]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _rows(section, f"{path}.{key}" if path else str(key), item)
    elif isinstance(value, list | tuple) and value:
        for number, item in enumerate(value, start=1):
            yield from _rows(section, f"{path}.{number}" if path else str(number), item)
    elif isinstance(value, dict | list | tuple):
        # An empty section or list still shows that it exists and holds nothing.
        yield section, path, ""
    else:
        yield section, path, _scalar(value)


def member_data_rows(data: dict) -> list[DataRow]:
    """The export's data as ``(section, field, value)`` rows, in the JSON's order."""
    rows: list[DataRow] = []
    for section, value in data.items():
        rows += _rows(section, "", value)
    return rows


def member_data_csv_response(data: dict) -> HttpResponse:
    """The export as one CSV download; every cell is formula-safe (peernet.spreadsheets)."""
    response = csv_response(
        columns=COLUMNS,
        rows=member_data_rows(data),
        filename="peernet-my-data.csv",
        streaming=False,
    )
    response["Cache-Control"] = "no-store"
    return response
