"""Spreadsheet export shared by every app: formula-injection-safe cells, and CSV / XLSX files streamed to the
browser row by row so that a district-wide export never holds all its rows in memory, plus small in-memory
workbooks for short staff exports.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel and
WPS ("CSV injection"); names and notes come from the public, so every exported text cell is neutralised.
"""

import csv
import datetime
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 64 * 1024
ITERATOR_CHUNK = 2000


# Imports: an .xlsx is a zip, and a few megabytes of zip can inflate to gigabytes of sheet XML that openpyxl would
# parse row by row. Workbooks that declare more than this once unpacked are refused before they are opened.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024


def inflates_too_far(file, *, limit: int = MAX_UNCOMPRESSED_BYTES) -> bool:
    """Whether an uploaded workbook (a file object or bytes) would unpack to more than ``limit`` bytes, by the
    sizes its zip directory declares. A member that lies about its size fails its CRC check when openpyxl reads
    it, which the importers report as a damaged file. Not a zip at all: False (the importer says so itself)."""
    source = io.BytesIO(file) if isinstance(file, bytes | bytearray) else file
    position = source.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            return sum(member.file_size for member in archive.infolist()) > limit
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        source.seek(position)


def neutralise(value):
    """Make text that a spreadsheet would run as a formula into plain text by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(*, sheet_title: str, heading: Sequence[str], rows: Iterable[Sequence], title: str = "") -> bytes:
    """An .xlsx file with one sheet: an optional title row, a heading row, then the rows (every cell neutralised)."""
    return workbook_sheets_bytes([(sheet_title, heading, rows)], title=title)


def workbook_sheets_bytes(sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]], *, title: str = "") -> bytes:
    """An .xlsx file with a sheet per (sheet title, heading, rows): an optional title row on each, a heading row, then
    the rows (every cell neutralised)."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl

    workbook = Workbook(write_only=True)
    for sheet_title, heading, rows in sheets:
        sheet = workbook.create_sheet(title=force_str(sheet_title)[:31])
        if title:
            sheet.append([neutralise(force_str(title))])
        sheet.append([neutralise(force_str(cell)) for cell in heading])
        for row in rows:
            sheet.append([cell_value(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """Send an .xlsx file as a download (the name should be ASCII; Django encodes it in the header)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cell_value(value):
    """A Python value as a spreadsheet cell: numbers and dates kept, aware datetimes made local and naive, text
    neutralised, anything else (model instances, lazy strings) turned into neutralised text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    from decimal import Decimal

    if isinstance(value, Decimal):
        return value
    return neutralise(force_str(value))


class _Echo:
    """A file-like object whose write returns what it was given, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_rows(headings: Sequence, rows: Iterable[Sequence]) -> Iterator[bytes]:
    """CSV lines, UTF-8 with a byte-order mark so that Excel opens Chinese text correctly, sent in chunks of about
    64 KiB (one chunk per row would cost a write per row)."""
    writer = csv.writer(_Echo())
    lines = ["\ufeff" + writer.writerow([neutralise(force_str(h)) for h in headings])]
    size = 0
    for row in rows:
        line = writer.writerow(["" if v is None else force_str(cell_value(v)) for v in row])
        lines.append(line)
        size += len(line)
        if size >= CHUNK_SIZE // 3:  # up to three bytes per character in UTF-8
            yield "".join(lines).encode()
            lines, size = [], 0
    if lines:
        yield "".join(lines).encode()


def xlsx_chunks(headings: Sequence, rows: Iterable[Sequence], *, title: str = "Sheet1") -> Iterator[bytes]:
    """An .xlsx file in chunks. openpyxl's write-only workbook writes each row to a temporary file as it is
    appended (strings inline, no shared-string table), so memory stays flat whatever the number of rows."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl
    from openpyxl.cell import WriteOnlyCell  # here, not at the top: few requests need openpyxl

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([force_str(h) for h in headings])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, cell_value(value))
            if cell.data_type == "f":
                cell.data_type = "s"  # never let openpyxl write a formula, even after neutralising
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
        output.seek(0)
        while chunk := output.read(CHUNK_SIZE):
            yield chunk


def spreadsheet_response(
    *, fmt: str, filename: str, headings: Sequence, rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """A streamed download of ``rows`` as ``fmt`` ("csv" or "xlsx"). ``rows`` should be lazy (a generator or a
    queryset's ``iterator()``): nothing is read until the response is sent."""
    if fmt == "csv":
        response = StreamingHttpResponse(csv_rows(headings, rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(xlsx_chunks(headings, rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def lazy_rows(items):
    """Iterate a queryset without caching it (server-side chunks), or any other iterable as it is."""
    iterator = getattr(items, "iterator", None)
    if iterator is not None and hasattr(items, "query"):
        return iterator(chunk_size=ITERATOR_CHUNK)
    return iter(items)


class StreamingExportMixin:
    """For Wagtail views built on ``SpreadsheetExportMixin`` (model index views, report views): neutralise every
    cell and stream both formats from an uncached iterator instead of Wagtail's in-memory XLSX."""

    def get_context_data(self, **kwargs):
        # An export needs no table, filters sidebar or pagination: building them would read the whole queryset.
        if getattr(self, "is_export", False):
            return {"object_list": self.object_list}
        return super().get_context_data(**kwargs)

    def spreadsheet_rows(self, items):
        for item in lazy_rows(items):
            # Wagtail's own preprocessing would write datetimes in UTC; cell_value writes them in local time.
            yield [
                ", ".join(force_str(v) for v in value) if isinstance(value, list | tuple) else value
                for value in self.to_row_dict(item).values()
            ]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        return spreadsheet_response(
            fmt=spreadsheet_format,
            filename=self.get_filename(),
            headings=headings,
            rows=self.spreadsheet_rows(queryset),
        )
