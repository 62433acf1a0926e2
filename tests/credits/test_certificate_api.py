"""The public certificate JSON and the Open Badges 3.0 credential."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from credits.certificates.services import issuing, revocation
from tests.factories import make_registrar

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certified_world):
    cache.clear()
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


def test_json_has_status_and_only_the_masked_name(client, certificate):
    response = client.get(f"/api/v1/certificates/{certificate.verification_code_display.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "valid" and body["holder"] == "张*明" and body["number"] == certificate.number
    assert body["programme"] == "小区专员岗前培训"
    assert body["issued_on"] == certificate.issued_on.isoformat()
    assert body["verification_url"].endswith(f"/verify/{certificate.verification_code_display}/")
    assert "张晓明" not in response.content.decode() and certificate.holder.phone not in response.content.decode()


def test_json_reflects_revocation_at_once(client, certificate):
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="冒名顶替")
    body = client.get(f"/api/v1/certificates/{certificate.verification_code}").json()
    assert body["state"] == "revoked" and body["revoked_reason"] == "冒名顶替" and body["revoked_on"]


@pytest.mark.parametrize("code", ["nope", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "1' OR '1'='1", "A" * 500])
def test_unknown_code_is_a_json_404(client, certificate, code):
    response = client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 404 and response.json()["code"] == "unknown_code"


@override_settings(CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE=2)
def test_api_is_rate_limited(client, certificate):
    url = f"/api/v1/certificates/{certificate.verification_code}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(url).json()["code"] == "rate_limited"


def test_open_badge_credential_shape(client, certificate):
    response = client.get(f"/api/v1/certificates/{certificate.verification_code_display}/credential.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    badge = response.json()
    assert badge["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "OpenBadgeCredential" in badge["type"] and "VerifiableCredential" in badge["type"]
    assert badge["issuer"]["name"] == "杭州市拱墅区三方学院"
    assert badge["validFrom"].startswith(certificate.issued_on.isoformat())
    assert badge["validUntil"].startswith(certificate.valid_until.isoformat())
    achievement = badge["credentialSubject"]["achievement"]
    assert achievement["name"] == "小区专员岗前培训" and achievement["creditsAvailable"] == 2.0
    assert badge["credentialStatus"]["status"] == "valid" and badge["credentialStatus"]["revoked"] is False
    assert "张晓明" not in response.content.decode()


def test_open_badge_status_reflects_revocation(client, certificate):
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="冒名顶替")
    badge = client.get(f"/api/v1/certificates/{certificate.verification_code}/credential.json").json()
    assert badge["credentialStatus"]["revoked"] is True and badge["credentialStatus"]["reason"] == "冒名顶替"
