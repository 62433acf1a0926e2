"""WCAG 2.2 AA on the pages people use most, checked by axe-core (bundled by axe-playwright-python) in the browser:
the key public and trainee pages at phone (390×844) and desktop (1280×800) size, in the standard and the
elder-friendly mode (长辈模式), with no serious or critical violation. Also the checks axe cannot make by itself:
SMS code boxes tell the phone they take a one-time code, and keyboard focus is always visible."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.helpers import PHONE_WIDTH_BELOW, log_in
from tests.browser.world import key_pages_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
MODES = ("standard", "elder")
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, one h1, headings in order).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line per element."""
    results = Axe().run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}")
    return found


def open_context(browser, live_server, size, *, elder: bool):
    context = browser.new_context(
        viewport=size, locale="zh-CN", base_url=live_server.url, is_mobile=size["width"] < PHONE_WIDTH_BELOW
    )
    if elder:
        context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    return context


def test_key_pages_have_no_serious_or_critical_axe_violation(browser, live_server, staff_groups):
    """Every key page, at both sizes, in both modes: building the world takes most of the time, so it is built once
    and every finding of every combination is reported together."""
    world = key_pages_world()
    trainee = world["trainee"]
    problems = []
    for mode in MODES:
        elder = mode == "elder"
        trainee.elder_mode = elder
        trainee.save(update_fields=["elder_mode"])
        for size in SIZES:
            for who, paths in (("anonymous", world["public_paths"]), ("trainee", world["trainee_paths"])):
                context = open_context(browser, live_server, SIZES[size], elder=elder)
                if who == "trainee":
                    log_in(context, live_server, trainee)
                page = context.new_page()
                page.set_default_timeout(15_000)
                for name, path in paths.items():
                    response = page.goto(path)
                    assert response.status < 400, f"{name} {path}: HTTP {response.status}"
                    assert (page.locator("html.elder").count() == 1) is elder, f"{name}: the mode is not {mode}"
                    problems += [f"{name} {path} [{size}, {mode}] {line}" for line in serious_violations(page)]
                context.close()
    assert not problems, "\n".join(problems)


def test_sms_code_boxes_ask_for_a_one_time_code(page, live_server):
    """The code box after sign-up (and on log-in by code) lets the phone offer the code it just received."""
    from academy.sms import ConsoleSMSSender

    ConsoleSMSSender.outbox.clear()
    page.goto("/accounts/signup/")
    page.get_by_label("手机号", exact=True).fill("139 8765 4321")
    page.get_by_label("真实姓名").fill("钱晓燕")
    page.get_by_label("密码", exact=True).fill("Qian-Xiaoyan-2026")
    page.get_by_label("密码（重复）").fill("Qian-Xiaoyan-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/phone/verify/")
    code = page.locator("input[name=code]")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"


def test_keyboard_focus_is_always_visible(page, live_server):
    """Tabbing through the home page: every focused element draws an outline (or its own ring) that can be seen."""
    key_pages_world()
    page.goto("/")
    unseen = []
    for _step in range(25):
        page.keyboard.press("Tab")
        described = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const s = getComputedStyle(el);
              const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
              const shadow = s.boxShadow && s.boxShadow !== 'none';
              return {name: el.tagName + ' ' + (el.textContent || el.value || '').trim().slice(0, 20), seen: ring || shadow};
            }"""
        )
        if described and not described["seen"]:
            unseen.append(described["name"])
    assert not unseen, f"focus not visible on: {unseen}"
