"""The site search's reads: which pages hold the query's words, best first (ranking rules in rules.py)."""

from collections.abc import Collection

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from academy.cache import VersionedCache

from .rules import Candidate, concept_hits, expand, rank_counted
from .segment import query_words

# Synonym groups are snippets: saving or deleting one bumps the content generation, which is in every key here.
SYNONYMS = VersionedCache("academy:search-synonyms", timeout=300)


def synonym_groups() -> list[list[str]]:
    """Every synonym group's words (editors keep them under Snippets → Search synonyms), cached under the content
    generation: every search expands its words with them."""
    from academy.models import SearchSynonymGroup

    return SYNONYMS.get_or_build("all", lambda: [group.term_list for group in SearchSynonymGroup.objects.all()])


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


def documents_ranked(*, query: str, searchable: Collection[int], words: list[str] | None = None) -> list[Candidate]:
    """The pages whose ids are in ``searchable`` (a set the caller may keep cached, so that no query decides which
    pages are live and public) holding any of the query's words (or their synonyms), best first. One query reads the
    word index (SearchWord: each document's words with their hits per field) for the query's words only, by the
    index on the word, with each page's type and title; the ranking itself is Python (rules.rank_counted), identical
    on SQLite and PostgreSQL. A word is matched whole, as the stored words are (segment.py lower-cases both sides).

    Written as SQL because the ORM took longer to compile it than the database took to run it (docs/performance.md,
    sections 12 and 14); it replaced a scan of every document's texts (instr/strpos per word per field). ``words``:
    the query's words (``segment.query_words``) when the caller has them already."""
    from wagtail.models import Page

    from academy.models import SearchWord

    words = query_words(query) if words is None else words
    concepts = expand(words, synonym_groups()) if words else []
    if not concepts:
        return []
    terms = sorted({term for concept in concepts for term in concept})
    quote = connection.ops.quote_name
    sql = (
        f"SELECT w.{quote('document_id')}, p.{quote('content_type_id')}, p.{quote('title')}, w.{quote('word')}, "  # noqa: S608  (names quoted, values as parameters)
        f"w.{quote('title')}, w.{quote('summary')}, w.{quote('body')} FROM {quote(SearchWord._meta.db_table)} w "
        f"JOIN {quote(Page._meta.db_table)} p ON p.{quote('id')} = w.{quote('document_id')} "
        f"WHERE w.{quote('word')} IN ({', '.join(['%s'] * len(terms))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, terms)
        rows = cursor.fetchall()
    candidates: dict[int, Candidate] = {}
    found: dict[int, dict[str, tuple[int, int, int]]] = {}
    for page_id, content_type_id, page_title, word, *per_field in rows:
        if page_id in searchable:
            candidates.setdefault(page_id, Candidate(page_id, content_type_id, page_title))
            found.setdefault(page_id, {})[word] = per_field
    if not candidates:
        return []
    counts = {page_id: concept_hits(words, concepts) for page_id, words in found.items()}
    typed = "".join(query.split()).lower()
    return rank_counted(
        list(candidates.values()), counts, total=len(searchable), typed=typed, type_weights=page_type_weights()
    )
