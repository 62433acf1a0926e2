"""Editors' screens for one scenario: its graph drawn as SVG with the publish check's findings, and its funnel
(plays started, endings reached, where unfinished plays stop, the poor choices made most) with an Excel export.
Whoever may edit the scenario page may see both; the funnel holds counts only, no names."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from academy.spreadsheets import workbook_bytes, xlsx_response

from . import drawing, selectors
from .choices import Ending, Role
from .models import ScenarioPage


def _editable_scenario(request, page_id: int) -> ScenarioPage:
    page = get_object_or_404(ScenarioPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def scenario_graph_view(request, page_id: int):
    """The latest revision's graph (what the editor last saved), with any problems the publish check finds."""
    page = _editable_scenario(request, page_id)
    latest = page.get_latest_revision_as_object()
    graph = selectors.scenario_graph(latest)
    svg = drawing.graph_svg(
        graph.graph,
        title=_("Scenes of 《%(title)s》") % {"title": latest.title},
        ending_labels={value: str(label) for value, label in Ending.choices},
        start_label=_("start"),
    )
    roles = dict(Role.choices)
    return TemplateResponse(
        request,
        "scenarios/admin/graph.html",
        {
            "page": page,
            "title": latest.title,
            "svg": svg,
            "problems": graph.problems(),
            "starts": [(roles.get(role, role), key) for role, key in graph.graph.starts.items()],
            "scene_count": len(graph.graph.scenes),
            "ending_counts": [
                (label, sum(1 for scene in graph.graph.scenes if scene.ending == value))
                for value, label in Ending.choices
            ],
            "funnel_url": reverse("scenarios_funnel", args=[page.pk]),
        },
    )


def scenario_funnel_view(request, page_id: int):
    page = _editable_scenario(request, page_id)
    return TemplateResponse(
        request,
        "scenarios/admin/funnel.html",
        {
            "page": page,
            "funnel": selectors.scenario_funnel(page),
            "graph_url": reverse("scenarios_graph", args=[page.pk]),
            "export_url": reverse("scenarios_funnel_export", args=[page.pk]),
        },
    )


def scenario_funnel_export(request, page_id: int):
    """The funnel as an Excel sheet: one row a figure, grouped by section."""
    page = _editable_scenario(request, page_id)
    funnel = selectors.scenario_funnel(page, limit=100)
    rows = [
        [_("Plays"), _("Plays started"), "", funnel.started],
        [_("Plays"), _("Trainees"), "", funnel.trainees],
        *[[_("Endings"), label, "", count] for _value, label, count in funnel.endings],
        [_("Endings"), _("Not finished"), "", funnel.unfinished],
        *[[_("Where unfinished plays stop"), key, "", count] for key, count in funnel.drop_offs],
        *[[_("Poor choices made most"), key, text, count] for key, text, count in funnel.poor_choices],
    ]
    content = workbook_bytes(
        sheet_title=_("Scenario funnel"),
        title=page.title,
        heading=[_("Section"), _("Scene or figure"), _("Choice"), _("Count")],
        rows=rows,
    )
    return xlsx_response(content, filename=f"scenario-funnel-{page.pk}.xlsx")
