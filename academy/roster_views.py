"""Roster import in the Wagtail admin: upload → preview with every problem by row → confirm (all or nothing).

The checked rows wait in the registrar's session under a random token between preview and confirmation; the
confirmation posts only that token, so nothing the browser sends back is trusted as roster data."""

import secrets

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import roster, services
from .spreadsheets import XLSX_CONTENT_TYPE

SESSION_KEY = "academy-roster-imports"


def may_import(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_registrar)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
        help_text=_("At most 2 MB. Columns: mobile phone, name, party, street, community, employer."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


def _require_registrar(request):
    if not may_import(request.user):
        raise PermissionDenied


def _context(**extra):
    return {"page_title": _("Import trainees"), "header_icon": "upload", **extra}


def upload(request):
    """Step 1: choose a file. A file that cannot be read at all is refused here with one clear message."""
    _require_registrar(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            records = roster.read_rows(roster.check_upload(form.cleaned_data["file"]))
        except roster.RosterFileError as error:
            form.add_error("file", error.message)
        else:
            token = secrets.token_urlsafe(16)
            # One pending import per registrar: a new upload replaces any earlier preview.
            request.session[SESSION_KEY] = {"token": token, "records": [[n, r] for n, r in records]}
            return redirect("academy_roster:preview", token=token)
    return TemplateResponse(request, "academy/admin/roster_upload.html", _context(form=form))


def _pending(request, token):
    pending = request.session.get(SESSION_KEY) or {}
    if not token or pending.get("token") != token:
        return None
    return [(number, record) for number, record in pending["records"]]


def preview(request, token):
    """Step 2: every row checked; confirm only when there is no problem. Confirming re-checks the stored rows."""
    _require_registrar(request)
    records = _pending(request, token)
    if records is None:
        messages.error(request, gettext("That import is no longer waiting; upload the file again."))
        return redirect("academy_roster:upload")
    if request.method == "POST":
        try:
            result = services.roster_import(actor=request.user, records=records)
        except services.RosterImportError:
            messages.error(request, gettext("The roster has problems; nothing was imported."))
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                gettext("Imported the roster: %(created)s new trainees, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("academy_roster:upload")
    checked = roster.check_rows(records)
    return TemplateResponse(
        request,
        "academy/admin/roster_preview.html",
        _context(preview=checked, token=token, shown_rows=checked.rows[:200]),
    )


def template(request):
    """The template workbook to fill in."""
    _require_registrar(request)
    response = HttpResponse(roster.template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


class RosterImportViewSet(ViewSet):
    """导入学员名册: for registrars only."""

    name = "academy_roster"
    url_prefix = "academy/roster"
    icon = "upload"
    menu_label = _("Import trainees")

    @cached_property
    def menu_item_class(self):
        return type("RosterImportMenuItem", (MenuItem,), {"is_shown": lambda self, request: may_import(request.user)})

    def get_urlpatterns(self):
        return [
            path("", upload, name="upload"),
            path("preview/<str:token>/", preview, name="preview"),
            path("template/", template, name="template"),
        ]
