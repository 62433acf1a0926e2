"""Editors keep the search synonyms in the admin (Settings → 搜索同义词); bad input is refused in Chinese."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from academy.models import SearchSynonymGroup
from tests.factories import make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, staff_groups):
    client.force_login(make_editor())
    return client


def test_an_editor_adds_a_synonym_group(editor_client):
    url = reverse("wagtailsnippets_academy_searchsynonymgroup:add")
    page = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "两个或更多意思相同的词" in page.content.decode()
    response = editor_client.post(url, {"terms": "居委会、居民委员会"})
    assert response.status_code == 302
    assert SearchSynonymGroup.objects.get().term_list == ["居委会", "居民委员会"]


def test_a_group_of_one_word_is_refused_with_a_chinese_message_and_nothing_saved(editor_client):
    with translation.override("zh-hans"):
        url = reverse("wagtailsnippets_academy_searchsynonymgroup:add")
    response = editor_client.post(url, {"terms": "居委会"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "请至少输入两个不同的词" in response.content.decode()
    assert not SearchSynonymGroup.objects.exists()


def test_the_synonyms_menu_item_is_translated(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    # The sidebar menu is JSON for the admin's JavaScript, where Chinese may be written as \u escapes.
    content = response.content.decode()
    assert "搜索同义词" in content or json.dumps("搜索同义词")[1:-1] in content
