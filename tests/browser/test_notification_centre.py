"""The notification centre in Chromium, at 390 and 1280 px, in Chinese and in English: the inbox's cards (no list
bullets), the settings page (essential notices ticked and locked, labels with the language's own colon), and a
registrar's notice to a cohort (write, preview with the number of recipients, send)."""

import pytest
from playwright.sync_api import expect

from credits.models import Cohort
from notifications.choices import Event
from notifications.models import Notification
from notifications.services import notify, preferences_update
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in
from tests.credits.factories import make_programme
from tests.factories import UserFactory, make_registrar, with_admin_access

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}


def _context(browser, live_server, user, *, width, language):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale=LANGUAGES[language],
        base_url=live_server.url,
        is_mobile=width < 768,
    )
    log_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [390, 1280])
def test_trainee_reads_the_inbox_and_the_settings_as_they_are(browser, live_server, width, language):
    trainee = UserFactory(real_name="张三")
    for title in ("停课通知", "结业考试安排"):
        notify(event=Event.STAFF_NOTICE, recipients=[trainee], context={"title": title, "text": "请留意学院安排。"})
    preferences_update(user=trainee, essential_only=True, switched_off=set())  # "unsubscribe from all"
    context, page = _context(browser, live_server, trainee, width=width, language=language)

    page.goto("/messages/")
    cards = page.locator(".inbox-item")
    expect(cards).to_have_count(2)
    assert cards.first.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    _shot(page, f"notifications-inbox-{language}-{width}")

    page.goto("/messages/settings/")
    cancelled = page.locator(f"#id_{Event.SESSION_CANCELLED}__sms")
    expect(cancelled).to_be_checked()
    expect(cancelled).to_be_disabled()
    expect(page.locator("#essential-notices-hint")).to_be_visible()
    expect(page.locator(f"#id_{Event.APPOINTMENT_MADE}__sms")).to_be_enabled()
    text = page.locator("main").inner_text()
    if language == "en":
        assert "：" not in text and "Site inbox: every notice" in text
    else:
        assert "站内消息：" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off the side
    _shot(page, f"notifications-settings-{language}-{width}")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [390, 1280])
def test_registrar_previews_and_sends_a_notice_to_a_cohort(browser, live_server, width, language, settings):
    from academy.demo import seed_groups

    settings.NOTIFICATIONS_QUIET_HOURS = ""
    seed_groups()
    cohort = Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=make_programme(total="2.0"))
    members = [UserFactory(real_name=name) for name in ("张三", "李四", "王五")]
    cohort.roster.set(members)
    context, page = _context(
        browser, live_server, with_admin_access(make_registrar(real_name="王教务")), width=width, language=language
    )

    page.goto(f"/admin/credits/cohorts/notice/{cohort.pk}/")
    header = page.locator("header.w-slim-header")
    expect(header).to_contain_text(cohort.name)
    expect(page.get_by_test_id("recipient-count")).to_contain_text("3")
    page.fill("#id_title", "结业考试安排")
    page.fill("#id_text", "本期结业考试定于12月20日上午9点，请带好身份证。")
    _shot(page, f"notifications-cohort-form-{language}-{width}")
    page.locator("button[name=step][value=preview]").click()
    expect(page.get_by_test_id("notice-preview")).to_contain_text("请带好身份证")
    _shot(page, f"notifications-cohort-preview-{language}-{width}")
    page.locator("button[name=step][value=send]").click()
    expect(page.locator(".messages")).to_contain_text("3")
    told = Notification.objects.filter(event=Event.STAFF_NOTICE)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)
    context.close()
