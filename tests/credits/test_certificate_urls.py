"""The certificate's QR code, its printed URL and the Open Badges credential use the address being served (or
SITE_BASE_URL when set), from academy.absolute (issue 15)."""

from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from credits.certificates import pdf as certificate_pdf
from credits.models import Certificate
from tests.factories import make_registrar, with_admin_access

pytestmark = pytest.mark.django_db

LAN = "192.168.1.20:8000"


def issue_through_the_admin(client, certified_world, **extra):
    """Issue through the registrar's form; return the URLs given to the QR code and to the printed page."""
    client.force_login(with_admin_access(make_registrar()))
    printed = []
    original = certificate_pdf.certificate_context

    def spy(*args, **kwargs):
        context = original(*args, **kwargs)
        printed.append(context["verification_url"])
        return context

    with (
        mock.patch.object(certificate_pdf, "qr_svg", wraps=certificate_pdf.qr_svg) as qr,
        mock.patch.object(certificate_pdf, "certificate_context", spy),
    ):
        response = client.post(
            reverse("credits_certificates:issue"),
            {"trainee": "13911112222", "programme": certified_world["programme"].pk},
            **extra,
        )
    assert response.status_code == 302
    return [call.args[0] for call in qr.call_args_list], printed


def test_certificate_issued_during_a_request_prints_and_encodes_the_served_address(client, certified_world):
    encoded, printed = issue_through_the_admin(client, certified_world, HTTP_HOST=LAN)
    expected = f"http://{LAN}/verify/{Certificate.objects.get().verification_code_display}/"
    assert encoded == [expected] and printed == [expected]


@override_settings(SITE_BASE_URL="https://academy.example.org")
def test_configured_base_url_is_printed_whatever_host_the_registrar_used(client, certified_world):
    encoded, printed = issue_through_the_admin(client, certified_world, HTTP_HOST=LAN)
    expected = f"https://academy.example.org/verify/{Certificate.objects.get().verification_code_display}/"
    assert encoded == [expected] and printed == [expected]


def test_credential_json_uses_the_served_address(client, certified_world):
    from credits.certificates.services import issuing

    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    credential = client.get(
        f"/api/v1/certificates/{certificate.verification_code}/credential.json", HTTP_HOST=LAN
    ).json()
    assert credential["id"] == f"http://{LAN}/verify/{certificate.verification_code_display}/"
    assert credential["issuer"]["id"] == f"http://{LAN}/"
    assert credential["credentialSubject"]["achievement"]["id"].startswith(f"http://{LAN}/")
    assert "localhost" not in str(credential)
