"""A small page tree for the content-site tests: home (site root) with about, news and events."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from academy.models import District, Venue
from home.choices import EventCategory
from home.models import EventIndexPage, EventPage, HomePage, NewsIndexPage, NewsPage, StandardPage


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="三方学院", slug="home-test", hero_heading="拱墅区三方学院"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "port": 80, "root_page": home}
    )
    return home


@pytest.fixture
def venue(db):
    district, _ = District.objects.get_or_create(name="拱墅区")
    return Venue.objects.create(name="丰享家文化驿站", district=district, address="信义坊社区文化家园一楼")


@pytest.fixture
def news_index(home):
    return home.add_child(instance=NewsIndexPage(title="学院动态", slug="news"))


@pytest.fixture
def event_index(home):
    return home.add_child(instance=EventIndexPage(title="活动", slug="events"))


@pytest.fixture
def make_event(event_index, venue):
    def make(title="周末书画课", days=3, hours=2, capacity=10, category=EventCategory.CULTURAL_STATION, **fields):
        start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
        return event_index.add_child(
            instance=EventPage(
                title=title,
                category=category,
                start=start,
                end=start + dt.timedelta(hours=hours),
                venue=venue,
                organiser="丰享家文化驿站",
                capacity=capacity,
                **fields,
            )
        )

    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def make_news(news_index):
    def make(title="学院新闻", days_ago=0, **fields):
        return news_index.add_child(
            instance=NewsPage(title=title, date=timezone.localdate() - dt.timedelta(days=days_ago), **fields)
        )

    return make


@pytest.fixture
def make_standard(home):
    def make(title, **fields):
        return home.add_child(instance=StandardPage(title=title, **fields))

    return make
