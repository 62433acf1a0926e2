"""The header, elder switch and footer from the fragment cache (academy/templatetags/academy_chrome.py, issue 22):
one rendering per host, language and elder mode (the header: per anonymous visitor only), never a CSRF token or a
page's address cached into them, and a change to what they show seen on the next request."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.models import Site

from academy.page_cache import CSRF_PLACEHOLDER
from academy.templatetags.academy_chrome import PATH_PLACEHOLDER
from home.models import SiteSettings, StandardPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def pages(home):
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on the first read, which is a change
    return (
        home.add_child(instance=StandardPage(title="第一页", slug="first")),
        home.add_child(instance=StandardPage(title="第二页", slug="second")),
    )


def test_every_visitor_gets_their_own_csrf_token_in_the_cached_forms(pages):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = {}
    for name, client in (("first", first), ("second", second)):
        client.get(pages[0].url)  # the second visitor is served the fragments the first one's request cached
        html = client.get(pages[0].url).content.decode()
        assert CSRF_PLACEHOLDER not in html and PATH_PLACEHOLDER not in html
        found = TOKEN.findall(html)
        assert len(found) == 2  # the elder switch and the language switch
        tokens[name] = found[0]
        # The page's token is this visitor's own (it matches the CSRF cookie sent with the page): a token cached
        # from the first visitor's page would be refused for the second.
        for token, url, data in ((found[0], "/accessibility/elder-mode/", {"elder_mode": "on"}),
                                 (found[1], "/i18n/setlang/", {"language": "zh-hans"})):  # fmt: skip
            response = client.post(url, {**data, "next": "/", "csrfmiddlewaretoken": token})
            assert response.status_code == 302, (name, url)
    assert tokens["first"] != tokens["second"]


def test_the_forms_return_to_the_page_they_are_on(pages, client):
    for page in (*pages, pages[0]):
        html = client.get(page.url + "?a=1&b=2").content.decode()
        assert html.count(f'value="{page.url}?a=1&amp;b=2"') == 2  # escaped, as {{ }} escapes it


def test_a_logged_in_visitor_never_gets_the_anonymous_header_nor_the_reverse(pages, client):
    assert "退出" not in client.get(pages[0].url).content.decode()  # the anonymous header is now cached
    client.force_login(UserFactory())
    html = client.get(pages[0].url).content.decode()
    assert "退出" in html and "我的学习" in html and 'href="/accounts/login/"' not in html
    client.logout()
    html = Client().get(pages[0].url).content.decode()
    assert "退出" not in html and "我的学习" not in html


def test_each_language_and_elder_mode_gets_its_own_fragments(pages, client):
    assert "语言" in client.get(pages[0].url).content.decode()
    english = client.get(pages[0].url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Language</label>" in english and "语言" not in english
    client.cookies["elder_mode"] = "1"
    elder = client.get(pages[0].url).content.decode()
    assert 'aria-pressed="true"' in elder and 'name="elder_mode" value="off"' in elder
    client.cookies["elder_mode"] = "0"
    assert 'aria-pressed="false"' in client.get(pages[0].url).content.decode()


def test_menu_and_footer_changes_show_at_once(pages, client):
    assert "共建共治共享" not in client.get(pages[0].url).content.decode()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.footer_text = "共建共治共享"
    settings.nav_links = [("link", {"title": "第二页链接", "page": pages[1], "url": ""})]
    settings.save()
    html = client.get(pages[0].url).content.decode()
    assert "共建共治共享" in html and f'<a href="{pages[1].url}">第二页链接</a>' in html
