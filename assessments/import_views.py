"""Question import in the Wagtail admin: upload → preview with every problem by row → confirm (all or nothing).

The rows wait in the editor's session under a random token between preview and confirmation; the confirmation
posts only that token, so nothing the browser sends back is trusted as question data."""

import secrets

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from academy.spreadsheets import xlsx_response

from . import importing, services

SESSION_KEY = "assessments-question-imports"


class QuestionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Question file (.xlsx)"),
        help_text=_("At most 2 MB. Columns: competency, type, question, options A–H, answer, difficulty, tags…"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _require_editor(request):
    if not services.may_edit_bank(request.user):
        raise PermissionDenied


def _context(**extra):
    return {"page_title": _("Import questions"), "header_icon": "upload", **extra}


def upload(request):
    """Step 1: choose a file. A file that cannot be read at all is refused here with one clear message."""
    _require_editor(request)
    form = QuestionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            records = importing.read_rows(importing.check_upload(form.cleaned_data["file"]))
        except importing.QuestionFileError as error:
            form.add_error("file", error.message)
        else:
            token = secrets.token_urlsafe(16)
            # One pending import per editor: a new upload replaces any earlier preview.
            request.session[SESSION_KEY] = {"token": token, "records": [[n, r] for n, r in records]}
            return redirect("assessments_import:preview", token=token)
    return TemplateResponse(request, "assessments/admin/import_upload.html", _context(form=form))


def _pending(request, token):
    pending = request.session.get(SESSION_KEY) or {}
    if not token or pending.get("token") != token:
        return None
    return [(number, record) for number, record in pending["records"]]


def preview(request, token):
    """Step 2: every row checked; confirm only when there is no problem. Confirming checks the stored rows again."""
    _require_editor(request)
    records = _pending(request, token)
    if records is None:
        messages.error(request, gettext("That import is no longer waiting; upload the file again."))
        return redirect("assessments_import:upload")
    if request.method == "POST":
        try:
            result = services.bank_questions_import(actor=request.user, records=records)
        except services.QuestionImportError:
            messages.error(request, gettext("The file has problems; nothing was imported."))
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                gettext("Imported %(questions)s questions and %(cases)s new cases.")
                % {"questions": result.questions, "cases": result.cases},
            )
            return redirect("assessments_import:upload")
    checked = importing.check_rows(records)
    return TemplateResponse(
        request,
        "assessments/admin/import_preview.html",
        _context(preview=checked, token=token, shown_rows=checked.rows[:200]),
    )


def template(request):
    """The template workbook to fill in."""
    _require_editor(request)
    return xlsx_response(importing.template_workbook(), filename="question-template.xlsx")


class QuestionImportViewSet(ViewSet):
    """导入试题: for editors who may add bank questions."""

    name = "assessments_import"
    url_prefix = "assessments/import"
    icon = "upload"
    menu_label = _("Import questions")

    @cached_property
    def menu_item_class(self):
        return type(
            "QuestionImportMenuItem",
            (MenuItem,),
            {"is_shown": lambda self, request: services.may_edit_bank(request.user)},
        )

    def get_urlpatterns(self):
        return [
            path("", upload, name="upload"),
            path("preview/<str:token>/", preview, name="preview"),
            path("template/", template, name="template"),
        ]
