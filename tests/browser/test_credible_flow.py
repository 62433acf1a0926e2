"""In a phone-sized browser: the "mark as done" button unlocks only after the lesson's minimum time on screen
(Playwright's clock moves the page's timers; the server's clock is moved in step), and the elder-friendly mode at
360 px: screenshots in both modes, contrast measured from computed colours, and the choice kept across pages
and, for a logged-in trainee, across sessions."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services
from tests.browser.helpers import log_in
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class ServerClock:
    """The server's clock for time on task, moved by the test in step with the browser's."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


def test_mark_as_done_unlocks_after_the_minimum_time_on_screen(page, live_server, screenshot, monkeypatch):
    clock = ServerClock()
    monkeypatch.setattr(services, "clock_now", clock)
    course = make_course(
        make_catalogue(), code="FG-01", title="物业管理条例解读", lessons=1, quiz=False, min_reading_seconds=45
    )
    user = UserFactory()
    services.enrolment_create(user=user, course=course)
    log_in(page.context, live_server, user)
    # The page's clock stands still except when the test moves it: time flowing by itself on a loaded machine fired
    # extra heartbeats between the steps, at server instants the test had not advanced (CI failed on it).
    start = time.time() * 1000
    page.clock.install(time=start)
    page.clock.pause_at(start + 1000)
    lesson_url = course.get_children().first().url
    with page.expect_response(re.compile(r"heartbeat/$")):  # the visit's first beat starts the server's clock
        page.goto(lesson_url)
    button = page.locator("[data-mark-done]")
    # Auto-waiting expectations, not wait_for_function: a string predicate that is not true at once is polled with
    # eval inside the page, which the site's CSP (no 'unsafe-eval') refuses.
    expect(button).to_be_disabled()
    assert page.locator("[data-time-remaining]").inner_text() == "00:45"
    screenshot("credible-01-lesson-locked")

    # Submitting before the time is up (going round the disabled button) is refused by the server too.
    # The reloaded page's first heartbeat is awaited here, so that no later step mistakes its reply for its own.
    with page.expect_response(re.compile(r"heartbeat/$")) as first_beat, page.expect_navigation():
        page.evaluate("document.querySelector('[data-mark-done]').form.submit()")
    assert first_beat.value.status == 409  # at the same server instant as the first page's
    assert page.url.endswith(lesson_url)
    assert "还需" in page.locator(".message--error").inner_text()

    # The reloaded page's first heartbeat came at the same server instant as the last one, so it was refused;
    # from here every 15 s on screen counts. Each reply sets the counting clock to the server's figure (the page's
    # clock may have moved on by a second since the beat was sent).
    for seconds in (30, 15):
        clock.advance(15)
        with page.expect_response(re.compile(r"heartbeat/$")) as reply:
            page.clock.run_for(15_000)
        assert reply.value.json()["remaining"] == seconds
        expect(page.locator("[data-time-remaining]")).to_have_text(re.compile(rf"^00:({seconds}|{seconds - 1})$"))
        assert button.is_disabled()
    clock.advance(15)
    with page.expect_response(re.compile(r"heartbeat/$")):
        page.clock.run_for(15_000)
    expect(button).to_be_enabled()
    screenshot("credible-02-lesson-unlocked")
    button.click()
    page.wait_for_url(re.compile(r"/fg-01/$"))
    expect(page.locator(".message--success")).to_be_visible()


def test_the_time_still_needed_counts_down_every_second_without_more_requests(page, live_server, screenshot):
    course = make_course(
        make_catalogue(), code="FG-01", title="物业管理条例解读", lessons=1, quiz=False, min_reading_seconds=120
    )
    user = UserFactory()
    services.enrolment_create(user=user, course=course)
    log_in(page.context, live_server, user)
    heartbeats = []
    page.on("request", lambda request: heartbeats.append(request.url) if request.url.endswith("/heartbeat/") else None)
    page.goto(course.get_children().first().url)
    shown = page.locator("[data-time-remaining]")
    seen = [shown.inner_text()]
    assert seen[0] in {"02:00", "01:59"}
    # Real time, no fake clock: the figure moves within about two seconds, and keeps moving once a second.
    for _ in range(3):
        expect(shown).not_to_have_text(seen[-1], timeout=2_500)
        seen.append(shown.inner_text())
    assert all(re.fullmatch(r"0[12]:\d\d", text) for text in seen), seen
    seconds = [int(text[:2]) * 60 + int(text[3:]) for text in seen]
    assert seconds == sorted(seconds, reverse=True) and seconds[0] - seconds[-1] <= 6, seen
    screenshot("credible-countdown")
    # Only the display ticks: the page still sent just the one heartbeat of its first 15 s.
    assert len(heartbeats) == 1, heartbeats


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground, background) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS_JS = """
(selector) => {
  const element = document.querySelector(selector);
  if (!element) return null;
  const parse = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  let node = element, background = null;
  while (node) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.99)) { background = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {colour: parse(style.color).slice(0, 3), background: background || [255, 255, 255],
          fontSize: parseFloat(style.fontSize), height: box.height};
}
"""

KEY_ELEMENTS = [
    "body",
    "main p",
    ".muted",
    ".course-card__title a",
    ".facts",
    ".badge",
    ".facet--current",
    ".button",
    ".elder-switch__button",
    ".site-footer",
]


def test_elder_mode_at_360px_is_larger_high_contrast_and_remembered(browser, live_server):
    index = make_catalogue()
    fg = CompetencyFactory(code="FG")
    course = make_course(index, code="FG-01", title="物业管理条例解读", competency=fg)
    make_course(index, code="FG-02", title="业主大会议事规则", competency=fg)
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="zh-CN", base_url=live_server.url, is_mobile=True
    )
    page = context.new_page()
    page.goto(index.url)
    page.screenshot(path=str(_artifact("credible-03-standard-360")), full_page=True)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16

    page.click("[data-testid=elder-switch] button")
    page.wait_for_url(re.compile(r"/courses/"))
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    page.screenshot(path=str(_artifact("credible-04-elder-360")), full_page=True)
    for selector in KEY_ELEMENTS:
        found = page.evaluate(COLOURS_JS, selector)
        assert found is not None, selector
        ratio = contrast(found["colour"], found["background"])
        assert ratio >= 4.5, (selector, found, ratio)
        assert found["fontSize"] >= 18, (selector, found)
    for selector in (".button", ".elder-switch__button"):
        assert page.evaluate(COLOURS_JS, selector)["height"] >= 48, selector
    # One column: course cards sit under each other, not side by side.
    boxes = page.locator(".course-card").evaluate_all("cards => cards.map(c => c.getBoundingClientRect().left)")
    assert len(set(boxes)) == 1

    page.goto(course.url)  # another page on the same device keeps the mode
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    page.screenshot(path=str(_artifact("credible-05-elder-course-360")), full_page=True)
    context.close()

    # Logged in: the choice is kept on the account, so a fresh session on another device shows it too.
    user = UserFactory()
    first = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", base_url=live_server.url)
    log_in(first, live_server, user)
    tab = first.new_page()
    tab.goto("/")
    tab.click("[data-testid=elder-switch] button")
    tab.wait_for_load_state()
    first.close()
    second = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", base_url=live_server.url)
    log_in(second, live_server, user)
    tab = second.new_page()
    tab.goto("/credits/")
    assert tab.evaluate("document.documentElement.classList.contains('elder')")
    tab.screenshot(path=str(_artifact("credible-06-elder-credits-360")), full_page=True)
    second.close()


def _artifact(name):
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
