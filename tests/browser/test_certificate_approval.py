"""A graduate of a programme that needs a registrar's approval sees that the certificate is pending; the registrar
approves it with the labelled button on the queue's row (not hidden in the ⋯ menu), at desktop and phone widths;
the graduate is texted and finds the certificate in 我的证书."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from playwright.sync_api import expect

from academy.sms import ConsoleSMSSender
from credits.certificates.services import approval
from credits.choices import IssueMode
from credits.models import CertificateRequest
from tests.browser.conftest import ARTIFACTS
from tests.courses.factories import CompetencyFactory
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory, make_registrar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.parametrize("width", [1280, 390])
def test_registrar_approves_from_the_visible_row_button_and_the_graduate_is_told(
    browser, page, live_server, width, settings
):
    # The text goes through the notification centre: at night (21:00-08:00 in Shanghai) it would wait for the morning
    # and the test would fail by the clock; when texts go out is tested in tests/notifications.
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    programme.issue_mode = IssueMode.APPROVAL
    programme.save()
    trainee = UserFactory(real_name="张晓明", phone="+8613911112222")
    give_credits(trainee, fg, "3.0")
    approval.certificates_check_for(holder=trainee)
    request = CertificateRequest.objects.get()

    log_in(page.context, live_server, trainee)
    page.goto("/credits/certificates/")
    expect(page.get_by_test_id(f"certificate-pending-{programme.pk}")).to_be_visible()
    expect(page.get_by_text("您还没有证书")).to_have_count(0)

    registrar = make_registrar(real_name="教务员")
    registrar.user_permissions.add(Permission.objects.get(codename="access_admin"))
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url, locale="zh-CN")
    admin = context.new_page()
    log_in(context, live_server, registrar)
    admin.goto(f"/admin/credits/certificate-requests/inspect/{request.pk}/")
    header_approve = admin.locator(f'header a.w-header-button[href$="/approve/{request.pk}/"]')
    expect(header_approve).to_be_visible()
    expect(header_approve).to_contain_text("审核通过并发证")
    expect(admin.get_by_test_id("request-decisions").get_by_role("link", name="审核通过并发证")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / f"certificate-approval-inspect-{width}.png"))
    admin.goto("/admin/credits/certificate-requests/")
    approve = admin.get_by_test_id(f"request-approve-{request.pk}")
    expect(approve).to_be_visible()  # in the row, without opening any menu
    expect(approve).to_contain_text("审核通过并发证")
    ARTIFACTS.mkdir(exist_ok=True)
    admin.screenshot(path=str(ARTIFACTS / f"certificate-approval-queue-{width}.png"))
    ConsoleSMSSender.outbox.clear()
    approve.click()
    admin.get_by_role("button", name="审核通过并发证").click()
    expect(admin.get_by_text("已颁发")).not_to_have_count(0)
    context.close()

    request.refresh_from_db()
    assert request.certificate is not None
    texts = [message for message in ConsoleSMSSender.outbox if message.purpose == "certificate_issued"]
    assert len(texts) == 1 and request.certificate.number in texts[0].text
    page.goto("/credits/certificates/")
    expect(page.get_by_test_id(f"certificate-{request.certificate.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"certificate-pending-{programme.pk}")).to_have_count(0)
