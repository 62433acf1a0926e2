"""Playwright driving Debian's Chromium (its own browser download cannot work here), phone-sized, headless."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django's ORM calls in tests are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


def chromium_executable() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is not installed: run `make test` as root or `apt-get install -y chromium`.")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy blocked during the test, as Chromium reported it on the console."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    """A fresh phone-sized browser context per test, in Chinese, pointed at the live server. The test fails if
    the Content-Security-Policy blocked anything on any page it opened (Chromium reports each block on the
    console as an error naming the "Content Security Policy")."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    yield page
    context.close()
    if csp_violations:
        pytest.fail("The Content-Security-Policy blocked something:\n" + "\n".join(csp_violations))


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under tests/browser/artifacts/ (ignored by git) to look at afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def site_home(transactional_db):
    """Every browser test starts from the academy's home page as the site root, not Wagtail's welcome page."""
    from home.demo import seed_home, seed_images

    seed_home(seed_images())


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live server shares this process's cache: a figure one test cached (the admin home's qualification chart,
    rate-limit counters) must not leak into the next test on the same worker."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
