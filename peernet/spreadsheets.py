"""Cells of files that staff open in a spreadsheet program (CSV exports)."""

# What starts a formula in Excel, LibreOffice or Google Sheets, full-width forms included:
# spreadsheets skip the spaces and line breaks in front of it.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")


def formula_safe(value) -> str:
    """A cell that a spreadsheet will not run as a formula (CSV injection): a leading
    apostrophe keeps the text as it is and shows nothing more."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r", "\n") or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text
