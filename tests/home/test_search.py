"""Search that understands Chinese: the jieba-segmenting backend, the search page and autocomplete."""

import pytest
from wagtail.models import Page

from academy.search.segment import segment

pytestmark = pytest.mark.django_db


def titles(queryset_results):
    return {page.title for page in queryset_results}


@pytest.fixture
def pages(make_standard, make_news, make_event):
    return {
        "mediation": make_standard("矛盾调处实务与案例分析"),
        "law": make_standard("物业法规运用入门"),
        "ab": make_standard("AB剧场：三方角色扮演辩论"),
        "news": make_news("侨胞之家举办中秋联谊会", introduction="海外侨胞与社区居民共度中秋"),
        "event": make_event("周末书画课", introduction="零基础书画课，材料由驿站提供"),
    }


def test_segmentation_splits_words_inside_a_title():
    assert segment("矛盾调处实务与案例分析").split()[:2] == ["矛盾", "调处"]


def test_word_in_the_middle_of_a_title_is_found(pages):
    assert titles(Page.objects.live().search("调处")) == {"矛盾调处实务与案例分析"}
    assert titles(Page.objects.live().search("法规")) == {"物业法规运用入门"}


def test_a_compound_query_matches_a_title_segmented_differently(pages):
    assert titles(Page.objects.live().search("矛盾调处")) == {"矛盾调处实务与案例分析"}
    assert titles(Page.objects.live().search("案例分析")) == {"矛盾调处实务与案例分析"}


def test_mixed_latin_and_chinese_query_is_found(pages):
    assert "AB剧场：三方角色扮演辩论" in titles(Page.objects.live().search("AB剧场"))
    assert "AB剧场：三方角色扮演辩论" in titles(Page.objects.live().search("ab"))


def test_body_fields_of_specific_page_types_are_searched(pages):
    assert "侨胞之家举办中秋联谊会" in titles(Page.objects.live().search("海外侨胞"))
    assert "周末书画课" in titles(Page.objects.live().search("驿站"))


def test_unrelated_word_finds_nothing(pages):
    assert titles(Page.objects.live().search("电梯")) == set()


def test_search_page_groups_results_by_type(pages, client):
    response = client.get("/search/", {"q": "中秋"})
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [page.title for page in sum(groups.values(), [])] == ["侨胞之家举办中秋联谊会"]
    response = client.get("/search/", {"q": "三方"})
    assert "AB剧场：三方角色扮演辩论" in response.content.decode()


def test_search_page_filters_by_type(pages, client):
    event_type = pages["event"].content_type_id
    response = client.get("/search/", {"q": "书画 中秋", "type": str(event_type)})
    found = [page.title for page in sum(response.context["groups"].values(), [])]
    assert found == ["周末书画课"]
    counts = {item["id"]: item["count"] for item in response.context["type_counts"]}
    assert counts[str(event_type)] == 1 and counts[str(pages["news"].content_type_id)] == 1


def test_unpublished_pages_are_not_found(pages, client):
    pages["law"].unpublish()
    response = client.get("/search/", {"q": "法规"})
    assert "物业法规运用入门" not in response.content.decode()


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!###", "。，、", "长" * 5000, "调处" * 3000, "' OR 1=1 --", '"*^NEAR(', "AND OR NOT"]
)
def test_odd_queries_do_not_error(pages, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert client.get("/search/autocomplete/", {"q": query}).status_code == 200


def test_autocomplete_returns_matching_titles_as_json(pages, client):
    data = client.get("/search/autocomplete/", {"q": "矛盾"}).json()
    assert [item["title"] for item in data["results"]] == ["矛盾调处实务与案例分析"]
    assert data["results"][0]["url"] == pages["mediation"].url


# Fixed work (the candidates' words; the searchable pages and synonyms when not cached) plus one query per page type
# among the results whose cards are not cached yet (Wagtail's .specific()), never one per result.
QUERIES_PER_SEARCH = 10


def test_search_issues_a_constant_number_of_queries(pages, client, django_assert_max_num_queries):
    """Speed is measured in bench/, never here; what a test can pin exactly is the work per search."""
    client.get("/search/", {"q": "调处"})
    with django_assert_max_num_queries(QUERIES_PER_SEARCH):
        client.get("/search/", {"q": "调处"})
    with django_assert_max_num_queries(QUERIES_PER_SEARCH):
        client.get("/search/", {"q": "侨胞 调处"})


def test_a_course_found_by_search_shows_its_catalogue_summary(client):
    """A course has no introduction: its card says what the catalogue says about it (unless editors wrote a search
    description, which wins)."""
    from tests.courses.factories import make_course

    course = make_course(code="FG-07", title="业主大会的筹备与召开", summary="讲解业主大会筹备组的组成与表决规则。")
    html = client.get("/search/", {"q": "业主大会"}).content.decode()
    assert "讲解业主大会筹备组的组成与表决规则。" in html
    course.search_description = "筹备、召开、表决一课讲清。"
    course.save_revision().publish()
    html = client.get("/search/", {"q": "业主大会"}).content.decode()
    assert "筹备、召开、表决一课讲清。" in html
    assert "讲解业主大会筹备组的组成与表决规则。" not in html
