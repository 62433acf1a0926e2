"""Site furniture and the rest: RSS, sitemap, robots.txt, settings-driven navigation, figures, demo, workflow."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site, WorkflowPage

from home.models import EventPage, HomePage, NewsPage, SiteSettings, StandardPage
from home.selectors import FIGURES_CACHE_KEY, HOME_CARDS, compute_site_figures, site_figures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rss_lists_the_latest_news(client, news_index, make_news):
    make_news("开班仪式", days_ago=1, introduction="春季班开班")
    make_news("法规课程上线", days_ago=0)
    response = client.get(news_index.url + news_index.reverse_subpage("rss"))
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(response.content).findall("./channel/item")  # noqa: S314 (our own feed)
    assert [item.findtext("title") for item in items] == ["法规课程上线", "开班仪式"]


def test_sitemap_lists_live_pages_only(client, home, make_standard):
    make_standard("关于三方学院", slug="about")
    draft = make_standard("草稿", slug="draft")
    draft.unpublish()
    body = client.get("/sitemap.xml").content.decode()
    assert "/about/" in body and "/draft/" not in body


def test_robots_points_to_the_sitemap_and_keeps_out_of_admin(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and "Sitemap: http://testserver/sitemap.xml" in body


def test_navigation_and_footer_come_from_site_settings(client, home, make_standard):
    about = make_standard("关于三方学院", slug="about")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.nav_links = [
        ("link", {"title": "关于学院", "page": about, "url": ""}),
        ("link", {"title": "搜索", "page": None, "url": "/search/"}),
    ]
    settings.footer_text = "电话：0571-8888 0000"
    settings.save()
    body = client.get(home.url).content.decode()
    assert '<a href="/about/">关于学院</a>' in body and '<a href="/search/">搜索</a>' in body
    assert "电话：0571-8888 0000" in body


def test_menu_links_have_an_english_title_for_english_readers(client, home, make_standard):
    about = make_standard("关于三方学院", slug="about")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.nav_links = [
        ("link", {"title": "关于学院", "title_en": "About", "page": about, "url": ""}),
        ("link", {"title": "搜索", "title_en": "", "page": None, "url": "/search/"}),
    ]
    settings.save()
    chinese = client.get(home.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(home.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/about/">关于学院</a>' in chinese and "About</a>" not in chinese
    assert '<a href="/about/">About</a>' in english and "关于学院" not in english
    # Without an English title, English readers see the title rather than nothing.
    assert '<a href="/search/">搜索</a>' in english


def test_demo_menu_gains_english_titles_on_a_database_seeded_before_them(home, make_standard):
    from home.demo import DEMO_MENU_ENGLISH, seed

    about = make_standard("关于三方学院", slug="about")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.nav_links = [
        ("link", {"title": "关于学院", "page": about, "url": ""}),
        ("link", {"title": "校友会", "page": None, "url": "/alumni/"}),
    ]
    settings.save()
    seed()
    links = [link.value for link in SiteSettings.for_site(Site.objects.get(is_default_site=True)).nav_links]
    assert [(link["title"], link["title_en"], link["url"]) for link in links] == [
        ("关于学院", DEMO_MENU_ENGLISH["关于学院"], ""),
        ("校友会", "", "/alumni/"),
    ]
    assert links[0]["page"].pk == about.pk


def test_figures_count_live_courses_and_people_who_completed_one(db):
    from courses.models import CourseCompletion
    from tests.courses.factories import make_course

    course = make_course(code="FG-01", lessons=0, quiz=False)
    make_course(code="FG-02", lessons=0, quiz=False).unpublish()
    finished, _ = UserFactory(), UserFactory()
    CourseCompletion.objects.create(user=finished, course=course)
    figures = compute_site_figures()
    assert (figures["courses"], figures["trainees"]) == (1, 1)


def test_figures_are_cached(db, django_assert_num_queries):
    from courses.models import CourseCompletion
    from tests.courses.factories import make_course

    course = make_course(code="FG-01", lessons=0, quiz=False)
    CourseCompletion.objects.create(user=UserFactory(), course=course)
    assert site_figures()["trainees"] == 1
    CourseCompletion.objects.create(user=UserFactory(), course=course)
    with django_assert_num_queries(0):
        assert site_figures()["trainees"] == 1
    cache.delete(FIGURES_CACHE_KEY)
    assert site_figures()["trainees"] == 2


def test_home_page_query_count_does_not_grow_with_events(client, home, make_event, django_assert_max_num_queries):
    for number in range(2):
        make_event(f"活动{number}", days=number + 1)
    client.get(home.url)
    HOME_CARDS.forget()  # measure the cards being built, both times
    with django_assert_max_num_queries(40) as first:
        client.get(home.url)
    built_with_two = len(first.captured_queries)  # now: the next request clears the connection's query log
    for number in range(5):
        make_event(f"更多活动{number}", days=number + 3)
    client.get(home.url)  # the new events made the site lookup (academy/sites.py) stale too: rebuilt once here
    HOME_CARDS.forget()
    with django_assert_max_num_queries(built_with_two):
        client.get(home.url)


def test_demo_seed_builds_the_content_site_once(staff_groups):
    from home import demo

    demo.seed()
    demo.seed()
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert StandardPage.objects.filter(title="关于三方学院").count() == 1
    assert NewsPage.objects.live().count() == 6
    events = EventPage.objects.live()
    assert events.count() == 10
    assert {event.category for event in events} == {"overseas_chinese_home", "cultural_station", "academy"}
    now = timezone.now()
    assert events.filter(end__lt=now).exists() and events.filter(start__gt=now).exists()
    assert all(event.image and event.image_alt for event in events)
    assert WorkflowPage.objects.get(page=home).workflow.name == "内容审核"
    assert {venue.district.name for venue in events[0].venue.__class__.objects.all()} >= {"拱墅区", "上城区", "萧山区"}


def _menu_settings(about):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.nav_links = [("link", {"title": "关于学院", "page": about, "url": ""})]
    settings.footer_text = "电话：0571-8888 0000"
    settings.save()
    return settings


def test_menu_and_footer_cost_no_queries_once_cached(client, home, make_standard, django_assert_max_num_queries):
    _menu_settings(make_standard("关于三方学院", slug="about"))
    client.get(home.url)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(home.url).content.decode()
    assert '<a href="/about/">关于学院</a>' in body and "电话：0571-8888 0000" in body
    assert not [q for q in queries.captured_queries if "home_sitesettings" in q["sql"]]


def test_menu_follows_settings_and_page_changes_at_once(client, home, make_standard):
    about = make_standard("关于三方学院", slug="about")
    settings = _menu_settings(about)
    assert '<a href="/about/">关于学院</a>' in client.get(home.url).content.decode()
    settings.nav_links = [("link", {"title": "学院简介", "page": about, "url": ""})]
    settings.footer_text = "地址：小河街道"
    settings.save()
    body = client.get(home.url).content.decode()
    assert '<a href="/about/">学院简介</a>' in body and "地址：小河街道" in body
    about.slug = "intro"
    about.save_revision().publish()
    assert '<a href="/intro/">学院简介</a>' in client.get(home.url).content.decode()


# The home page's cards (featured courses, events, news), rendered once and forgotten when what they show changes


def _card_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "home_eventpage" in q["sql"] or "home_newspage" in q["sql"]]


def test_home_cards_are_read_once_then_served_from_the_cache(client, home, event, make_news):
    make_news("开班仪式")
    first = client.get(home.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(home.url).content.decode()
    assert "周末书画课" in again and "开班仪式" in again
    assert first.count('class="card event-card"') == again.count('class="card event-card"') == 1
    assert not _card_queries(queries.captured_queries)


def test_publishing_unpublishing_and_renaming_show_on_the_home_page_at_once(client, home, event, make_news):
    client.get(home.url)
    news = make_news("法规课程上线")
    assert "法规课程上线" in client.get(home.url).content.decode()
    event.unpublish()
    assert "周末书画课" not in client.get(home.url).content.decode()
    news.title = "法规课程正式上线"
    news.save_revision().publish()
    assert "法规课程正式上线" in client.get(home.url).content.decode()
    other = EventPage.objects.get(pk=event.pk)
    other.save_revision().publish()  # live again
    venue = other.venue
    venue.name = "信义坊文化驿站"
    venue.save()
    assert "信义坊文化驿站" in client.get(home.url).content.decode()


def test_an_editors_preview_is_never_served_from_or_stored_in_the_cache(rf, home, event):
    from home.selectors import home_cards_html

    request = rf.get("/")
    assert "周末书画课" in home_cards_html(home, request)
    EventPage.objects.filter(pk=event.pk).update(title="未发布的改名")  # no signal: the cache keeps the old card
    assert "周末书画课" in home_cards_html(home, request)
    request.is_preview = True
    assert "未发布的改名" in home_cards_html(home, request)
    del request.is_preview
    assert "周末书画课" in home_cards_html(home, rf.get("/"))
