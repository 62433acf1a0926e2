"""The site search's ranking rules, without a database (academy/search/rules.py)."""

import pytest

from academy.search.rules import Document, expand, rank, split_terms, synonym_terms_problem


def doc(page_id, *, title="", summary="", body="", page_title=None, content_type_id=1):
    pad = lambda words: f" {words} "  # noqa: E731
    return Document(page_id, content_type_id, page_title or title.replace(" ", ""), pad(title), pad(summary), pad(body))


def ranked_ids(documents, words, groups=(), *, typed="", weights=None):
    concepts = expand(words, list(groups))
    return [d.page_id for d in rank(documents, concepts, total=100, typed=typed, type_weights=weights or {})]


def test_one_hit_in_a_title_outranks_many_in_a_body():
    title_hit = doc(1, title="三方 联席 会议 的 组织")
    body_hits = doc(2, title="民情 处置 闭环", body=" ".join(["联席"] * 30))
    assert ranked_ids([body_hits, title_hit], ["联席"]) == [1, 2]


def test_one_hit_in_a_summary_outranks_many_in_a_body():
    summary_hit = doc(1, title="议事 规则", summary="联席 会议 的 规则")
    body_hits = doc(2, title="督办", body=" ".join(["联席"] * 30))
    assert ranked_ids([body_hits, summary_hit], ["联席"]) == [1, 2]


def test_page_type_weight_puts_the_course_above_a_lesson_with_the_same_title_hit():
    lesson = doc(2, title="联席 会议 的 组成", content_type_id=7)
    course = doc(1, title="三方 联席 会议 的 组织", content_type_id=5)
    assert ranked_ids([lesson, course], ["联席"], weights={5: 1.6, 7: 0.8}) == [1, 2]


def test_pages_holding_more_of_the_query_come_first():
    both = doc(1, title="停车", body="纠纷")
    one = doc(2, title="停车 管理")
    assert ranked_ids([one, both], ["停车", "纠纷"]) == [1, 2]


def test_a_title_holding_the_query_as_typed_gets_a_bonus():
    exact = doc(1, title="加装 电梯 协商 实务", page_title="加装电梯协商实务")
    apart = doc(2, title="电梯 维修 与 加装", page_title="电梯维修与加装")
    assert ranked_ids([apart, exact], ["加装", "电梯"], typed="加装电梯") == [1, 2]


def test_words_are_matched_whole_never_as_a_piece_of_a_longer_word():
    assert ranked_ids([doc(1, body="常用 话术 与 表达")], ["话"]) == []
    assert ranked_ids([doc(1, body="常用 话 术")], ["话"]) == [1]


def test_a_synonym_finds_the_page_that_uses_the_other_word():
    page = doc(1, title="业主 委员 委员会 业主委员会 换届")
    assert ranked_ids([page], ["业委会"]) == []
    assert ranked_ids([page], ["业委会"], [["业委会", "业主委员会"]]) == [1]


def test_expand_adds_every_group_a_word_belongs_to():
    groups = [["业委会", "业主委员会"], ["物业公司", "物业服务企业"]]
    assert expand(["业委会", "换届"], groups) == [("业委会", "业主委员会"), ("换届",)]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("业委会、业主委员会", ["业委会", "业主委员会"]),
        (" 居委会 ,居民委员会，居委会 ", ["居委会", "居民委员会"]),
        ("", []),
    ],
)
def test_split_terms_accepts_the_separators_editors_type(text, terms):
    assert split_terms(text) == terms


@pytest.mark.parametrize("text", ["业委会", "业委会、业委会", "业委会、" + "长" * 21, "业委会、！！"])
def test_a_synonym_group_needs_two_sensible_words(text):
    assert synonym_terms_problem(text)


def test_a_synonym_group_of_two_words_is_accepted():
    assert synonym_terms_problem("物业公司、物业服务企业") == ""


# The word index (SearchWord) keeps each word's hits per field: they must be the hits the texts give ----------------


@pytest.mark.parametrize(
    "words",
    [
        "联席 会议 联席",
        "联席 联席 联席 会议 联席 联席",  # side by side: " 联席 " matches without overlap, ceil(n / 2) times a run
        "a a a a a b a",
        "",
        "联席",
    ],
)
def test_the_word_counts_are_the_hits_counted_in_the_texts(words):
    from academy.search.rules import FIELDS, concept_hits, hits, word_counts

    document = doc(1, title=words, summary=" ".join(reversed(words.split())), body=f"{words} {words}")
    fields = {field: getattr(document, field) for field in FIELDS}
    counts = word_counts(fields)
    concepts = [("联席",), ("会议", "联席"), ("a",), ("b", "a", "c"), ("没有",)]
    assert concept_hits(counts, concepts) == [tuple(hits(document, concept).values()) for concept in concepts]


def test_the_word_counts_leave_out_words_no_query_can_hold():
    from academy.models import SearchWord
    from academy.search.rules import MAX_INDEXED_WORD_CHARS, word_counts
    from academy.search.segment import MAX_QUERY_CHARS

    long_word = "x" * (MAX_INDEXED_WORD_CHARS + 1)
    assert word_counts({"title": f" {long_word} 会议 ", "summary": " ", "body": "  "}) == {"会议": (1, 0, 0)}
    assert MAX_QUERY_CHARS <= MAX_INDEXED_WORD_CHARS == SearchWord._meta.get_field("word").max_length
