"""Importing an Excel workbook in the Wagtail admin, the one way every import works here (the trainee roster, the
question bank): upload → preview with every problem listed by row → confirm, all or nothing.

Reading: the upload is checked for size, extension and the ZIP signature every .xlsx file starts with (so a
renamed file of another kind is refused before openpyxl parses it) and for a zip that would inflate too far; the
first row's headings are matched to column keys by their translated label or a listed alias (width, case and
spacing ignored); each non-empty row becomes (spreadsheet row number, {column key: text}).

The flow: the rows read wait in the staff member's session under a random token between preview and
confirmation; the confirmation posts only that token, so nothing the browser sends back is trusted as data. The
importing app says what a row means (``check``) and writes (``apply``, which checks again inside its transaction).
"""

import io
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from .spreadsheets import inflates_too_far, xlsx_response

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"


class ImportFileError(Exception):
    """The upload as a whole cannot be read (wrong type, too large, no header, too many rows); nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetFormat:
    """What one kind of import reads: its columns ((key, label, aliases) in template order), the keys a file must
    have, how many rows a file may hold, and the messages that name what the rows are (trainees, questions)."""

    columns: tuple
    required: tuple[str, ...]
    max_rows: int
    too_large: Promise  # %(size)s
    too_many_rows: Promise  # %(rows)s
    no_rows: Promise
    inflates: Promise
    max_bytes: int = MAX_UPLOAD_BYTES


def cell_text(value) -> str:
    """A cell as text: empty for nothing, a whole number without ".0" (a phone typed into a number cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def heading_key(value: str) -> str:
    """A heading or alias as compared: full-width and half-width alike, case and surrounding space ignored."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def check_upload(upload, sheet: SheetFormat) -> bytes:
    """The uploaded file's bytes, or ImportFileError when it is too large or not an .xlsx workbook."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise ImportFileError(gettext("Upload an Excel workbook (.xlsx); other file types are not accepted."))
    too_large = gettext(str(sheet.too_large)) % {"size": sheet.max_bytes // (1024 * 1024)}
    if upload.size > sheet.max_bytes:
        raise ImportFileError(too_large)
    content = upload.read(sheet.max_bytes + 1)
    if len(content) > sheet.max_bytes:
        raise ImportFileError(too_large)
    if not content.startswith(ZIP_SIGNATURE) or not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError(
            gettext("This file is not a real .xlsx workbook (perhaps renamed); save it from Excel or WPS as .xlsx.")
        )
    return content


def read_rows(content: bytes, sheet: SheetFormat) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column key: text}) for every non-empty row under the header row."""
    from openpyxl import load_workbook  # here, not at the top: few requests need openpyxl

    if inflates_too_far(content):
        raise ImportFileError(str(sheet.inflates))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(gettext("The workbook could not be read; save it again as .xlsx.")) from error
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(lines, None) or ()
        lookup = {}
        for key, label, aliases in sheet.columns:
            for heading in (str(label), gettext(str(label)), *aliases):
                lookup[heading_key(heading)] = key
        positions = {}
        for index, heading in enumerate(header):
            key = lookup.get(heading_key(cell_text(heading)))
            if key and key not in positions:
                positions[key] = index
        missing = [
            str(label) for key, label, _aliases in sheet.columns if key in sheet.required and key not in positions
        ]
        if missing:
            raise ImportFileError(
                gettext("The first row must hold the column headings; missing: %(columns)s. Download the template.")
                % {"columns": "、".join(gettext(m) for m in missing)}
            )
        rows = []
        for number, values in enumerate(lines, start=2):
            record = {key: cell_text(values[index]) if index < len(values) else "" for key, index in positions.items()}
            if not any(record.values()):
                continue
            rows.append((number, record))
            if len(rows) > sheet.max_rows:
                raise ImportFileError(gettext(str(sheet.too_many_rows)) % {"rows": sheet.max_rows})
    finally:
        workbook.close()
    if not rows:
        raise ImportFileError(str(sheet.no_rows))
    return rows


class SpreadsheetImportViewSet(ViewSet):
    """The three admin views of an import (upload, preview/confirm, template workbook) for one kind of rows.

    A subclass names its sheet, who may import, its templates and the two calls that give meaning to rows:
    ``check(records)`` (a preview with ``rows``, ``problems`` and ``ok``) and ``apply(actor, records)`` (the
    all-or-nothing write, raising ``apply_error`` when the rows have problems), and the success message."""

    icon = "upload"
    sheet: SheetFormat
    session_key: str
    upload_template_name = "academy/admin/spreadsheet_upload.html"
    preview_template_name: str
    template_filename: str
    file_label: Promise
    file_help_text: Promise
    intro: Promise
    apply_error: type[Exception]
    failure_message: Promise
    shown_rows = 200

    # What a subclass says ------------------------------------------------------------------------------------

    def may_import(self, user) -> bool:
        raise NotImplementedError

    def check(self, records):
        raise NotImplementedError

    def apply(self, *, actor, records) -> str:
        """Write the rows (all or nothing) and return the success message."""
        raise NotImplementedError

    def template_workbook(self) -> bytes:
        raise NotImplementedError

    # The flow ------------------------------------------------------------------------------------------------

    @cached_property
    def menu_item_class(self):
        may_import = self.may_import
        return type(
            f"{type(self).__name__}MenuItem", (MenuItem,), {"is_shown": lambda _self, request: may_import(request.user)}
        )

    def _require(self, request):
        if not self.may_import(request.user):
            raise PermissionDenied

    def _context(self, **extra):
        return {"page_title": self.menu_label, "header_icon": self.icon, "viewset": self, **extra}

    def upload_form_class(self):
        return type(
            "UploadForm",
            (forms.Form,),
            {
                "file": forms.FileField(
                    label=self.file_label,
                    help_text=self.file_help_text,
                    widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                )
            },
        )

    def upload_view(self, request):
        """Step 1: choose a file. A file that cannot be read at all is refused here with one clear message."""
        self._require(request)
        form = self.upload_form_class()(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                records = read_rows(check_upload(form.cleaned_data["file"], self.sheet), self.sheet)
            except ImportFileError as error:
                form.add_error("file", error.message)
            else:
                token = secrets.token_urlsafe(16)
                # One pending import per person: a new upload replaces any earlier preview.
                request.session[self.session_key] = {"token": token, "records": [[n, r] for n, r in records]}
                return redirect(self.get_url_name("preview"), token=token)
        return TemplateResponse(request, self.upload_template_name, self._context(form=form))

    def _pending(self, request, token):
        pending = request.session.get(self.session_key) or {}
        if not token or pending.get("token") != token:
            return None
        return [(number, record) for number, record in pending["records"]]

    def preview_view(self, request, token):
        """Step 2: every row checked; confirm only when there is no problem. Confirming checks the stored rows again."""
        self._require(request)
        records = self._pending(request, token)
        if records is None:
            messages.error(request, gettext("That import is no longer waiting; upload the file again."))
            return redirect(self.get_url_name("upload"))
        if request.method == "POST":
            try:
                message = self.apply(actor=request.user, records=records)
            except self.apply_error:
                messages.error(request, str(self.failure_message))
            else:
                request.session.pop(self.session_key, None)
                messages.success(request, message)
                return redirect(self.get_url_name("upload"))
        checked = self.check(records)
        return TemplateResponse(
            request,
            self.preview_template_name,
            self._context(preview=checked, token=token, shown_rows=checked.rows[: self.shown_rows]),
        )

    def template_view(self, request):
        """The template workbook to fill in."""
        self._require(request)
        return xlsx_response(self.template_workbook(), filename=self.template_filename)

    def get_urlpatterns(self):
        return [
            path("", self.upload_view, name="upload"),
            path("preview/<str:token>/", self.preview_view, name="preview"),
            path("template/", self.template_view, name="template"),
        ]
