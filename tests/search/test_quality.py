"""The search quality floor: the reviewed query set (tests/search/queries.json) on the demo data.

The figures in docs/search.md come from `manage.py search_quality` on a seeded database; this test asserts them
as a floor, so a change that makes search worse for the queries people type fails here.
"""

import io

import pytest
from django.core.management import call_command

from academy.models import SearchDocument
from academy.search.quality import load_queries, measure, unknown_titles
from academy.search.selectors import documents_ranked
from home.selectors import searchable_page_ids
from tests.search.reference import reference_ranking

pytestmark = pytest.mark.django_db

RECALL_FLOOR = 0.98
TOP3_FLOOR = 0.98


def test_search_meets_the_recall_and_top3_floor_with_no_false_matches(client):
    # One test, because seeding the demo takes a minute or more.
    call_command("seed_demo", stdout=io.StringIO())
    queries = load_queries()
    assert len([item for item in queries if item.get("expected")]) >= 40
    assert unknown_titles(queries) == set()
    quality = measure(queries, client=client)
    misses = [(o.query, o.found[:3]) for o in quality.judged if not o.top_hit or o.recall < 1]
    assert quality.recall >= RECALL_FLOOR, misses
    assert quality.top3 >= TOP3_FLOOR, misses
    assert quality.clean == 1.0, [o.query for o in quality.outcomes if not o.clean]
    # The word index ranks the demo's queries, and pairs of words from its titles, exactly as the documents' texts
    # did: the same pages in the same order (tests/search/reference.py).
    title_words = sorted(
        {word for title in SearchDocument.objects.values_list("title", flat=True) for word in title.split()}
    )
    pairs = [f"{a} {b}" for a, b in zip(title_words[::7], title_words[3::7], strict=False)]
    for query in [item["q"] for item in queries] + pairs:
        found = [candidate.page_id for candidate in documents_ranked(query=query, searchable=searchable_page_ids())]
        assert found == reference_ranking(query), query
