"""Roster import in the Wagtail admin (导入学员名册, registrars only): the upload → preview → confirm flow every
import shares (``spreadsheet_import``), with the roster's own rows, check and write."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import roster, services
from .spreadsheet_import import SpreadsheetImportViewSet


def may_import(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_registrar)


class RosterImportViewSet(SpreadsheetImportViewSet):
    name = "academy_roster"
    url_prefix = "academy/roster"
    menu_label = _("Import trainees")
    sheet = roster.SHEET
    session_key = "academy-roster-imports"
    preview_template_name = "academy/admin/roster_preview.html"
    template_filename = "roster-template.xlsx"
    file_label = _("Roster file (.xlsx)")
    file_help_text = _("At most 2 MB. Columns: mobile phone, name, party, street, community, employer.")
    intro = _(
        "Upload an Excel file of trainees. You will see every problem listed by row before anything is saved; the "
        "import is all or nothing. A phone number already registered updates that trainee instead of adding a "
        "second account."
    )
    apply_error = services.RosterImportError
    failure_message = _("The roster has problems; nothing was imported.")

    def may_import(self, user) -> bool:
        return may_import(user)

    def check(self, records):
        return roster.check_rows(records)

    def apply(self, *, actor, records) -> str:
        result = services.roster_import(actor=actor, records=records)
        return gettext("Imported the roster: %(created)s new trainees, %(updated)s updated.") % {
            "created": result.created,
            "updated": result.updated,
        }

    def template_workbook(self) -> bytes:
        return roster.template_workbook()
