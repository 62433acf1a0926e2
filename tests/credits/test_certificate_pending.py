"""A graduate waiting for a certificate that needs a registrar's approval: what they see, the registrar's visible
approve buttons, and the text message once it is issued. Also 我的学分's progress figure for the whole
programme (issue 15)."""

import pytest
from django.urls import reverse

from academy.sms import ConsoleSMSSender
from credits.certificates.services import approval, issuing
from credits.choices import CertificateRequestStatus, IssueMode
from credits.models import CertificateRequest
from tests.factories import UserFactory, make_registrar, with_admin_access

from .factories import give_credits, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(certified_world):
    """The trainee meets an approval programme: their request is in the queue."""
    programme = certified_world["programme"]
    programme.issue_mode = IssueMode.APPROVAL
    programme.save()
    approval.certificates_check_for(holder=certified_world["trainee"])
    return {**certified_world, "request": CertificateRequest.objects.get()}


def test_my_credits_says_the_certificate_is_pending_review_and_what_happens_next(client, waiting):
    client.force_login(waiting["trainee"])
    body = client.get(reverse("credits_my_credits")).content.decode()
    assert 'data-testid="certificate-pending"' in body
    assert "证书正在等待教务人员审核" in body and "短信通知您" in body


def test_my_certificates_shows_the_pending_certificate_not_you_have_none(client, waiting):
    client.force_login(waiting["trainee"])
    body = client.get(reverse("credits_my_certificates")).content.decode()
    assert f'data-testid="certificate-pending-{waiting["programme"].pk}"' in body
    assert "待审核" in body and "短信通知您" in body
    assert "您还没有证书" not in body


def test_programme_page_says_pending_too(client, waiting):
    client.force_login(waiting["trainee"])
    body = client.get(waiting["programme"].url).content.decode()
    assert 'data-testid="certificate-pending"' in body


def test_someone_else_sees_no_pending_state(client, waiting):
    client.force_login(UserFactory())
    body = client.get(reverse("credits_my_certificates")).content.decode()
    assert "certificate-pending" not in body


def test_approval_texts_the_holder_after_the_commit(client, waiting, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_QUIET_HOURS = ""  # texts go through the notification centre: any time of day here
    ConsoleSMSSender.outbox.clear()
    client.force_login(with_admin_access(make_registrar()))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("credits_certificate_requests:approve", args=[waiting["request"].pk]))
    assert response.status_code == 302
    assert ConsoleSMSSender.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    waiting["request"].refresh_from_db()
    certificate = waiting["request"].certificate
    messages = [message for message in ConsoleSMSSender.outbox if message.purpose == "certificate_issued"]
    assert len(messages) == 1 and messages[0].phone == waiting["trainee"].phone
    assert certificate.number in messages[0].text and "证书已颁发" in messages[0].text


def test_a_certificate_issued_without_a_pending_request_is_announced_too(
    certified_world, django_capture_on_commit_callbacks, settings
):
    """Issue 21: no certificate is issued in silence any more, approved or not (once, through notifications)."""
    settings.NOTIFICATIONS_QUIET_HOURS = ""
    ConsoleSMSSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    assert [message.phone for message in ConsoleSMSSender.outbox if message.purpose == "certificate_issued"] == [
        certified_world["trainee"].phone
    ]


def test_a_declined_request_sends_no_text(waiting, django_capture_on_commit_callbacks):
    ConsoleSMSSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval.certificate_request_decline(actor=make_registrar(), request=waiting["request"], reason="资料不全")
    assert ConsoleSMSSender.outbox == []


def test_queue_rows_show_labelled_approve_and_decline_buttons(client, waiting):
    client.force_login(with_admin_access(make_registrar()))
    body = client.get(reverse("credits_certificate_requests:index")).content.decode()
    pk = waiting["request"].pk
    approve = reverse("credits_certificate_requests:approve", args=[pk])
    assert f'data-testid="request-approve-{pk}"' in body and f'data-testid="request-decline-{pk}"' in body
    assert f'href="{approve}"' in body
    assert "审核通过并发证" in body
    # The button is in the row itself, before (not inside) the ⋯ dropdown.
    row = body[body.index(f'data-testid="request-approve-{pk}"') - 400 :]
    assert "w-dropdown" not in row[: row.index(f'data-testid="request-approve-{pk}"') + 10]


def test_decided_rows_show_no_decision_buttons(client, waiting):
    request = waiting["request"]
    approval.certificate_request_decline(actor=make_registrar(), request=request, reason="资料不全")
    client.force_login(with_admin_access(make_registrar()))
    body = client.get(reverse("credits_certificate_requests:index")).content.decode()
    assert f"request-approve-{request.pk}" not in body
    assert CertificateRequest.objects.get().status == CertificateRequestStatus.DECLINED


def test_inspect_page_shows_labelled_approve_button_in_the_header_and_below(client, waiting):
    client.force_login(with_admin_access(make_registrar()))
    pk = waiting["request"].pk
    body = client.get(reverse("credits_certificate_requests:inspect", args=[pk])).content.decode()
    approve = reverse("credits_certificate_requests:approve", args=[pk])
    assert 'data-testid="request-decisions"' in body
    # Once as a header button (w-header-button, labelled), once below the details; never only in the ⋯ menu.
    assert body.count(f'href="{approve}"') >= 2
    header = body[: body.index('data-testid="request-decisions"')]
    assert "w-header-button" in header and "审核通过并发证" in header


def test_full_credits_with_a_required_course_missing_is_not_shown_as_100_percent(client, certified_world):
    from tests.courses.factories import make_course

    course = make_course(code="FG-09", competency=certified_world["fg"])
    trainee = UserFactory()
    make_programme(title="物业项目经理岗前培训", slug="pm", total="2.0", required=[course])
    give_credits(trainee, certified_world["fg"], "3.0")
    client.force_login(trainee)
    body = client.get(reverse("credits_my_credits")).content.decode()
    card = body[body.index('data-testid="programme-pm"') :]
    card = card[: card.index("</article>")]
    assert "尚未达标" in card and "必修课" in card
    assert "已完成本项目结业标准的 50%" in card  # credits done, the required course not: half the requirements
    assert "100%" not in card
