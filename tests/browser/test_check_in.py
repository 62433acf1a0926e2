"""Checking in at a training session: the registrar's projector shows a code; a trainee's phone opens the
check-in URL and is marked present; 我的学分 shows the credits and offline hours that earned."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import SessionAttendance
from credits.models import CreditEntry, OfflineHoursEntry
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in
from tests.courses.factories import CompetencyFactory, make_course, make_session
from tests.credits.factories import make_programme
from tests.factories import UserFactory, make_registrar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_checks_in_by_scanning_the_projector_and_sees_the_credits(browser, page, live_server, screenshot):
    from django.contrib.auth.models import Permission

    md = CompetencyFactory(code="MD")
    course = make_course(
        code="MD-07",
        title="矛盾调处情景模拟",
        competency=md,
        lessons=0,
        quiz=False,
        delivery_mode="offline",
        credits="1.5",
    )
    make_programme(total="3.0", minimums={md: "1.0"}, offline_hours="4.0")
    session = make_session(course, starts_in=timedelta(minutes=-5), hours=3, title="矛盾调处情景模拟（第2期）")
    registrar = make_registrar(real_name="教务员")
    registrar.user_permissions.add(Permission.objects.get(codename="access_admin"))
    trainee = UserFactory(real_name="张晓明")
    services.session_registration_add(actor=registrar, user=trainee, session=session)

    # The registrar's projector, on a wide screen.
    projector_context = browser.new_context(
        viewport={"width": 1280, "height": 720}, base_url=live_server.url, locale="zh-CN"
    )
    projector = projector_context.new_page()
    log_in(projector_context, live_server, registrar)
    projector.goto(f"/admin/courses/sessions/projector/{session.pk}/")
    code = projector.locator('[data-testid="projector-code"]').inner_text()
    assert re.fullmatch(r"\d{6}", code)
    expect(projector.locator("svg.qr")).to_have_count(1)
    expect(projector.get_by_text("请用手机扫码签到")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    projector.screenshot(path=str(ARTIFACTS / "check-in-01-projector.png"))
    check_in_url = projector.evaluate(
        "fetch(document.querySelector('[data-projector]').dataset.codeUrl).then(r => r.json()).then(d => d.check_in_url)"
    )
    assert f"/learning/sessions/{session.pk}/check-in/?t={session.pk}-" in check_in_url

    # The trainee's phone: first a forged link is refused, then the projector's link checks them in.
    log_in(page.context, live_server, trainee)
    page.goto(re.sub(r"-[0-9a-f]{20}$", "-" + "0" * 20, check_in_url))
    assert "签到码无效" in page.locator('[data-testid="check-in-error"]').inner_text()
    assert not SessionAttendance.objects.exists()
    screenshot("check-in-02-forged")
    page.goto(check_in_url)
    result = page.locator('[data-testid="checked-in"]')
    assert "签到成功" in result.inner_text()
    assert "出席" in result.inner_text()
    screenshot("check-in-03-phone-checked-in")

    assert SessionAttendance.objects.get().user == trainee
    assert CreditEntry.objects.get(trainee=trainee).amount == 1.5
    assert OfflineHoursEntry.objects.get(trainee=trainee).hours == 3

    page.click(".check-in-result >> text=我的学分")
    page.wait_for_url(re.compile(r"/credits/$"))
    assert page.locator('[data-testid="total-credits"]').inner_text() == "1.5"
    assert page.locator('[data-testid="offline-hours"]').inner_text() == "3.0"
    expect(page.locator(".ledger__row").first.get_by_text("矛盾调处情景模拟")).to_be_visible()
    expect(page.get_by_test_id("shortfalls").get_by_text("线下学时还差 1 学时")).to_be_visible()
    screenshot("check-in-04-my-credits")

    page.goto("/learning/sessions/")
    expect(page.locator(f'[data-testid="attended-{session.pk}"]')).to_be_visible()
    screenshot("check-in-05-my-training")

    # The code shown on the projector works for someone whose camera failed.
    latecomer = UserFactory(real_name="李秀英")
    services.session_registration_add(actor=registrar, user=latecomer, session=session)
    other = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, locale="zh-CN", is_mobile=True
    )
    phone = other.new_page()
    log_in(other, live_server, latecomer)
    phone.goto(f"/learning/sessions/{session.pk}/")
    phone.click("text=输入六位签到码签到")
    code = projector.locator('[data-testid="projector-code"]').inner_text()
    phone.fill("#id_code", code)
    phone.click("main form button[type=submit]")
    assert "签到成功" in phone.locator('[data-testid="checked-in"]').inner_text()
    other.close()
    projector_context.close()
    assert SessionAttendance.objects.count() == 2
