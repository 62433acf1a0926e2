"""Excel exports for staff, built the same way everywhere: write-only openpyxl, and text that a spreadsheet
program would run as a formula is neutralised (CSV/formula injection). Any app may use it."""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Make text that a spreadsheet would run as a formula into plain text by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(*, sheet_title: str, heading: Sequence[str], rows: Iterable[Sequence], title: str = "") -> bytes:
    """An .xlsx file with one sheet: an optional title row, a heading row, then the rows (every cell neutralised)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    if title:
        sheet.append([neutralise(title)])
    sheet.append([neutralise(cell) for cell in heading])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """Send an .xlsx file as a download (the name should be ASCII; Django encodes it in the header)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
