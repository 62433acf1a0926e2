"""Routing and view restrictions from the cache (academy/serving.py, issue 22): a title-only page asks the database
nothing once served, and every change to what routing or the restrictions read shows on the very next request. A
restricted page is never served to someone the restriction does not let in."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from academy import serving
from home.models import SiteSettings, StandardPage
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def page(home):
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on the first read, which is a change
    return home.add_child(instance=StandardPage(title="空白页", slug="bare"))


def served(client, url):
    """Requested twice: the first fills the caches, the second is what is asserted on."""
    client.get(url)
    return client.get(url)


def refused(response) -> bool:
    return response.status_code in (302, 404) and "空白页" not in response.content.decode()


def test_a_served_page_asks_the_database_nothing_for_its_route_or_restrictions(page, client, django_assert_num_queries):
    client.get(page.url)
    with django_assert_num_queries(0):
        response = client.get(page.url)
    assert response.status_code == 200


def test_an_edit_published_shows_at_once(page, client):
    assert "空白页" in served(client, page.url).content.decode()
    page.title = "改过的标题"
    publish(page)
    html = client.get(page.url).content.decode()
    assert "改过的标题" in html and "空白页" not in html


def test_an_unpublished_page_is_gone_at_once(page, client):
    assert served(client, page.url).status_code == 200
    page.unpublish()
    assert client.get("/bare/").status_code == 404


def test_a_deleted_page_is_gone_at_once(page, client):
    assert served(client, page.url).status_code == 200
    page.delete()
    assert client.get("/bare/").status_code == 404


def test_a_moved_page_answers_at_its_new_address_only(home, page, client):
    section = home.add_child(instance=StandardPage(title="栏目", slug="section"))
    assert served(client, "/bare/").status_code == 200
    assert served(client, "/section/bare/").status_code == 404
    page.move(section, pos="last-child")
    old = client.get("/bare/")  # Wagtail's automatic redirect to the new address, or a 404: not the page itself
    assert old.status_code in (301, 302, 404) and old.get("Location", "/section/bare/").endswith("/section/bare/")
    assert client.get("/section/bare/").status_code == 200


def test_a_new_slug_takes_over_at_once(page, client):
    assert served(client, "/bare/").status_code == 200
    assert served(client, "/renamed/").status_code == 404
    page.slug = "renamed"
    publish(page)
    assert client.get("/bare/").status_code == 404
    assert client.get("/renamed/").status_code == 200


def test_an_address_nobody_has_is_asked_afresh_and_not_cached(home, page, client):
    """Made-up addresses must not fill the cache; and a page published there later answers at once."""
    assert client.get("/later/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert serving.child_for_route(home, "later") is None
    assert len(queries) == 1
    home.add_child(instance=StandardPage(title="后来的页", slug="later"))
    assert client.get("/later/").status_code == 200


def test_a_login_restriction_added_refuses_an_anonymous_visitor_at_once(page, client):
    assert served(client, page.url).status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert refused(client.get(page.url))


def test_a_restriction_on_an_ancestor_covers_the_page_at_once(home, client):
    section = home.add_child(instance=StandardPage(title="内部栏目", slug="internal"))
    page = section.add_child(instance=StandardPage(title="空白页", slug="bare"))
    assert served(client, page.url).status_code == 200
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    assert refused(client.get(page.url))


def test_a_restriction_removed_lets_everyone_in_at_once(page, client):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert refused(served(client, page.url))
    restriction.delete()
    assert client.get(page.url).status_code == 200


def test_the_decision_stays_with_the_visitor(page, client):
    """The restrictions are cached; whether they let this visitor in is decided afresh for every request."""
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert refused(served(client, page.url))
    client.force_login(UserFactory())
    assert served(client, page.url).status_code == 200
    client.logout()
    assert refused(client.get(page.url))


def test_a_group_restriction_admits_only_its_groups_members(page, client):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    insiders = Group.objects.create(name="内部")
    restriction.groups.add(insiders)
    user = UserFactory()
    client.force_login(user)
    assert refused(served(client, page.url))
    user.groups.add(insiders)
    assert client.get(page.url).status_code == 200
    user.groups.remove(insiders)
    assert refused(client.get(page.url))
    # The restriction's own groups are read live too (a change to them bumps no generation).
    other = Group.objects.create(name="其他")
    user.groups.add(other)
    assert refused(client.get(page.url))
    restriction.groups.add(other)
    assert client.get(page.url).status_code == 200


def test_a_password_restriction_asks_for_its_password(page, client):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="口令123")
    response = served(client, page.url)
    assert response.status_code == 200 and "空白页" not in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_a_restricted_page_is_never_served_to_an_anonymous_visitor_from_any_cache(page, client, settings):
    settings.PAGE_CACHE_ENABLED = True
    assert served(client, page.url).status_code == 200
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        assert refused(client.get(page.url))
