"""How well the site search answers the queries people type: recall and top-3 accuracy over a reviewed query set.

The query set (tests/search/queries.json) names, for each query, the pages people expect on the demo data. The
search is asked through the site's own search page, so what is measured is what a visitor gets.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

QUERIES_FILE = Path(settings.BASE_DIR) / "tests" / "search" / "queries.json"
FIRST_PAGE = 10
TOP = 3


@dataclass
class QueryOutcome:
    """One query: what was expected, what came back (titles, best first, first page only)."""

    query: str
    expected: list[str]
    unwanted: list[str]
    found: list[str]

    @property
    def recall(self) -> float:
        """Share of the expected pages on the first page of results."""
        return sum(1 for title in self.expected if title in self.found) / len(self.expected)

    @property
    def top_hit(self) -> bool:
        """The best answer (the first expected page) is among the first three results."""
        return self.expected[0] in self.found[:TOP]

    @property
    def clean(self) -> bool:
        """None of the unwanted pages was found."""
        return not set(self.unwanted) & set(self.found)


@dataclass
class Quality:
    """The figures over a query set."""

    outcomes: list[QueryOutcome] = field(default_factory=list)

    @property
    def judged(self) -> list[QueryOutcome]:
        return [outcome for outcome in self.outcomes if outcome.expected]

    @property
    def recall(self) -> float:
        return sum(outcome.recall for outcome in self.judged) / len(self.judged)

    @property
    def top3(self) -> float:
        return sum(1 for outcome in self.judged if outcome.top_hit) / len(self.judged)

    @property
    def clean(self) -> float:
        return sum(1 for outcome in self.outcomes if outcome.clean) / len(self.outcomes)


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    """The query set: dicts with ``q``, ``expected`` (titles, best first) and optionally ``unwanted``."""
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def _titles(response) -> list[str]:
    from wagtail.models import Page

    results = response.context["results"]
    if results is None:
        return []
    ids = [item if isinstance(item, int) else item.pk for item in results.object_list]
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids if pk in titles]


def measure(queries: list[dict], *, client: Client | None = None) -> Quality:
    """Ask the site's search page every query of the set and collect the outcomes."""
    client = client or Client()
    url = reverse("search")
    quality = Quality()
    for item in queries:
        response = client.get(url, {"q": item["q"]})
        found = _titles(response)[:FIRST_PAGE]
        quality.outcomes.append(QueryOutcome(item["q"], item.get("expected", []), item.get("unwanted", []), found))
    return quality


def unknown_titles(queries: list[dict]) -> set[str]:
    """Expected or unwanted titles that no live page has (a typo in the query set, or demo data that moved)."""
    from wagtail.models import Page

    titles = {title for item in queries for title in [*item.get("expected", []), *item.get("unwanted", [])]}
    return titles - set(Page.objects.live().filter(title__in=titles).values_list("title", flat=True))
