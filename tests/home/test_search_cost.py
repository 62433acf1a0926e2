"""The site search rendered afresh (issue 22): its ranking and result cards cached under the content generation,
for anonymous and logged-in visitors alike, and every change they show at once."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from academy.models import SearchSynonymGroup
from tests.factories import UserFactory
from tests.search.reference import reference_ranking

pytestmark = pytest.mark.django_db


def shown(client, query, **params):
    """The titles on the first page of results, best first, and the page's HTML."""
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    titles = [card.title for group in response.context["groups"].values() for card in group]
    return titles, response.content.decode()


@pytest.fixture
def trainee(client):
    client.force_login(UserFactory())
    return client


@pytest.fixture
def law(make_standard):
    return make_standard("物业法规运用入门", introduction="讲解物业服务合同")


# What a search costs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_repeated_search_reads_nothing_of_the_search_and_a_new_one_little(
    client, law, make_standard, make_news, logged_in, django_assert_max_num_queries
):
    """A query asked before: no query for the ranking or the cards (an anonymous visitor's page asks nothing at all,
    a logged-in one only what every logged-in page asks: session, user, unread count). A new query: its candidates'
    words (one query) and the cards of pages not shown before (one per page type)."""
    if logged_in:
        client.force_login(UserFactory())
    make_standard("法规问答汇编")
    make_news("物业法规宣讲进社区", introduction="法规宣讲")
    client.get("/search/", {"q": "法规"})  # the first page ever served also creates the site's settings row
    client.get("/search/", {"q": "法规"})
    chrome = 3 if logged_in else 0
    with django_assert_max_num_queries(chrome):
        titles, _html = shown(client, "法规")
    assert len(titles) == 3
    with django_assert_max_num_queries(chrome + 1):  # the candidates (searchable ids, synonyms, cards all cached)
        assert len(shown(client, "物业 法规")[0]) == 3


def test_a_new_query_shows_cards_built_before_and_the_ones_not_yet_built(client, law, make_news):
    make_news("物业法规宣讲进社区", introduction="法规宣讲")
    assert shown(client, "物业")[0] == ["物业法规运用入门", "物业法规宣讲进社区"]
    titles, html = shown(client, "法规")
    assert set(titles) == {"物业法规运用入门", "物业法规宣讲进社区"}
    assert "讲解物业服务合同" in html and f'href="{law.url}"' in html


# Every change shows at once, for a logged-in visitor too (the page cache never serves them) -------------------------


def test_a_page_published_edited_unpublished_or_deleted_shows_at_once(trainee, law, make_standard):
    assert shown(trainee, "法规")[0] == ["物业法规运用入门"]
    added = make_standard("法规问答汇编")
    assert set(shown(trainee, "法规")[0]) == {"物业法规运用入门", "法规问答汇编"}
    law.title = "物业法规运用进阶"
    law.introduction = "合同与纠纷"
    law.save_revision().publish()
    titles, html = shown(trainee, "法规")
    assert "物业法规运用进阶" in titles and "物业法规运用入门" not in titles and "合同与纠纷" in html
    added.unpublish()
    assert shown(trainee, "法规")[0] == ["物业法规运用进阶"]
    law.delete()
    assert shown(trainee, "法规")[0] == []


def test_a_moved_page_shows_its_new_address_at_once(trainee, law, make_standard):
    parent = make_standard("政策汇编")
    assert f'href="{law.url}"' in shown(trainee, "法规")[1]
    law.move(parent, pos="last-child")
    law.refresh_from_db()
    assert law.url.startswith(parent.url)
    assert f'href="{law.url}"' in shown(trainee, "法规")[1]


def test_a_synonym_added_or_removed_shows_at_once(trainee, make_standard):
    make_standard("业主委员会换届指引")
    assert shown(trainee, "业委会")[0] == []
    group = SearchSynonymGroup.objects.create(terms="业委会、业主委员会")
    assert shown(trainee, "业委会")[0] == ["业主委员会换届指引"]
    group.delete()
    assert shown(trainee, "业委会")[0] == []


def test_the_type_labels_follow_the_visitors_language(trainee, law):
    """The ranking is shared by both languages; the labels of its result types are each visitor's own."""
    chinese = trainee.get("/search/", {"q": "法规"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = trainee.get("/search/", {"q": "法规"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h2>普通页面</h2>" in chinese and "tandard pages" not in chinese
    # A heading and a filter chip begin with a capital in English, as every other heading does.
    assert "<h2>Standard pages</h2>" in english and "物业法规运用入门" in english
    assert ">Standard pages (1)</a>" in english


def test_a_restricted_page_is_never_found_even_by_those_who_may_see_it(client, law):
    group = Group.objects.create(name="编辑")
    member = UserFactory()
    member.groups.add(group)
    client.force_login(member)
    assert shown(client, "法规")[0] == ["物业法规运用入门"]
    restriction = PageViewRestriction.objects.create(page=law, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    assert shown(client, "法规")[0] == []
    client.logout()
    assert shown(client, "法规")[0] == []
    restriction.delete()
    assert shown(client, "法规")[0] == ["物业法规运用入门"]


def test_a_logged_in_visitor_gets_their_own_header_after_an_anonymous_search(client, law, settings):
    settings.PAGE_CACHE_ENABLED = True
    anonymous = shown(client, "法规")[1]
    client.force_login(UserFactory())
    titles, html = shown(client, "法规")
    assert titles == ["物业法规运用入门"]
    assert 'data-testid="inbox-link"' in html and 'data-testid="inbox-link"' not in anonymous


# The ranking written as SQL ---------------------------------------------------------------------------------------


def test_the_ranking_finds_whole_words_best_first_among_public_pages(law, make_standard, make_news, make_event):
    from academy.search.selectors import documents_ranked
    from home.selectors import searchable_page_ids

    make_standard("法规问答汇编", introduction="物业 法规 汇编")
    make_news("物业法规宣讲进社区", introduction="法规宣讲")
    make_event("法规沙龙", introduction="物业与业主")
    hidden = make_standard("内部法规")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    expected = {
        "法规": ["物业法规宣讲进社区", "法规问答汇编", "法规沙龙", "物业法规运用入门"],
        "物业 法规": ["物业法规宣讲进社区", "物业法规运用入门", "法规问答汇编", "法规沙龙"],
        "宣讲": ["物业法规宣讲进社区"],
        "业主": ["法规沙龙"],
        # The restricted page is found by nobody: its words find the public pages that share them.
        "内部法规": ["物业法规宣讲进社区", "法规问答汇编", "法规沙龙", "物业法规运用入门"],
        "没有的词": [],
    }
    for query, titles in expected.items():
        found = documents_ranked(query=query, searchable=searchable_page_ids())
        assert [document.page_title for document in found] == titles, query


# The word index (SearchWord): a new query reads its own words' rows, never the documents' texts ----------------------


def index_as_stored():
    from academy.models import SearchWord

    return {
        (row.document_id, row.word): (row.title, row.summary, row.body)
        for row in SearchWord.objects.order_by("document_id", "word")
    }


def index_from_documents():
    from academy.models import SearchDocument
    from academy.search.rules import word_counts

    return {
        (document.page_id, word): counts
        for document in SearchDocument.objects.all()
        for word, counts in word_counts(
            {"title": document.title, "summary": document.summary, "body": document.body}
        ).items()
    }


def test_a_new_query_reads_its_words_rows_and_no_documents_text(client, law, make_news):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_news("物业法规宣讲进社区", introduction="法规宣讲")
    client.get("/search/", {"q": "物业"})  # the searchable ids, the synonyms and the cards are cached from here on
    with CaptureQueriesContext(connection) as queries:
        assert shown(client, "法规 宣讲")[0] == ["物业法规宣讲进社区", "物业法规运用入门"]
    assert len(queries) == 1
    assert "academy_searchword" in queries[0]["sql"] and "academy_searchdocument" not in queries[0]["sql"]


def test_the_word_index_follows_every_change_to_the_pages(trainee, law, make_standard, make_news):
    """Publishing, editing, unpublishing, moving and deleting pages leaves the word index equal to the words of the
    stored documents, and the ranking equal to the ranking from the documents' texts."""
    parent = make_standard("政策汇编", introduction="法规 汇编")
    news = make_news("物业法规宣讲进社区", introduction="法规宣讲，法规问答")
    added = make_standard("法规问答汇编")
    law.introduction = "合同与纠纷，物业服务合同"
    law.save_revision().publish()
    law.move(parent, pos="last-child")
    added.unpublish()
    news.delete()
    assert index_as_stored() == index_from_documents() != {}
    assert not any(page_id == news.pk for page_id, _word in index_as_stored())
    for query in ("法规", "物业 法规", "合同", "汇编", "宣讲"):
        assert [page_id for page_id, _ct in search_ranked_now(query)] == reference_ranking(query), query


def search_ranked_now(query):
    from home.selectors import search_ranked

    return search_ranked(query=query)


def test_the_migration_indexes_the_documents_stored_before_it(law, make_news):
    import importlib
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    from academy.models import SearchWord

    # Found by its name, whatever its number.
    name = next(Path(settings.BASE_DIR, "academy", "migrations").glob("*_search_words_index.py")).stem
    migration = importlib.import_module(f"academy.migrations.{name}")
    make_news("物业法规宣讲进社区", introduction="法规宣讲")
    expected = index_as_stored()
    SearchWord.objects.all().delete()
    migration.index_stored_documents(apps, None)
    assert index_as_stored() == expected == index_from_documents()
