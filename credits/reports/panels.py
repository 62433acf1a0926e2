"""Panels on the Wagtail admin home for registrars and street administrators: key figures and three charts
drawn on the server as SVG (no chart library, no CDN). Every figure counts only the people the viewer may see."""

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import pgettext
from wagtail.admin.ui.components import Component

from academy import charts

from .. import rules
from . import queries
from .views import STANDING_LABELS, may_read_reports

QUALIFICATION_CACHE_SECONDS = 10 * 60
# One colour per post standing, in rules.Standing.ORDER: qualified, requirements met (certificate pending), in
# progress, not started.
STANDING_COLOURS = ["#2e7d32", "#0277bd", "#f9a825", "#c62828"]


def qualification_cache_key(viewer) -> str:
    scope = "all" if viewer.is_registrar else f"street-{viewer.managed_street_id}"
    # v2: four standings per row (requirements met, certificate pending, is its own); rows cached in the three-count
    # form must not be read back.
    return f"credits:panels:qualification:v2:{scope}:{queries.today().isoformat()}"


def qualification_rows(viewer) -> list[queries.QualificationRow]:
    """The qualification-by-street figures, cached for a few minutes per scope: for the whole district they read
    every trainee's ledger sums, which is too much to repeat on every visit to the admin home."""
    key = qualification_cache_key(viewer)
    rows = cache.get(key)
    if rows is None:
        rows = [
            (row.street.name, row.post.name, [row.count(standing) for standing in rules.Standing.ORDER])
            for row in queries.qualification_by_street(viewer=viewer)
        ]
        cache.set(key, rows, QUALIFICATION_CACHE_SECONDS)
    return rows


class KeyFiguresPanel(Component):
    name = "academy_key_figures"
    order = 50
    template_name = "credits/admin/panels/key_figures.html"

    def __init__(self, viewer):
        self.viewer = viewer

    def get_context_data(self, parent_context=None):
        street = None if self.viewer.is_registrar else self.viewer.managed_street
        return {"figures": queries.key_figures(viewer=self.viewer), "street": street}


class ChartsPanel(Component):
    name = "academy_charts"
    order = 60
    template_name = "credits/admin/panels/charts.html"

    def __init__(self, viewer):
        self.viewer = viewer

    def get_context_data(self, parent_context=None):
        months = queries.graduations_per_month(viewer=self.viewer)
        month_bars = charts.bar_chart(
            [(date_format(month, pgettext("chart month", "M")), count, "#1565c0") for month, count in months]
        )
        competencies = queries.credits_by_competency(viewer=self.viewer)
        competency_bars = charts.bar_chart([(c.name, total, c.colour or "#546e7a") for c, total in competencies])
        by_post: dict[str, list] = {}
        for street, post, counts in qualification_rows(self.viewer):
            by_post.setdefault(post, []).append((street, counts))
        qualification = [
            {"post": post, "bars": charts.stacked_bars(rows, STANDING_COLOURS), "height": len(rows) * 22}
            for post, rows in by_post.items()
        ]
        return {
            "months": months,
            "month_bars": month_bars,
            "competencies": competencies,
            "competency_bars": competency_bars,
            "qualification": qualification,
            "legend": list(
                zip([STANDING_LABELS[standing] for standing in rules.Standing.ORDER], STANDING_COLOURS, strict=True)
            ),
        }


def academy_panels(request, panels):
    """construct_homepage_panels hook: the academy's figures first, for staff who may read reports."""
    if may_read_reports(request.user):
        panels[:0] = [KeyFiguresPanel(request.user), ChartsPanel(request.user)]
