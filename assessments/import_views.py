"""Question import in the Wagtail admin (导入试题, editors who may add bank questions): the upload → preview →
confirm flow every import shares (``academy.spreadsheet_import``), with the bank's own rows, check and write."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from academy.spreadsheet_import import SpreadsheetImportViewSet

from . import importing, services


class QuestionImportViewSet(SpreadsheetImportViewSet):
    name = "assessments_import"
    url_prefix = "assessments/import"
    menu_label = _("Import questions")
    sheet = importing.SHEET
    session_key = "assessments-question-imports"
    preview_template_name = "assessments/admin/import_preview.html"
    template_filename = "question-template.xlsx"
    file_label = _("Question file (.xlsx)")
    file_help_text = _("At most 2 MB. Columns: competency, type, question, options A–H, answer, difficulty, tags…")
    intro = _(
        "Upload an Excel file of questions. You will see every problem listed by row before anything is saved; the "
        "import is all or nothing. Rows that share a case title become questions on one case; give the case text in "
        "one of them."
    )
    apply_error = services.QuestionImportError
    failure_message = _("The file has problems; nothing was imported.")

    def may_import(self, user) -> bool:
        return services.may_edit_bank(user)

    def check(self, records):
        return importing.check_rows(records)

    def apply(self, *, actor, records) -> str:
        result = services.bank_questions_import(actor=actor, records=records)
        return gettext("Imported %(questions)s questions and %(cases)s new cases.") % {
            "questions": result.questions,
            "cases": result.cases,
        }

    def template_workbook(self) -> bytes:
        return importing.template_workbook()
