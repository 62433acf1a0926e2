"""The content site on a phone: the home page, signing up for an event, and a Chinese search."""

import pytest
from playwright.sync_api import expect

from home import demo
from home.models import EventPage, EventSignup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def content_site(staff_groups):
    demo.seed()
    return EventPage.objects.live().filter(title="AB剧场：三方角色扮演辩论").get()


def test_home_event_sign_up_and_search_on_a_phone(page, screenshot, content_site):
    page.goto("/")
    assert page.locator("h1").first.inner_text() == "拱墅区三方学院"
    expect(page.locator(".figure-stat").first).to_be_visible()
    expect(page.locator(".event-card")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("content-home")

    page.locator(".event-card a", has_text="AB剧场").click()
    page.wait_for_url(f"**{content_site.url}")
    screenshot("content-event")
    page.fill("input[name=name]", "王阿姨")
    page.fill("input[name=phone]", "12345")
    page.click("button:has-text('报名'), form.form button[type=submit]")
    expect(page.locator(".field__error")).to_have_count(1)
    assert not EventSignup.objects.exists()
    screenshot("content-event-bad-phone")
    page.fill("input[name=phone]", "138 0013 8000")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/signed-up/**")
    assert "王阿姨" in page.inner_text("main")
    assert EventSignup.objects.get().phone == "+8613800138000"
    screenshot("content-event-signed-up")

    page.goto("/search/")
    page.fill("#search-q", "侨胞")
    page.wait_for_selector(".search-suggestions li")
    screenshot("content-search-autocomplete")
    page.fill("#search-q", "调处")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    expect(page.locator(".search-results li").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("content-search")
