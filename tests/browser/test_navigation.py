"""Every kind of page shows the site's navigation at 360, 768 and 1280 px: behind the ☰ button on a phone, in the
header itself from 768 px, in the standard and the elder-friendly mode, for a visitor and for a trainee."""

import pytest
from playwright.sync_api import expect

from courses import services
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import assert_navigation_visible, log_in, open_menu
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 768, 1280)
TRAINEE_LINKS = ("首页", "课程", "我的学习", "我的学分", "我的资料")


@pytest.fixture
def course():
    return make_course(
        make_catalogue(), code="FG-01", title="物业管理条例解读", competency=CompetencyFactory(code="FG")
    )


def _pages_at(browser, live_server, width, *, user=None, elder=False):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="zh-CN", base_url=live_server.url, is_mobile=width < 768
    )
    if user is not None:
        log_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if elder:
        page.goto("/")
        page.click("[data-testid=elder-switch] button")
        expect(page.locator("html.elder")).to_have_count(1)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_sees_the_navigation_on_every_kind_of_page(browser, live_server, course, width):
    context, page = _pages_at(browser, live_server, width)
    pages = [
        "/",  # the home page (Wagtail)
        course.get_parent().url,  # the catalogue (a routable Wagtail page)
        course.url,
        course.get_children().first().url,  # a free-preview lesson
        "/accounts/login/",  # allauth
        "/accounts/signup/",
        "/search/?q=物业",
        "/verify/0000-0000-0000-0000/",  # an error page (404) rendered with base.html
    ]
    for path in pages:
        response = page.goto(path)
        assert response.status < 500, path
        assert_navigation_visible(page, expected=("首页", "课程", "登录", "注册"))
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_trainee_sees_the_navigation_on_their_own_pages(browser, live_server, course, width):
    user = UserFactory(real_name="张晓明")
    services.enrolment_create(user=user, course=course)
    context, page = _pages_at(browser, live_server, width, user=user)
    for path in ("/learning/", "/learning/sessions/", "/credits/", "/accounts/profile/", course.get_children()[1].url):
        response = page.goto(path)
        assert response.status < 500, path
        assert_navigation_visible(page, expected=TRAINEE_LINKS)
    open_menu(page)  # on a phone, to see the opened menu in the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"navigation-trainee-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_elder_friendly_mode_keeps_the_navigation(browser, live_server, course, width):
    context, page = _pages_at(browser, live_server, width, user=UserFactory(), elder=True)
    for path in ("/", course.url, "/credits/"):
        page.goto(path)
        expect(page.locator("html.elder")).to_have_count(1)
        assert_navigation_visible(page, expected=TRAINEE_LINKS)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} scrolls sideways at {width}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"navigation-elder-{width}.png"))
    context.close()
