"""Admin screens for the question bank: questions and cases as snippets, and the Excel import, in one menu group."""

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from academy.admin_views import ReadableViewSetMixin

from . import services
from .import_views import QuestionImportViewSet
from .itemanalysis.views import ItemAnalysisViewSet
from .legal_views import ReviewViewSet, legal_version_new
from .models import BankQuestion, Blueprint, Case, LegalReference


class BankQuestionFilterSet(WagtailFilterSet):
    """Filters of the question list; a tag is typed, since the bank may hold hundreds of them."""

    tag = django_filters.CharFilter(field_name="tags__name", label=_("Tag"), distinct=True)

    class Meta:
        model = BankQuestion
        fields = ["competency", "kind", "difficulty", "status", "needs_review"]


class BankQuestionViewSet(ReadableViewSetMixin, SnippetViewSet):
    """试题: editors write, filter and export the bank's questions."""

    model = BankQuestion
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "competency", "kind", "difficulty", "status", "needs_review", "updated_at"]
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


class LegalReferenceIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if services.may_edit_laws(self.request.user):
            buttons.append(
                ListingButton(
                    _("Record a new version"),
                    url=reverse(LegalReference.snippet_viewset.get_url_name("new_version"), args=[instance.pk]),
                    icon_name="history",
                    priority=5,
                )
            )
        return buttons


class LegalReferenceViewSet(ReadableViewSetMixin, SnippetViewSet):
    """法规: laws and regulations with their articles; a new version flags the questions citing changed articles."""

    model = LegalReference
    icon = "doc-full"
    menu_label = _("Laws and regulations")
    list_display = ["name", "short_name", "issuer", "version", "in_force_on"]
    search_fields = ["name", "short_name"]
    index_view_class = LegalReferenceIndexView

    def get_add_view_kwargs(self, **kwargs):
        # A new law states its version; editing one keeps the version read-only (see LegalReference.editor_panels).
        panel = ObjectList(LegalReference.editor_panels(new=True)).bind_to_model(LegalReference)
        return super().get_add_view_kwargs(panel=panel, form_class=panel.get_form_class(), **kwargs)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/new-version/", legal_version_new, name="new_version")]


class BlueprintViewSet(ReadableViewSetMixin, SnippetViewSet):
    """组卷规则: which course quizzes draw their paper from the bank, and from which pools."""

    model = Blueprint
    icon = "list-ol"
    menu_label = _("Blueprints")
    list_display = ["__str__"]


class QuestionBankGroup(SnippetViewSetGroup):
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 225
    items = (
        BankQuestionViewSet,
        CaseViewSet,
        BlueprintViewSet,
        LegalReferenceViewSet,
        ReviewViewSet,
        QuestionImportViewSet,
        ItemAnalysisViewSet,
    )
