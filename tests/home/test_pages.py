"""Page-tree rules and renderability of every content page type."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import EventIndexPage, EventPage, HomePage, NewsIndexPage, NewsPage, StandardPage

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    def test_home_page_only_at_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_home_page_children(self):
        from courses.models import CourseIndexPage
        from credits.models import ProgrammeIndexPage

        self.assertAllowedSubpageTypes(
            HomePage, {StandardPage, NewsIndexPage, EventIndexPage, CourseIndexPage, ProgrammeIndexPage}
        )

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_news_pages_live_only_under_the_news_index(self):
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(EventIndexPage, NewsPage)
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_event_pages_live_only_under_the_event_index(self):
        self.assertCanCreateAt(EventIndexPage, EventPage)
        self.assertCanNotCreateAt(HomePage, EventPage)
        self.assertCanNotCreateAt(NewsIndexPage, EventPage)
        self.assertAllowedSubpageTypes(EventPage, set())

    def test_every_page_type_is_renderable_and_previewable(self):
        import datetime as dt

        from django.utils import timezone
        from wagtail.models import Site

        from academy.models import District, Venue
        from home.choices import EventCategory

        home = Page.get_first_root_node().add_child(instance=HomePage(title="三方学院", slug="home-render"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
        about = home.add_child(instance=StandardPage(title="关于三方学院", slug="about"))
        news_index = home.add_child(instance=NewsIndexPage(title="学院动态", slug="news"))
        news = news_index.add_child(instance=NewsPage(title="开班", slug="news-1"))
        event_index = home.add_child(instance=EventIndexPage(title="活动", slug="events"))
        venue = Venue.objects.create(name="和畔里", district=District.objects.create(name="拱墅区"), address="小河街道")
        start = timezone.now() + dt.timedelta(days=2)
        event = event_index.add_child(
            instance=EventPage(
                title="AB剧场",
                slug="ab",
                category=EventCategory.ACADEMY,
                start=start,
                end=start + dt.timedelta(hours=2),
                venue=venue,
                organiser="三方学院",
            )
        )
        for page in (home, about, news_index, news, event_index, event):
            self.assertPageIsRenderable(page)
            # A preview renders the same template as the live page (Wagtail's default preview mode).
            preview = page.make_preview_request(preview_mode=page.default_preview_mode)
            self.assertEqual(preview.status_code, 200)
            self.assertIn(page.title, preview.rendered_content)

    def test_indexes_only_under_home(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(EventIndexPage, {HomePage})


def test_every_page_type_renders(home, make_standard, news_index, make_news, event_index, event, client):
    about = make_standard("关于三方学院")
    news = make_news("开班")
    for page in (home, about, news_index, news, event_index, event):
        response = client.get(page.url)
        assert response.status_code == 200, page
        assert page.title in response.content.decode()


def test_home_page_shows_upcoming_events_and_breadcrumbs_on_children(home, event, make_standard, client):
    about = make_standard("关于三方学院")
    body = client.get(home.url).content.decode()
    assert event.title in body
    about_body = client.get(about.url).content.decode()
    assert 'class="breadcrumbs"' in about_body and 'aria-current="page">关于三方学院' in about_body


def test_news_index_is_paginated_and_filters_by_tag(news_index, make_news, client):
    for number in range(12):
        page = make_news(f"新闻{number:02d}", days_ago=number)
        if number == 3:
            page.tags.add("矛盾调处")
            page.save()
    first = client.get(news_index.url).content.decode()
    assert "新闻00" in first and "新闻11" not in first
    second = client.get(news_index.url + "?page=2").content.decode()
    assert "新闻11" in second and "新闻00" not in second
    tagged = client.get(news_index.url + "?tag=矛盾调处").content.decode()
    assert "新闻03" in tagged and "新闻04" not in tagged


def test_event_index_separates_upcoming_and_past_and_filters_by_category(event_index, make_event, client):
    from home.choices import EventCategory

    make_event("未来书画课", days=5)
    make_event("侨胞家书朗读会", days=6, category=EventCategory.OVERSEAS_CHINESE_HOME)
    make_event("去年的联谊会", days=-30)
    upcoming = client.get(event_index.url).content.decode()
    assert "未来书画课" in upcoming and "去年的联谊会" not in upcoming
    past = client.get(event_index.url + "?when=past").content.decode()
    assert "去年的联谊会" in past and "未来书画课" not in past
    only_home = client.get(event_index.url + "?category=overseas_chinese_home").content.decode()
    assert "侨胞家书朗读会" in only_home and "未来书画课" not in only_home


def test_event_index_filters_by_month_and_ignores_a_bad_month(event_index, make_event, client):
    event = make_event("月份测试", days=40)
    month = event.start.astimezone().strftime("%Y-%m")
    assert "月份测试" in client.get(event_index.url + f"?month={month}").content.decode()
    assert "月份测试" not in client.get(event_index.url + "?month=1999-01").content.decode()
    assert client.get(event_index.url + "?month=garbage&page=xyz").status_code == 200


def test_image_without_alt_text_is_refused(news_index):
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="封面", file=get_test_image_file())
    page = NewsPage(title="无替代文本", slug="no-alt", cover_image=image, cover_image_alt="  ")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "cover_image_alt" in error.value.message_dict


def test_event_must_end_after_it_starts(make_event):
    from django.core.exceptions import ValidationError

    event = make_event()
    event.end = event.start
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict


def test_open_graph_tags_on_a_news_page(make_news, client):
    page = make_news("开班仪式", search_description="春季班开班")
    body = client.get(page.url).content.decode()
    assert '<meta property="og:title" content="开班仪式">' in body
    assert '<meta property="og:type" content="article">' in body
    assert '<meta property="og:description" content="春季班开班">' in body
