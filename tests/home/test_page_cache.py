"""The full-page cache for anonymous visitors (academy/page_cache.py): what it serves, to whom, and what forgets it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import override_settings
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from academy import page_cache
from courses import services as course_services
from home import services as home_services
from home.models import StandardPage
from tests.courses.factories import CompetencyFactory, make_course, make_session, make_venue
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def cache_on(settings, home):
    """The cache on, empty, for a site whose settings row exists (the first page ever served creates it, and that
    change rightly makes the page it was rendered for stale)."""
    from wagtail.models import Site

    from home.models import SiteSettings

    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    page_cache.content_changed()


def state(client, url, **extra):
    """The response and how the page cache answered: "hit", "miss" (rendered and stored) or "" (not cached)."""
    response = client.get(url, **extra)
    return response, response.get(page_cache.HEADER, "")


def served_twice(client, url, **extra) -> str:
    """Fetch twice; what the second fetch was."""
    state(client, url, **extra)
    return state(client, url, **extra)[1]


@pytest.fixture
def course(home):
    return make_course(code="FG-01", title="物业法规基础")


def test_an_anonymous_page_is_stored_then_served_from_the_cache(client, course, make_event, make_news):
    for url in ("/", course.url, make_event().url, make_news().url, course.get_parent().url):
        assert state(client, url)[1] == "miss", url
        response, how = state(client, url)
        assert how == "hit", url
        assert response.status_code == 200


def test_no_csrf_token_is_cached_and_each_visitor_gets_their_own(client, course):
    first, _ = state(client, course.url)
    entry = caches["pages"].get(page_cache._key(first.wsgi_request))
    assert page_cache.CSRF_PLACEHOLDER.encode() in entry[3]
    first_token = TOKEN.findall(first.content)
    assert first_token and not any(token in entry[3] for token in first_token)

    other = client_class_for(client)()
    hit, how = state(other, course.url)
    assert how == "hit"
    tokens = TOKEN.findall(hit.content)
    assert tokens and page_cache.CSRF_PLACEHOLDER.encode() not in hit.content
    assert "csrftoken" in hit.cookies  # the token in the page matches a cookie the visitor is given
    # The token works: the language switch in the cached page accepts it.
    other.handler.enforce_csrf_checks = True
    switched = other.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": tokens[0].decode()})
    assert switched.status_code == 302


def client_class_for(client):
    return type(client)


def test_a_logged_in_visitor_is_never_served_a_cached_page_and_never_fills_it(client, course):
    assert served_twice(client, course.url) == "hit"
    client.force_login(UserFactory(real_name="王小明"))
    for _ in range(2):
        response, how = state(client, course.url)
        assert how == ""
        assert "退出" in response.content.decode() or "Log out" in response.content.decode()
    caches["pages"].clear()
    state(client, course.url)  # logged in: renders, stores nothing
    anonymous = client_class_for(client)()
    assert state(anonymous, course.url)[1] == "miss"


def test_language_and_elder_mode_each_have_their_own_copy(client, course):
    assert served_twice(client, course.url) == "hit"
    english, how = state(client, course.url, HTTP_ACCEPT_LANGUAGE="en")
    assert how == "miss" and 'lang="en"' in english.content.decode()
    client.cookies["elder_mode"] = "1"
    elder, how = state(client, course.url)
    assert how == "miss"
    assert state(client, course.url)[1] == "hit"
    del client.cookies["elder_mode"]
    plain, how = state(client, course.url)
    assert how == "hit" and plain.content != elder.content


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, course):
    assert served_twice(client, course.url) == "hit"
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/logout/")  # allauth queues "You have signed out."
    response, how = state(client, course.url)
    assert how == ""
    assert 'class="messages' in response.content.decode()
    assert state(client, course.url)[1] == "hit"  # the message was shown once; the next page comes from the cache


def test_publishing_forgets_the_page(client, course):
    assert served_twice(client, course.url) == "hit"
    course.title = "物业法规基础（修订）"
    publish(course)
    response, how = state(client, course.url)
    assert how == "miss" and "物业法规基础（修订）" in response.content.decode()


def test_unpublishing_forgets_the_page(client, course):
    assert served_twice(client, course.url) == "hit"
    course.unpublish()
    assert client.get(course.url).status_code == 404


def test_moving_forgets_the_page(client, course, home):
    url = course.url
    assert served_twice(client, url) == "hit"
    elsewhere = home.add_child(instance=StandardPage(title="归档", slug="archive"))
    course.move(elsewhere, pos="last-child")
    response, how = state(client, url)
    assert how == "" and response.status_code == 301  # Wagtail's automatic redirect to the new address


def test_deleting_forgets_the_page(client, course):
    url = course.url
    assert served_twice(client, url) == "hit"
    course.delete()
    assert client.get(url).status_code == 404


def test_a_snippet_the_page_shows_forgets_it(client, home):
    competency = CompetencyFactory(code="FG", name="法规运用")
    course = make_course(code="FG-02", competency=competency)
    assert served_twice(client, course.url) == "hit"
    competency.name = "法规运用与实务"
    competency.save()
    response, how = state(client, course.url)
    assert how == "miss" and "法规运用与实务" in response.content.decode()


def test_an_image_the_page_shows_forgets_it(client, course):
    from wagtail.images.models import Image

    image = Image.objects.create(title="封面", file=get_test_image_file())
    course.cover_image = image
    publish(course)
    assert served_twice(client, course.url) == "hit"
    image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 10, 10, 5, 5
    image.save()
    assert state(client, course.url)[1] == "miss"


def test_a_registration_or_cancellation_forgets_the_course_page(client, home):
    course = make_course(code="MD-07", lessons=0, quiz=False, delivery_mode="offline")
    session = make_session(course, capacity=2)
    assert served_twice(client, course.url) == "hit"
    trainee = UserFactory()
    course_services.session_register(user=trainee, session=session)
    assert state(client, course.url)[1] == "miss"
    assert state(client, course.url)[1] == "hit"
    course_services.session_registration_cancel(user=trainee, session=session)
    assert state(client, course.url)[1] == "miss"


def test_a_sign_up_or_cancellation_changes_the_places_shown_on_the_event_page(client, make_event):
    event = make_event(capacity=5)
    assert served_twice(client, event.url) == "hit"
    signup = home_services.event_signup_create(event=event, name="李四", phone="13900001111")
    response, how = state(client, event.url)
    assert how == "miss"
    assert "4" in response.content.decode().split('id="signup"')[-1][:600]
    home_services.event_signup_cancel(signup=signup)
    assert state(client, event.url)[1] == "miss"


def test_a_venue_change_forgets_the_pages_that_name_it(client, make_event):
    event = make_event()
    assert served_twice(client, event.url) == "hit"
    venue = make_venue(event.venue.name)
    venue.address = "信义坊社区文化家园二楼"
    venue.save()
    response, how = state(client, event.url)
    assert how == "miss" and "文化家园二楼" in response.content.decode()


def test_a_restricted_page_is_never_stored(client, course):
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
    PageViewRestriction.objects.get(page=course).groups.add(Group.objects.create(name="内部"))
    client.force_login(UserFactory())
    client.logout()
    assert state(client, course.url)[1] == ""
    assert state(client, course.url)[1] == ""


def test_a_page_type_not_listed_and_a_sub_route_are_not_stored(client, home, make_event):
    bare = home.add_child(instance=StandardPage(title="空白页", slug="bare"))
    assert served_twice(client, bare.url) == ""
    event = make_event()
    assert served_twice(client, event.url + "event.ics") == ""


def test_a_fragment_rendered_for_the_cache_gets_the_real_token_for_a_logged_in_visitor(client, course):
    """A fragment cached while rendering an anonymous page holds the placeholder: whoever it is served to later gets
    their own token in its place."""
    state(client, course.url)
    client.force_login(UserFactory())
    response = client.get(course.url)
    assert page_cache.CSRF_PLACEHOLDER.encode() not in response.content


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "outage-default"},
        "pages": {
            "BACKEND": "academy.cache_backends.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
)
def test_a_redis_outage_serves_pages_uncached(client, course):
    for _ in range(2):
        response, how = state(client, course.url)
        assert response.status_code == 200 and how == ""
        assert page_cache.CSRF_PLACEHOLDER.encode() not in response.content


def test_site_settings_forget_the_page_but_their_first_creation_does_not(client, course):
    from wagtail.models import Site

    from home.models import SiteSettings

    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.filter(site=site).delete()
    # The first read creates the row with its defaults, which is no change: the page rendered meanwhile is kept.
    assert state(client, course.url)[1] == "miss"
    assert SiteSettings.objects.filter(site=site).exists()
    assert state(client, course.url)[1] == "hit"
    site_settings = SiteSettings.for_site(site)
    site_settings.footer_text = "拱墅区三方学院 · 页脚已改"
    site_settings.save()
    response, how = state(client, course.url)
    assert how == "miss" and "页脚已改" in response.content.decode()


# The site search (a view marked @cache_anonymous_view) ----------------------------------------------------------


def test_the_site_search_is_cached_for_anonymous_visitors_only(client, make_standard):
    make_standard("物业法规运用入门")
    url = "/search/?q=法规"
    response, how = state(client, url)
    assert how == "miss" and "物业法规运用入门" in response.content.decode()
    response, how = state(client, url)
    assert how == "hit" and "物业法规运用入门" in response.content.decode()
    assert state(client, "/search/?q=法规&page=1")[1] == "miss"  # every query string is its own entry

    client.force_login(UserFactory())
    assert served_twice(client, url) == ""


def test_a_page_published_or_unpublished_shows_in_the_cached_search_at_once(client, make_standard):
    make_standard("物业法规运用入门")
    url = "/search/?q=法规"
    served_twice(client, url)
    added = make_standard("法规问答汇编")
    response, how = state(client, url)
    assert how == "miss" and "法规问答汇编" in response.content.decode()
    added.unpublish()
    response, how = state(client, url)
    assert how == "miss" and "法规问答汇编" not in response.content.decode()


def test_a_search_document_written_later_shows_in_the_cached_search_at_once(client, make_standard):
    """Re-indexing runs as a task after the publish (the content generation was bumped before the new words were
    indexed): writing the search documents bumps it again."""
    from academy.models import SearchDocument
    from academy.search.documents import documents_store

    page = make_standard("物业法规运用入门")
    SearchDocument.objects.filter(page_id=page.pk).delete()  # as if the re-index task had not yet run
    page_cache.content_changed()
    url = "/search/?q=法规"
    assert "物业法规运用入门" not in client.get(url).content.decode()
    assert state(client, url)[1] == "hit"
    documents_store([page])
    response, how = state(client, url)
    assert how == "miss" and "物业法规运用入门" in response.content.decode()


def test_a_new_synonym_shows_in_the_cached_search_at_once(client, make_standard):
    from academy.models import SearchSynonymGroup

    make_standard("业主委员会换届指引")
    url = "/search/?q=业委会"
    served_twice(client, url)
    SearchSynonymGroup.objects.create(terms="业委会、业主委员会")
    response, how = state(client, url)
    assert how == "miss" and "业主委员会换届指引" in response.content.decode()
