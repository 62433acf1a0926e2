"""The elder-friendly mode (长辈模式) measured in the browser against 工信部《互联网网站适老化通用设计规范》: every text
larger than in the standard mode, main text at least 18 px with line spacing of at least 1.3, tap targets of at
least 60×60 px, no secondary panels and no pop-ups; lessons read aloud where the browser can speak. And two phone
layouts that were broken in both modes: a long quiz question over its card's top border, and a certificate number
whose last character wrapped onto a line of its own."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE_WIDTH_BELOW, log_in
from tests.browser.world import LESSON_PARAGRAPHS, key_pages_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
MIN_TEXT_PX = 18
MIN_LINE_HEIGHT = 1.3
MIN_TARGET_PX = 60

# Every visible element in <main> that holds text of its own: its size and line spacing.
TEXT_SIZES = """() => {
  const found = [];
  for (const el of document.querySelectorAll('main *')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (!own || !el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || el.closest('.visually-hidden, [hidden]')) continue;
    const size = parseFloat(s.fontSize);
    const line = s.lineHeight === 'normal' ? size * 1.2 : parseFloat(s.lineHeight);
    found.push({what: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).replace(/ /g, '.') : '')
                + ' "' + own.slice(0, 16) + '"', size, ratio: line / size});
  }
  return found;
}"""

# Every visible link, button, field and disclosure in <main> (and the mode switch), apart from links inside running
# text (WCAG 2.5.8's inline exception): its rendered size. A link that is a word in a sentence is measured for its
# height only.
TARGETS = """() => {
  const prose = '.rich-text, .lesson-body, .callout, .case-study, .quote';
  const found = [];
  const all = document.querySelectorAll(
    'main a, main button, main summary, main select, main textarea, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), .elder-switch button');
  for (const el of all) {
    if (!el.getClientRects().length || el.closest('.visually-hidden')) continue;
    if (el.tagName === 'A' && el.closest(prose)) continue;
    const box = el.getBoundingClientRect();
    const label = (el.textContent || el.name || '').trim();
    // A link that is a word in a sentence (a <p> with more text than the link) must be tall enough, not wide enough.
    const inSentence = el.tagName === 'A' && el.parentElement.tagName === 'P' && el.parentElement.textContent.trim().length > label.length;
    found.push({what: el.tagName.toLowerCase() + ' "' + label.slice(0, 16) + '"',
                width: inSentence ? Infinity : box.width, height: box.height});
  }
  return found;
}"""

# Sizes of the texts that must grow in the elder-friendly mode, by selector (the first match of each).
GROWING = (
    ".hero h1", ".hero__text", ".course__summary", ".course__time", ".course-card__title", ".course-card__summary",
    ".facts", ".lesson-list__meta", ".breadcrumb", ".question legend", ".badge", "main p",
)  # fmt: skip
FONT_SIZES = """(selectors) => Object.fromEntries(selectors.map(sel => {
  const el = document.querySelector(sel);
  return [sel, el && el.getClientRects().length ? parseFloat(getComputedStyle(el).fontSize) : null];
}))"""


def browse(browser, live_server, size, *, elder: bool, user=None):
    context = browser.new_context(
        viewport=size, locale="zh-CN", base_url=live_server.url, is_mobile=size["width"] < PHONE_WIDTH_BELOW
    )
    context.add_cookies([{"name": "elder_mode", "value": "1" if elder else "0", "url": live_server.url}])
    if user is not None:
        user.elder_mode = elder
        user.save(update_fields=["elder_mode"])
        log_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def all_paths(world) -> list[tuple[str, str, bool]]:
    return [(name, path, False) for name, path in world["public_paths"].items()] + [
        (name, path, True) for name, path in world["trainee_paths"].items()
    ]


@pytest.fixture
def world(staff_groups):
    return key_pages_world()


def test_elder_mode_sizes_spacing_and_targets_on_every_key_page(browser, live_server, world):
    """At phone and desktop size, on every key page: each text in <main> at least 18 px with line spacing of at
    least 1.3, and each link, button and field at least 60×60 px."""
    problems = []
    for size_name, size in SIZES.items():
        contexts = {}
        for name, path, logged_in in all_paths(world):
            if logged_in not in contexts:
                contexts[logged_in] = browse(
                    browser, live_server, size, elder=True, user=world["trainee"] if logged_in else None
                )
            page = contexts[logged_in][1]
            page.goto(path)
            where = f"{name} {path} [{size_name}]"
            for text in page.evaluate(TEXT_SIZES):
                if text["size"] < MIN_TEXT_PX - 0.01:
                    problems.append(f"{where}: {text['what']} is {text['size']:.1f} px")
                if text["ratio"] < MIN_LINE_HEIGHT - 0.01:
                    problems.append(f"{where}: {text['what']} has line spacing {text['ratio']:.2f}")
            for target in page.evaluate(TARGETS):
                if min(target["width"], target["height"]) < MIN_TARGET_PX - 0.5:
                    problems.append(f"{where}: {target['what']} is {target['width']:.0f}×{target['height']:.0f} px")
        for context, _page in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)


def test_every_text_grows_and_secondary_panels_and_pop_ups_go(browser, live_server, world):
    """The same pages in both modes: each measured text is larger in the elder-friendly mode (the home page's title
    used to shrink, rem-sized summaries and notes stayed as they were); the secondary panels (here the home page's
    figures and the course's ratings) are left out, and the search box opens no suggestion list."""
    pages = {"home": "/", "catalogue": world["public_paths"]["catalogue"], "course": world["trainee_paths"]["course"],
             "lesson": world["trainee_paths"]["lesson"], "quiz": world["trainee_paths"]["quiz"]}  # fmt: skip
    sizes, secondary, suggestions = {}, {}, {}
    for elder in (False, True):
        context, page = browse(browser, live_server, SIZES["phone"], elder=elder, user=world["trainee"])
        for name, path in pages.items():
            page.goto(path)
            sizes[name, elder] = page.evaluate(FONT_SIZES, list(GROWING))
            secondary[name, elder] = page.locator(".secondary-panel").evaluate_all(
                "els => els.map(el => el.getClientRects().length > 0)"
            )
        page.goto("/")
        suggestions[elder] = page.locator(".search-suggestions").count()
        context.close()

    shrunk = [
        f"{name} {selector}: {standard} px → {sizes[name, True][selector]} px"
        for name in pages
        for selector, standard in sizes[name, False].items()
        if standard and sizes[name, True][selector] is not None and sizes[name, True][selector] <= standard
    ]
    assert not shrunk, "texts that did not grow:\n" + "\n".join(shrunk)
    assert sizes["home", True][".hero h1"] > sizes["home", False][".hero h1"]
    assert sizes["course", False][".course__summary"] and sizes["course", False][".course__time"]

    assert secondary["home", False] == [True] and secondary["course", False] == [True]  # figures; ratings
    assert secondary["home", True] == [False] and secondary["course", True] == [False]
    assert suggestions == {False: 1, True: 0}


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_long_quiz_questions_stay_inside_their_cards_on_a_phone(browser, live_server, world, elder):
    context, page = browse(browser, live_server, SIZES["phone"], elder=elder, user=world["trainee"])
    page.goto(world["trainee_paths"]["quiz"])
    cards = page.locator("fieldset.question")
    assert cards.count() == 3
    for index in range(cards.count()):
        measured = cards.nth(index).evaluate(
            """card => {
              const legend = card.querySelector('legend').getBoundingClientRect();
              const box = card.getBoundingClientRect();
              const first = card.querySelector('.option').getBoundingClientRect();
              return {legendTop: legend.top, legendBottom: legend.bottom, legendHeight: legend.height,
                      inner: box.top + parseFloat(getComputedStyle(card).borderTopWidth), firstOption: first.top};
            }"""
        )
        assert measured["legendHeight"] > 40, "the question is long enough to take several lines"
        assert measured["legendTop"] >= measured["inner"], f"question {index + 1} runs over the card's top border"
        assert measured["firstOption"] >= measured["legendBottom"], f"question {index + 1} overlaps its first option"
    context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_certificate_number_keeps_to_one_line_on_a_phone(browser, live_server, world, elder):
    context, page = browse(browser, live_server, SIZES["phone"], elder=elder)
    page.goto(world["public_paths"]["verify"])
    for testid in ("verify-number", "verify-code"):
        lines = page.get_by_test_id(testid).evaluate(
            """el => {
              const range = document.createRange();
              range.selectNodeContents(el);
              return new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top))).size;
            }"""
        )
        assert lines == 1, f"{testid} is on {lines} lines"
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["width"]
    context.close()


FAKE_SPEECH = """
window.__spoken = [];
window.__calls = [];
const fake = {
  paused: false, speaking: false,
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}); this.speaking = true; },
  cancel() { window.__calls.push('cancel'); this.speaking = false; this.paused = false; },
  pause() { window.__calls.push('pause'); this.paused = true; },
  resume() { window.__calls.push('resume'); this.paused = false; },
  getVoices() { return [{lang: 'en-US', name: 'English'}, {lang: 'zh-CN', name: '中文'}]; },
};
Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
// Real utterances accept only the browser's own SpeechSynthesisVoice objects, so the fake voices need fake utterances.
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.lang = ''; this.voice = null; } };
"""
NO_SPEECH = "Object.defineProperty(window, 'speechSynthesis', {value: undefined, configurable: true});"


def test_a_lesson_is_read_aloud_in_chinese_with_pause_and_stop(browser, live_server, world):
    context, page = browse(browser, live_server, SIZES["phone"], elder=True, user=world["trainee"])
    context.add_init_script(FAKE_SPEECH)
    page.goto(world["trainee_paths"]["lesson"])
    read = page.get_by_role("button", name="朗读本课")
    expect(read).to_be_visible()
    assert read.bounding_box()["height"] >= MIN_TARGET_PX
    expect(page.get_by_role("button", name="暂停")).to_be_hidden()
    read.click()
    spoken = page.evaluate("window.__spoken")
    assert [item["text"] for item in spoken][1:] == list(LESSON_PARAGRAPHS), "the title, then each sentence in order"
    assert {item["lang"] for item in spoken} == {"zh-CN"} and {item["voice"] for item in spoken} == {"zh-CN"}

    page.get_by_role("button", name="暂停").click()
    page.get_by_role("button", name="继续朗读").click()
    page.get_by_role("button", name="停止朗读").click()
    assert page.evaluate("window.__calls")[-3:] == ["pause", "resume", "cancel"]
    expect(page.get_by_role("button", name="停止朗读")).to_be_hidden()
    context.close()


def test_the_read_aloud_button_is_hidden_where_the_browser_cannot_speak(browser, live_server, world):
    context, page = browse(browser, live_server, SIZES["phone"], elder=True, user=world["trainee"])
    context.add_init_script(NO_SPEECH)
    page.goto(world["trainee_paths"]["lesson"])
    expect(page.locator(".lesson-body")).to_be_visible()
    expect(page.get_by_role("button", name="朗读本课")).to_be_hidden()
    context.close()
