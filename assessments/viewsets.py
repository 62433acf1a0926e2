"""Admin screens for the question bank: questions and cases as snippets, and the Excel import, in one menu group."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from academy.admin_views import ReadableViewSetMixin

from .import_views import QuestionImportViewSet
from .models import BankQuestion, Case


class BankQuestionFilterSet(WagtailFilterSet):
    """Filters of the question list; a tag is typed, since the bank may hold hundreds of them."""

    tag = django_filters.CharFilter(field_name="tags__name", label=_("Tag"), distinct=True)

    class Meta:
        model = BankQuestion
        fields = ["competency", "kind", "difficulty", "status"]


class BankQuestionViewSet(ReadableViewSetMixin, SnippetViewSet):
    """试题: editors write, filter and export the bank's questions."""

    model = BankQuestion
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "competency", "kind", "difficulty", "status", "updated_at"]
    filterset_class = BankQuestionFilterSet
    list_export = ["competency", "kind", "text", "difficulty", "status", "explanation", "updated_at"]
    export_filename = "bank-questions"
    search_fields = ["text", "explanation"]
    ordering = ["competency__order", "pk"]
    inspect_view_enabled = True


class CaseViewSet(ReadableViewSetMixin, SnippetViewSet):
    """案例: the case texts that groups of questions ask about."""

    model = Case
    icon = "doc-full"
    menu_label = _("Cases")
    list_display = ["title", "competency", "updated_at"]
    list_filter = ["competency"]
    search_fields = ["title", "text"]


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 225
    items = (BankQuestionViewSet, CaseViewSet, QuestionImportViewSet)
