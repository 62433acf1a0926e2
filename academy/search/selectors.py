"""The site search's reads: which pages hold the query's words, best first (ranking rules in rules.py)."""

from functools import reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .rules import Document, expand, rank
from .segment import query_words


def synonym_groups() -> list[list[str]]:
    """Every synonym group's words (editors keep them under Snippets → Search synonyms)."""
    from academy.models import SearchSynonymGroup

    return [group.term_list for group in SearchSynonymGroup.objects.all()]


def page_type_weights() -> dict[int, float]:
    """``SEARCH_PAGE_TYPE_WEIGHTS`` (model label → weight) keyed by content type id; unknown models are skipped."""
    weights = {}
    for label, weight in getattr(settings, "SEARCH_PAGE_TYPE_WEIGHTS", {}).items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        weights[ContentType.objects.get_for_model(model, for_concrete_model=False).pk] = weight
    return weights


def query_concepts(query: str) -> list[tuple[str, ...]]:
    """The query's words, each with its synonyms: what a page must hold to be found."""
    words = query_words(query)
    return expand(words, synonym_groups()) if words else []


def pages_search(*, pages: QuerySet, query: str) -> list[Document]:
    """The pages of ``pages`` holding any of the query's words (or their synonyms), best first.

    One query finds the candidates (a word is matched whole: the stored words are space-separated), one counts the
    searchable pages; the ranking itself is Python (rules.rank), identical on SQLite and PostgreSQL.
    """
    from academy.models import SearchDocument

    concepts = query_concepts(query)
    if not concepts:
        return []
    terms = {term for concept in concepts for term in concept}
    matches = reduce(
        or_, (Q(title__contains=f" {t} ") | Q(summary__contains=f" {t} ") | Q(body__contains=f" {t} ") for t in terms)
    )
    rows = (
        SearchDocument.objects.filter(matches, page__in=pages.values("pk"))
        .values_list("page_id", "page__content_type_id", "page__title", "title", "summary", "body")
        .order_by()
    )
    documents = [Document(*row) for row in rows]
    if not documents:
        return []
    typed = "".join(query.split()).lower()
    return rank(documents, concepts, total=pages.count(), typed=typed, type_weights=page_type_weights())
