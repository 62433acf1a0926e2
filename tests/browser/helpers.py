"""What several browser tests do the same way: log a user in, read the SMS code the console sender kept, and check
that a page shows its navigation (at phone width behind the ☰ disclosure, from 768 px in the header itself)."""

import re

from django.test import Client
from playwright.sync_api import Page, expect

PHONE_WIDTH_BELOW = 768  # site.css: from this width the header shows the menu's links without the ☰ button


def log_in(context, live_server, user) -> None:
    """Give a browser context a real Django session for ``user`` (logging in through allauth is the sign-up
    test's own subject)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def last_code_sent_to(phone: str) -> str:
    """The six-digit code in the last SMS the console sender kept for ``phone`` (E.164)."""
    from academy.sms import ConsoleSMSSender

    message = next(m for m in reversed(ConsoleSMSSender.outbox) if m.phone == phone)
    return re.search(r"验证码是\s*(\d{6})", message.text).group(1)


def open_menu(page: Page) -> None:
    """Show the site's menu: at phone width open the ☰ disclosure (a no-op on wider screens, where it is shown)."""
    toggle = page.locator(".nav-menu summary")
    if toggle.is_visible() and page.locator(".nav-menu[open]").count() == 0:
        toggle.click()


def close_menu(page: Page) -> None:
    if page.locator(".nav-menu[open]").count():
        page.locator(".nav-menu summary").click()


def main_navigation_links(page: Page):
    return page.locator("header nav[aria-label] .nav-list a")


def assert_navigation_visible(page: Page, *, expected: tuple[str, ...] = ("首页", "课程")) -> None:
    """The page shows its main navigation: on a wide screen the links are on screen as it loads; on a phone the ☰
    button is, and opening it shows them (it is closed again afterwards, leaving the page as it was)."""
    width = page.viewport_size["width"]
    links = main_navigation_links(page)
    where = f"{page.url} at {width} px"
    if width >= PHONE_WIDTH_BELOW:
        expect(page.locator(".nav-menu summary"), where).to_be_hidden()
    else:
        expect(page.locator(".nav-menu summary"), where).to_be_visible()
        expect(links.first, f"{where}: the menu's links show only once ☰ is opened").to_be_hidden()
        page.locator(".nav-menu summary").click()
    for name in expected:
        link = links.filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))
        expect(link.first, f"{where}: navigation link {name!r}").to_be_visible()
        box = link.first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{where}: {name!r} is off screen {box}"
    if width < PHONE_WIDTH_BELOW:
        page.locator(".nav-menu summary").click()
        expect(links.first, f"{where}: ☰ closes the menu again").to_be_hidden()
