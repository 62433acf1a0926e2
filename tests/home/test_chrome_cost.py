"""What a title-only page costs apart from its own content (issue 22): Wagtail's site lookup and the breadcrumbs come
from caches keyed on the content generation, and every change they depend on still shows on the next request."""

import pytest
from django.core.cache import cache
from wagtail.models import Site

from academy import sites
from academy.sites import SiteLookupMiddleware, site_for_request, site_lookup_exempt
from home.models import SiteSettings, StandardPage

from .conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_a_title_only_page_asks_the_database_nothing(home, client, django_assert_max_num_queries):
    """At first 7 queries (the site, the root page's specific row, the child, its specific row, Wagtail's two view
    restriction queries, and the breadcrumbs' ancestors). The site, its root page and the breadcrumbs then came from
    the cache (4), and now the route and the view restrictions too (academy/serving.py): none."""
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on the first read, which is a change
    page = home.add_child(instance=StandardPage(title="空白页", slug="bare"))
    assert client.get(page.url).status_code == 200  # fills the caches
    with django_assert_max_num_queries(0):
        response = client.get(page.url)
    assert response.status_code == 200
    assert '<a href="/">首页</a>' in response.content.decode()


def test_a_site_changed_is_seen_by_the_next_request(home, client):
    other = home.add_child(instance=StandardPage(title="另一个首页", slug="other-home"))
    assert client.get("/").context["page"].pk == home.pk
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert client.get("/").context["page"].pk == other.pk


def test_a_host_with_a_site_of_its_own_gets_that_site(home, client, rf):
    other = home.add_child(instance=StandardPage(title="街道站点", slug="street"))
    assert site_for_request(rf.get("/", HTTP_HOST="street.example")).root_page_id == home.pk  # the default site
    Site.objects.create(hostname="street.example", port=80, root_page=other, site_name="街道")
    assert site_for_request(rf.get("/", HTTP_HOST="street.example")).root_page_id == other.pk
    assert site_for_request(rf.get("/", HTTP_HOST="testserver")).root_page_id == home.pk


def test_no_site_at_all_is_still_a_404(home, client):
    assert client.get("/").status_code == 200
    Site.objects.all().delete()
    assert client.get("/").status_code == 404


def test_a_page_retitled_shows_in_its_childrens_breadcrumbs_at_once(home, client):
    section = home.add_child(instance=StandardPage(title="学院简介", slug="about"))
    child = section.add_child(instance=StandardPage(title="联系我们", slug="contact"))
    assert ">学院简介</a>" in client.get(child.url).content.decode()
    section.title = "关于学院"
    publish(section)
    html = client.get(child.url).content.decode()
    assert ">关于学院</a>" in html and ">学院简介</a>" not in html


def test_breadcrumbs_speak_the_language_of_the_page(home, client):
    page = home.add_child(instance=StandardPage(title="空白页", slug="bare"))
    assert '<a href="/">首页</a>' in client.get(page.url).content.decode()
    assert '<a href="/">Home</a>' in client.get(page.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_site_is_looked_up_only_when_something_asks_for_it(home, rf, monkeypatch):
    """A view that never asks for the site (a plain Django view, a JSON endpoint) pays no lookup; Wagtail's
    ``Site.find_for_request`` gets the cached one, looked up once per request."""
    calls = []
    monkeypatch.setattr(sites, "site_for_request", lambda request: calls.append(request) or site_for_request(request))
    request = rf.get("/")
    SiteLookupMiddleware(lambda request: None).process_view(request, lambda request: None, (), {})
    assert calls == []
    assert Site.find_for_request(request).root_page_id == home.pk
    assert Site.find_for_request(request).root_page_id == home.pk
    assert calls == [request]
    request._wagtail_site = None  # what Wagtail or a test sets is kept, None included
    assert Site.find_for_request(request) is None


def test_an_exempt_view_is_left_to_wagtails_own_lookup(home, rf, monkeypatch):
    monkeypatch.setattr(sites, "site_for_request", lambda request: pytest.fail("looked up for an exempt view"))
    request = rf.get("/")
    SiteLookupMiddleware(lambda request: None).process_view(request, site_lookup_exempt(lambda request: None), (), {})
    assert Site.find_for_request(request).root_page_id == home.pk  # Wagtail's own query
