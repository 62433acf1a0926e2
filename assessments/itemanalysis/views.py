"""试题分析: the editors' item-analysis report in the question bank's menu, with its charts and Excel download."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from academy import charts
from academy.spreadsheets import workbook_sheets_bytes, xlsx_response
from courses.models import Competency

from .. import services
from ..choices import Difficulty, QuestionType
from ..models import Blueprint
from . import queries, statistics
from .statistics import Flag

FLAG_LABELS = {
    Flag.TOO_EASY: _("Too easy (p > 0.9)"),
    Flag.TOO_HARD: _("Too hard (p < 0.2)"),
    Flag.LOW_DISCRIMINATION: _("Low or negative discrimination (< 0.1)"),
    Flag.DISTRACTOR_BEATS_KEY: _("Strong trainees prefer a wrong option"),
}
CHART_COLOUR = "#047857"
FLAG_COLOUR = "#b45309"


class ItemAnalysisFilterForm(forms.Form):
    """Which questions and papers the report covers."""

    competency = forms.ModelChoiceField(
        label=_("Competency"), queryset=Competency.objects.order_by("order"), required=False
    )
    blueprint = forms.ModelChoiceField(
        label=_("Course quiz (blueprint)"),
        queryset=Blueprint.objects.select_related("quiz__course").order_by("quiz__course__code", "pk"),
        required=False,
    )
    flagged = forms.BooleanField(label=_("Flagged questions only"), required=False)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _decimal(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _number(value: float | None, places: int = 3):
    """A figure for the spreadsheet: a number, rounded, or empty."""
    return None if value is None else round(value, places)


def _option_letter(index: int) -> str:
    return "ABCDEFGH"[index] if index < 8 else str(index + 1)


def _sheets(analysis: queries.ItemAnalysis):
    """The download: questions, their options, and the papers of each blueprint, with the same figures as the page."""
    questions = (
        gettext("Questions"),
        [
            gettext("Question ID"),
            gettext("Question"),
            gettext("Competency"),
            gettext("Type"),
            gettext("Difficulty"),
            gettext("Responses"),
            gettext("p (share correct)"),
            gettext("Discrimination (corrected point-biserial)"),
            gettext("Strong group"),
            gettext("Strong group right"),
            gettext("Flags"),
        ],
        [
            [
                item.question_id,
                item.text,
                item.competency,
                QuestionType(item.kind).label,
                Difficulty(item.difficulty).label,
                item.responses,
                _number(item.p),
                _number(item.discrimination),
                item.upper,
                item.upper_right,
                "；".join(str(FLAG_LABELS[flag]) for flag in item.flags),
            ]
            for item in analysis.items
        ],
    )
    options = (
        gettext("Options"),
        [
            gettext("Question ID"),
            gettext("Question"),
            gettext("Option"),
            gettext("Option text"),
            gettext("Correct"),
            gettext("Chosen"),
            gettext("Share chosen"),
            gettext("Chosen by the strong group"),
        ],
        [
            [
                item.question_id,
                item.text,
                _option_letter(index),
                option.text,
                gettext("Yes") if option.correct else gettext("No"),
                option.chosen,
                _number(option.share),
                option.upper,
            ]
            for item in analysis.items
            for index, option in enumerate(item.options)
        ],
    )
    bands = [label for label, _count in analysis.histogram]
    papers = (
        gettext("Papers"),
        [
            gettext("Course quiz (blueprint)"),
            gettext("Attempts"),
            gettext("Questions a paper"),
            gettext("Mean score (%)"),
            gettext("Standard deviation"),
            gettext("Reliability (KR-20)"),
            gettext("Strong group from (%)"),
            *[gettext("Scores %(band)s") % {"band": band} for band in bands],
        ],
        [
            [
                paper.title,
                paper.attempts,
                paper.length,
                _number(paper.mean, 1),
                _number(paper.deviation, 1),
                _number(paper.kr20),
                paper.upper_bar,
                *[count for _label, count in paper.histogram],
            ]
            for paper in analysis.blueprints
            if paper.attempts  # as on the page: a blueprint nobody has answered yet has no figures
        ],
    )
    return [questions, options, papers]


def item_analysis_report(request):
    """Per question: p, discrimination, choice distribution by authored option and flags; per blueprint: attempts,
    score distribution and reliability. Filtered by competency and blueprint; downloads as Excel."""
    if not services.may_analyse_items(request.user):
        raise PermissionDenied
    form = ItemAnalysisFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    analysis = queries.item_analysis(competency=filters.get("competency"), blueprint=filters.get("blueprint"))
    items = [item for item in analysis.items if item.flags] if filters.get("flagged") else analysis.items
    analysis = queries.ItemAnalysis(items=items, blueprints=analysis.blueprints, histogram=analysis.histogram)
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localdate().isoformat()
        return xlsx_response(workbook_sheets_bytes(_sheets(analysis)), filename=f"item-analysis-{stamp}.xlsx")

    bands = [(f"{band / 10:.1f}", 0) for band in range(10)]
    for item in analysis.items:
        # A question answered a handful of times has a p that is noise: the chart, like the flags, leaves it out.
        if item.p is not None and item.responses >= statistics.MIN_RESPONSES:
            index = min(int(item.p * 10), 9)
            bands[index] = (bands[index][0], bands[index][1] + 1)
    rows = [
        {
            "item": item,
            "kind": QuestionType(item.kind).label,
            "difficulty": Difficulty(item.difficulty).label,
            "p": _percent(item.p),
            "discrimination": _decimal(item.discrimination),
            "options": [
                {"letter": _option_letter(index), "option": option, "share": _percent(option.share)}
                for index, option in enumerate(item.options)
            ],
            "flags": [FLAG_LABELS[flag] for flag in item.flags],
        }
        for item in analysis.items
    ]
    papers = [
        {
            "paper": paper,
            "mean": _decimal(paper.mean, 1),
            "deviation": _decimal(paper.deviation, 1),
            "kr20": _decimal(paper.kr20),
        }
        for paper in analysis.blueprints
        if paper.attempts
    ]
    query = request.GET.copy()
    query["export"] = "xlsx"
    return TemplateResponse(
        request,
        "assessments/admin/item_analysis.html",
        {
            "page_title": _("Item analysis"),
            "header_icon": "table",
            "form": form,
            "rows": rows,
            "papers": papers,
            "attempts": sum(paper.attempts for paper in analysis.blueprints),
            "score_bars": charts.bar_chart(
                [(label, count, CHART_COLOUR) for label, count in analysis.histogram], width=400, height=180
            ),
            "facility_bars": charts.bar_chart(
                [
                    (label, count, FLAG_COLOUR if index in (0, 1, 9) else CHART_COLOUR)
                    for index, (label, count) in enumerate(bands)
                ],  # fmt: skip
                width=400,
                height=180,
            ),
            "export_url": "?" + query.urlencode(),
            "min_responses": statistics.MIN_RESPONSES,
        },
    )


class ItemAnalysisViewSet(ViewSet):
    """试题分析: the item-analysis report, for editors of the bank."""

    name = "assessments_item_analysis"
    url_prefix = "assessments/item-analysis"
    icon = "table"
    menu_label = pgettext_lazy("menu", "Item analysis")

    @cached_property
    def menu_item_class(self):
        return type(
            "ItemAnalysisMenuItem",
            (MenuItem,),
            {"is_shown": lambda self, request: services.may_analyse_items(request.user)},
        )

    def get_urlpatterns(self):
        return [path("", item_analysis_report, name="index")]
