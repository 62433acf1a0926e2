"""The site search as a visitor meets it: ranking, whole-word matching, synonyms and the district's own names."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from academy.models import Community, SearchDocument, SearchSynonymGroup
from courses.models import LessonPage
from home.models import StandardPage
from tests.courses.factories import make_course
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


def found(client, query):
    """Titles on the first page of results, best first."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    ids = list(results.object_list) if results is not None else []
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids]


def standard(title, *, introduction="", body=""):
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(
        instance=StandardPage(
            title=title, introduction=introduction, body=[("paragraph", RichText(f"<p>{body}</p>"))] if body else []
        )
    )


def lesson(course, title, body):
    return course.add_child(instance=LessonPage(title=title, body=[("paragraph", RichText(f"<p>{body}</p>"))]))


def test_a_course_whose_title_holds_the_query_comes_before_lessons_that_mention_it(client):
    course = make_course(code="ZZ-01", title="三方联席会议的组织与运行", summary="讲解会议的召集与督办。", lessons=0)
    other = make_course(code="ZZ-02", title="小区治理实务", summary="治理的方法。", lessons=0)
    for number, title in enumerate(["处理答复与回访", "民情处置闭环", "服务公示与三方监督"], start=1):
        lesson(other, title, "联席会议上，联席各方通报进展；联席会议记录存档。" * number)
    assert found(client, "联席")[0] == course.title
    assert set(found(client, "联席")[1:]) == {"处理答复与回访", "民情处置闭环", "服务公示与三方监督"}


def test_a_summary_hit_outranks_a_body_full_of_the_word(client):
    standard("小区议事", introduction="讲解业主大会的筹备。")
    standard("工作手记", body="业主大会" * 20)
    assert found(client, "业主大会") == ["小区议事", "工作手记"]


def test_two_characters_typed_together_never_match_one_of_them_alone(client):
    standard("常用话术与表达禁忌", body="说话要和气，话术要得体。")
    standard("社区茶话会", body="邻里茶话，共叙家常。")
    assert found(client, "茶话") == ["社区茶话会"]
    assert "常用话术与表达禁忌" not in found(client, "茶话 活动")


def test_a_lone_character_between_words_is_not_searched_for(client):
    standard("业委会的职责", body="业委会依法履职。")
    standard("我的家", body="的的的")
    assert found(client, "业委会的职责") == ["业委会的职责"]


def test_synonyms_are_applied_when_searching_and_can_be_edited(client):
    standard("业主委员会换届选举实务")
    assert found(client, "业委会") == []
    group = SearchSynonymGroup.objects.create(terms="业委会、业主委员会")
    assert found(client, "业委会") == ["业主委员会换届选举实务"]
    group.delete()
    assert found(client, "业委会") == []


def test_a_synonym_group_with_one_word_is_refused():
    group = SearchSynonymGroup(terms="业委会")
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "terms" in error.value.message_dict


def test_a_new_community_name_stays_whole_in_pages_indexed_before_it(client, django_capture_on_commit_callbacks):
    # The segmenter's words last as long as the process: the name must be one no other test or the demo uses.
    place = standard("枫林坊社区举办议事会", body="枫林坊的居民参加。")
    standard("枫林小径", body="秋天的枫林。")
    assert " 枫林坊 " not in SearchDocument.objects.get(page=place).title
    with django_capture_on_commit_callbacks(execute=True):
        Community.objects.create(street=StreetFactory(), name="枫林坊社区")
    assert " 枫林坊 " in SearchDocument.objects.get(page=place).title
    assert found(client, "枫林坊") == ["枫林坊社区举办议事会"]


def test_the_district_names_in_the_word_list_stay_whole(client):
    standard("钱学森故居讲解日", body="在侨胞之家集合，前往钱学森故居。")
    standard("故居修缮常识", body="老房子的修缮。")
    assert found(client, "钱学森故居") == ["钱学森故居讲解日"]


def test_a_deleted_page_takes_its_search_document_with_it():
    page = standard("小区档案管理")
    assert SearchDocument.objects.filter(page=page).exists()
    page.delete()
    assert not SearchDocument.objects.filter(pk=page.pk).exists()


def test_only_new_words_index_the_pages_again(monkeypatch, django_capture_on_commit_callbacks):
    from academy.search import receivers

    calls = []
    monkeypatch.setattr(receivers, "search_reindex_pages", SimpleNamespace(enqueue=lambda: calls.append(1)))
    with django_capture_on_commit_callbacks(execute=True):
        street = StreetFactory(name="祥符桥街道")
    assert calls == [1]
    with django_capture_on_commit_callbacks(execute=True):
        street.order = 5
        street.save()
        street.delete()
    assert calls == [1]
    with django_capture_on_commit_callbacks(execute=True):
        SearchSynonymGroup.objects.create(terms="物业企业、物业服务企业")
    assert calls == [1, 1]
