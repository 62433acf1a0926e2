"""How the site search ranks pages: pure functions, the same whichever database holds the index.

A page's words are kept in three fields (see documents.py): its title, its summary (fields declared with a boost
above 1, such as a course's summary or a news item's introduction) and its body. For each word of the query
(with its synonyms) a field scores its weight times a saturating count of hits, so one hit in a title always
outweighs any number in a summary, and one in a summary any number in a body (title ≫ summary ≫ body). Words
rare across the site count for more (inverse document frequency), pages holding more of the query's words come
first, a title holding the query as typed gets a bonus, and each page type has a weight (courses above lessons).
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

FIELDS = ("title", "summary", "body")
FIELD_WEIGHTS = {"title": 8.0, "summary": 3.0, "body": 1.0}
_WEIGHTS = tuple(FIELD_WEIGHTS[field] for field in FIELDS)
# BM25's saturation: the first hit in a field counts 1, and any number of hits less than 1 + K1 = 2.2, below the
# next field's weight.
K1 = 1.2
TITLE_PHRASE_BONUS = 1.5

_TERM_SEPARATORS = re.compile(r"[\s,，、;；/|]+")
MAX_SYNONYM_TERM_CHARS = 20


def split_terms(text: str) -> list[str]:
    """The words of a synonym group as an editor wrote them (业委会、业主委员会), without blanks or repeats."""
    terms = (term.strip().lower() for term in _TERM_SEPARATORS.split(text or ""))
    return list(dict.fromkeys(term for term in terms if term))


def synonym_terms_problem(text: str) -> str:
    """Why a synonym group's text cannot be saved, or "" when it can."""
    terms = split_terms(text)
    if len(terms) < 2:
        return _("Enter at least two different words, separated by “、” or commas.")
    too_long = [term for term in terms if len(term) > MAX_SYNONYM_TERM_CHARS]
    if too_long:
        return _("“%(term)s” is too long for a word: at most %(limit)d characters.") % {
            "term": too_long[0],
            "limit": MAX_SYNONYM_TERM_CHARS,
        }
    if any(not re.search(r"\w", term) for term in terms):
        return _("Each word needs at least one letter, digit or Chinese character.")
    return ""


def expand(words: list[str], groups: list[list[str]]) -> list[tuple[str, ...]]:
    """Each query word with the words of every synonym group it belongs to (业委会 → 业委会, 业主委员会)."""
    concepts = []
    for word in words:
        alternatives = [word]
        for group in groups:
            if word in group:
                alternatives.extend(term for term in group if term not in alternatives)
        concepts.append(tuple(alternatives))
    return concepts


def saturate(hits: int) -> float:
    """BM25's term-frequency curve: 1 for one hit, approaching 1 + K1 for many."""
    return hits * (K1 + 1) / (K1 + hits) if hits > 0 else 0.0


def inverse_document_frequency(matching: int, total: int) -> float:
    """BM25's idf, never below a small positive floor so that a word on every page still counts a little."""
    return max(math.log(1 + (total - matching + 0.5) / (matching + 0.5)), 0.05)


# Words longer than this are not kept in the word index (SearchWord): no query can hold one, since a query is cut at
# segment.MAX_QUERY_CHARS (100) characters before it is split and a synonym at MAX_SYNONYM_TERM_CHARS.
MAX_INDEXED_WORD_CHARS = 100


@dataclass(frozen=True)
class Candidate:
    """A page holding some of the query's words: what ranking needs besides its hits."""

    page_id: int
    content_type_id: int
    page_title: str


@dataclass(frozen=True)
class Document(Candidate):
    """One page's words, each field a space-padded string of segmented words (" 联席 会议 ")."""

    title: str
    summary: str
    body: str


def hits(document: Document, concept: tuple[str, ...]) -> dict[str, int]:
    """How many times any word of the concept occurs in each field of the document."""
    return {field: sum(getattr(document, field).count(f" {term} ") for term in concept) for field in FIELDS}


def concept_hits(word_hits: dict[str, tuple[int, ...]], concepts: list[tuple[str, ...]]) -> list[tuple[int, ...]]:
    """A document's hits per field (title, summary, body) for each concept, from its words' hits per field
    (``word_counts``): the figures ``hits`` counts in its texts."""
    none = (0,) * len(FIELDS)
    return [tuple(map(sum, zip(*(word_hits.get(term, none) for term in concept), strict=True))) for concept in concepts]


def word_counts(fields: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """Each word of a document's fields (space-padded words, as stored) with the number of times ``hits`` counts it
    in each field (title, summary, body): what the word index keeps, so that a query reads counts, not texts.

    ``hits`` counts ``" word "`` without overlap, so a run of n equal words side by side counts ceil(n / 2) (the
    space between two of them serves one match only); counted here the same way, in one pass over the words."""
    counts: dict[str, list[int]] = {}
    for position, field in enumerate(FIELDS):
        previous, run = None, 0
        for word in (*fields[field].split(" "), None):
            if word == previous:
                run += 1
                continue
            if previous and len(previous) <= MAX_INDEXED_WORD_CHARS:
                counts.setdefault(previous, [0] * len(FIELDS))[position] += (run + 1) // 2
            previous, run = word, 1
    return {word: tuple(per_field) for word, per_field in counts.items()}


def score(
    document: Candidate,
    counts: list[tuple[int, ...]],
    idfs: list[float],
    *,
    typed: str,
    type_weight: float = 1.0,
) -> float:
    """The document's relevance (0 when it holds none of the query's words), from its hits per field (title,
    summary, body) per query word."""
    total = 0.0
    matched = 0
    for per_field, idf in zip(counts, idfs, strict=True):
        # A field without hits adds nothing (adding 0.0 changes no sum): skipped.
        concept_score = sum(
            weight * saturate(count) for weight, count in zip(_WEIGHTS, per_field, strict=True) if count
        )
        if concept_score:
            matched += 1
            total += idf * concept_score
    if not matched:
        return 0.0
    coverage = matched / len(counts)
    bonus = TITLE_PHRASE_BONUS if typed and typed in document.page_title.replace(" ", "").lower() else 1.0
    return total * coverage * bonus * type_weight


def rank(
    documents: list[Document],
    concepts: list[tuple[str, ...]],
    *,
    total: int,
    typed: str,
    type_weights: dict[int, float],
) -> list[Document]:
    """The documents holding any of the query's words, best first (ties: newest page first), their hits counted in
    their texts (see ``rank_counted``)."""
    counts = {
        document.page_id: [tuple(hits(document, concept).values()) for concept in concepts] for document in documents
    }
    return rank_counted(documents, counts, total=total, typed=typed, type_weights=type_weights)


def rank_counted(
    candidates: list[Candidate],
    counts: dict[int, list[tuple[int, ...]]],
    *,
    total: int,
    typed: str,
    type_weights: dict[int, float],
) -> list[Candidate]:
    """The candidates holding any of the query's words, best first (ties: newest page first).

    ``counts`` maps each candidate's page id to its hits per field (title, summary, body) for each of the query's concepts (in order);
    ``total`` is the number of searchable pages (for idf); ``typed`` the query as typed, without spaces, lower-cased;
    ``type_weights`` maps content type ids to their weight (missing: 1).
    """
    concept_count = len(next(iter(counts.values()), []))
    idfs = [
        inverse_document_frequency(sum(1 for per_doc in counts.values() if any(per_doc[i])), total)
        for i in range(concept_count)
    ]
    scored = []
    for candidate in candidates:
        weight = type_weights.get(candidate.content_type_id, 1.0)
        value = score(candidate, counts[candidate.page_id], idfs, typed=typed, type_weight=weight)
        if value > 0:
            scored.append((value, candidate))
    scored.sort(key=lambda item: (-item[0], -item[1].page_id))
    return [candidate for _value, candidate in scored]
