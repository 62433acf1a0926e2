"""Admin: the certificates list (registrars all, street administrators their street), revoke / reinstate /
re-render / download actions, manual issue, the approval queue and bulk issue with progress."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from credits.certificates.services import approval, issuing
from credits.choices import BulkIssueStatus, CertificateRequestStatus, CertificateStatus
from credits.models import BulkIssueRun, Certificate, CertificateRequest
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator, with_admin_access

from .factories import give_credits

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certified_world):
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


def test_registrar_lists_and_inspects_certificates_with_actions(client, certificate):
    client.force_login(with_admin_access(make_registrar()))
    assert certificate.number in client.get(reverse("credits_certificates:index")).content.decode()
    body = client.get(reverse("credits_certificates:inspect", args=[certificate.pk])).content.decode()
    for url in [
        reverse("credits_certificates:revoke", args=[certificate.pk]),
        reverse("credits_certificates:render", args=[certificate.pk]),
        reverse("credits_certificate_download", args=[certificate.pk]),
    ]:
        assert url in body


def test_street_administrator_sees_only_their_streets_certificates_and_cannot_revoke(client, certificate):
    own = with_admin_access(make_street_administrator(certificate.holder.street))
    client.force_login(own)
    assert certificate.number in client.get(reverse("credits_certificates:index")).content.decode()
    assert client.get(reverse("credits_certificates:revoke", args=[certificate.pk])).status_code in (302, 403)
    other = with_admin_access(make_street_administrator(StreetFactory(name="天水街道")))
    client.force_login(other)
    assert certificate.number not in client.get(reverse("credits_certificates:index")).content.decode()
    assert client.get(reverse("credits_certificates:inspect", args=[certificate.pk])).status_code == 404


def test_revoke_in_the_admin_needs_a_reason_then_reinstate(client, certificate):
    client.force_login(with_admin_access(make_registrar()))
    url = reverse("credits_certificates:revoke", args=[certificate.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.VALID
    assert client.post(url, {"reason": "冒名顶替"}).status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.REVOKED
    reinstate = reverse("credits_certificates:reinstate", args=[certificate.pk])
    assert client.post(reinstate, {"reason": "误撤"}).status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.VALID


def test_render_again_is_audited(client, certificate):
    client.force_login(with_admin_access(make_registrar()))
    assert client.post(reverse("credits_certificates:render", args=[certificate.pk])).status_code == 302
    assert ModelLogEntry.objects.filter(action="credits.certificate_render", object_id=str(certificate.pk)).exists()


def test_manual_issue_form_shows_shortfalls_and_issues_when_met(client, certified_world):
    client.force_login(with_admin_access(make_registrar()))
    newcomer = UserFactory(real_name="陈美华", phone="+8613977778888")
    url = reverse("credits_certificates:issue")
    refused = client.post(url, {"trainee": "13977778888", "programme": certified_world["programme"].pk})
    assert refused.status_code == 200 and "尚未达到" in refused.content.decode()
    give_credits(newcomer, certified_world["fg"], "2.0")
    assert client.post(url, {"trainee": "13977778888", "programme": certified_world["programme"].pk}).status_code == 302
    assert Certificate.objects.filter(holder=newcomer).exists()


def test_approval_queue_approve_issues(client, certified_world):
    request = approval.certificate_request_create(
        holder=certified_world["trainee"], programme=certified_world["programme"]
    )
    client.force_login(with_admin_access(make_registrar()))
    assert "张晓明" in client.get(reverse("credits_certificate_requests:index")).content.decode()
    assert client.post(reverse("credits_certificate_requests:approve", args=[request.pk])).status_code == 302
    request.refresh_from_db()
    assert request.status == CertificateRequestStatus.ISSUED and request.certificate is not None


def test_trainee_cannot_reach_the_queue(client, certified_world):
    approval.certificate_request_create(holder=certified_world["trainee"], programme=certified_world["programme"])
    client.force_login(with_admin_access(UserFactory()))
    assert client.get(reverse("credits_certificate_requests:index")).status_code in (302, 403)
    assert CertificateRequest.objects.get().status == CertificateRequestStatus.PENDING


def test_bulk_issue_from_the_admin_runs_and_shows_progress(client, certified_world, django_capture_on_commit_callbacks):
    for index in range(2):
        give_credits(UserFactory(real_name=f"学员{index}"), certified_world["fg"], "2.0")
    client.force_login(with_admin_access(make_registrar()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credits_bulk_issues:add"), {"programme": certified_world["programme"].pk})
    run = BulkIssueRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("credits_bulk_issues:inspect", args=[run.pk])
    assert run.status == BulkIssueStatus.DONE and run.issued == 3
    page = client.get(reverse("credits_bulk_issues:inspect", args=[run.pk])).content.decode()
    assert "已核查 3 / 3" in page and "<progress" in page
