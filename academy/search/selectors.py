"""The site search's reads: which pages hold the query's words, best first (ranking rules in rules.py)."""

from collections.abc import Collection

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from academy.cache import VersionedCache

from .rules import Document, expand, rank
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


def documents_ranked(*, query: str, searchable: Collection[int]) -> list[Document]:
    """The pages whose ids are in ``searchable`` (a set the caller may keep cached, so that no query decides which
    pages are live and public) holding any of the query's words (or their synonyms), best first. One query finds the
    candidates (a word is matched whole: the stored words are space-separated), written as SQL because the ORM took
    longer to compile its OR of three LIKEs per word than SQLite took to run it; the ranking itself is Python
    (rules.rank), identical on SQLite and PostgreSQL.

    A word is looked for as a plain substring (SQLite's ``instr``, PostgreSQL's ``strpos``): no pattern to escape,
    and 0.6 ms less than LIKE for a two-word query over the demo's documents (docs/performance.md, section 12). Both
    are case-sensitive where SQLite's LIKE is not for ASCII, which changes nothing: the stored words and the query's
    words are lower-cased alike (segment.py)."""
    from wagtail.models import Page

    from academy.models import SearchDocument

    concepts = query_concepts(query)
    if not concepts:
        return []
    terms = sorted({term for concept in concepts for term in concept})
    quote = connection.ops.quote_name
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    # Each word is matched whole: the stored words are space-padded (" 联席 会议 ").
    fields = [f"d.{quote(field)}" for field in ("title", "summary", "body")]
    matches = " OR ".join(f"{find}({field}, %s) > 0" for _term in terms for field in fields)
    patterns = [f" {term} " for term in terms for _field in fields]
    sql = (
        f"SELECT d.{quote('page_id')}, p.{quote('content_type_id')}, p.{quote('title')}, d.{quote('title')}, "  # noqa: S608  (names quoted, values as parameters)
        f"d.{quote('summary')}, d.{quote('body')} FROM {quote(SearchDocument._meta.db_table)} d "
        f"JOIN {quote(Page._meta.db_table)} p ON p.{quote('id')} = d.{quote('page_id')} WHERE {matches}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, patterns)
        documents = [Document(*row) for row in cursor.fetchall() if row[0] in searchable]
    if not documents:
        return []
    typed = "".join(query.split()).lower()
    return rank(documents, concepts, total=len(searchable), typed=typed, type_weights=page_type_weights())
