"""The site search's ranking as it was before the word index (SearchWord), for tests that compare the two."""

from academy.models import SearchDocument
from academy.search.rules import Document, rank
from academy.search.selectors import page_type_weights, query_concepts
from home.selectors import searchable_page_ids


def reference_ranking(query: str) -> list[int]:
    """The ranking as it was before the word index: every document whose texts hold a query word whole, ranked by
    rules.rank from its texts (section 12 of docs/performance.md); the word index must give the same pages in the
    same order."""

    concepts = query_concepts(query)
    terms = {term for concept in concepts for term in concept}
    searchable = searchable_page_ids()
    documents = [
        Document(row.page_id, row.page.content_type_id, row.page.title, row.title, row.summary, row.body)
        for row in SearchDocument.objects.select_related("page").order_by("page_id")
        if row.page_id in searchable
        and any(f" {term} " in text for term in terms for text in (row.title, row.summary, row.body))
    ]
    typed = "".join(query.split()).lower()
    ranked = rank(documents, concepts, total=len(searchable), typed=typed, type_weights=page_type_weights())
    return [document.page_id for document in ranked]
