"""Admin screens for laws: record a new version (flagging the questions citing changed articles, listing the courses
that cite them), and the questions awaiting review, each confirmed or edited by an editor."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import selectors, services
from .models import BankQuestion, LegalReference


class LegalVersionForm(forms.Form):
    """The new version's name and date, and every article's text as the new version has it."""

    version = forms.CharField(label=_("New version"), max_length=100, help_text=_("For example “2024年修订”."))
    in_force_on = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, law: LegalReference, **kwargs):
        super().__init__(*args, **kwargs)
        self.articles = list(law.articles.all())
        for article in self.articles:
            self.fields[f"article_{article.number}"] = forms.CharField(
                label=article.label,
                required=False,
                initial=article.text,
                widget=forms.Textarea(attrs={"rows": 3}),
                strip=True,
            )

    def article_texts(self) -> dict[int, str]:
        return {article.number: self.cleaned_data[f"article_{article.number}"] for article in self.articles}


def legal_version_new(request, pk):
    """Record a new version: the editor corrects the articles' texts; those that differ are the changed articles."""
    if not services.may_edit_laws(request.user):
        raise PermissionDenied
    law = get_object_or_404(LegalReference, pk=pk)
    form = LegalVersionForm(request.POST or None, law=law)
    context = {"page_title": _("Record a new version"), "subtitle": law.name, "header_icon": "doc-full", "law": law}
    if request.method == "POST" and form.is_valid():
        try:
            result = services.legal_version_record(
                actor=request.user,
                law=law,
                version=form.cleaned_data["version"],
                in_force_on=form.cleaned_data["in_force_on"],
                note=form.cleaned_data["note"],
                texts=form.article_texts(),
            )
        except services.LegalVersionError as error:
            form.add_error("version", error.message)
        else:
            messages.success(
                request,
                gettext("Recorded %(version)s: %(changed)s articles changed, %(flagged)s questions flagged for review.")
                % {"version": result.version.version, "changed": len(result.changed), "flagged": len(result.flagged)},
            )
            return TemplateResponse(
                request,
                "assessments/admin/legal_version_done.html",
                {
                    **context,
                    "result": result,
                    "flagged": BankQuestion.objects.filter(pk__in=result.flagged).select_related("competency"),
                    "courses": selectors.courses_citing(list(result.changed)),
                },
            )
    return TemplateResponse(request, "assessments/admin/legal_version_form.html", {**context, "form": form})


def review_index(request):
    """Questions flagged by a change in a law they cite; each waits for an editor to confirm or edit it."""
    if not request.user.has_perm("assessments.change_bankquestion"):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "assessments/admin/review_index.html",
        {
            "page_title": _("Questions awaiting review"),
            "header_icon": "warning",
            "questions": selectors.questions_awaiting_review(),
        },
    )


def review_confirm(request, pk):
    """The editor checked the question against the new version and it still holds: it may be drawn again."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    question = get_object_or_404(BankQuestion, pk=pk)
    services.question_review_clear(actor=request.user, question=question)
    messages.success(request, gettext("Confirmed: the question may be drawn into papers again."))
    return redirect("assessments_review:index")


class ReviewViewSet(ViewSet):
    """待复核试题: questions flagged by a new version of a law."""

    name = "assessments_review"
    url_prefix = "assessments/review"
    icon = "warning"
    menu_label = _("Awaiting review")

    @cached_property
    def menu_item_class(self):
        return type(
            "ReviewMenuItem",
            (MenuItem,),
            {"is_shown": lambda self, request: request.user.has_perm("assessments.change_bankquestion")},
        )

    def get_urlpatterns(self):
        return [path("", review_index, name="index"), path("<int:pk>/confirm/", review_confirm, name="confirm")]
