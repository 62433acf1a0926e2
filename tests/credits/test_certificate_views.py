"""Public verification (each status, malformed and unknown codes, rate limit, no personal data), 我的证书, and
who may download a certificate."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from credits.certificates.services import issuing, revocation
from tests.factories import StreetFactory, UserFactory, make_editor, make_registrar, make_street_administrator

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certified_world):
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


def verify(client, code, **extra):
    return client.get(f"/verify/{code}/", **extra)


def test_valid_certificate_shows_status_programme_number_dates_and_masked_name(client, certificate):
    response = verify(client, certificate.verification_code_display)
    body = response.content.decode()
    assert response.status_code == 200
    assert "此证书有效" in body and "张*明" in body and "张晓明" not in body
    assert certificate.number in body and "小区专员岗前培训" in body
    assert certificate.holder.phone[-4:] not in body.replace(certificate.verification_code_display, "")


def test_code_is_found_in_lower_case_and_with_crockford_typos(client, certificate):
    typed = certificate.verification_code_display.lower().replace("1", "l").replace("0", "o")
    assert verify(client, typed).status_code == 200
    assert verify(client, certificate.verification_code).status_code == 200


def test_expired_certificate_says_so_with_the_date(client, certified_world):
    # Issued (backdated) more than three years ago: an issued certificate's dates cannot be edited afterwards.
    certificate = issuing.certificate_issue(
        holder=certified_world["trainee"],
        programme=certified_world["programme"],
        issued_on=timezone.localdate() - timedelta(days=3 * 366 + 3),
    )
    assert certificate.valid_until < timezone.localdate()
    body = verify(client, certificate.verification_code_display).content.decode()
    assert "已于" in body and "过期" in body and "此证书有效" not in body


def test_revoked_certificate_shows_date_and_reason_at_once(client, certificate):
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="<i>冒名顶替</i>")
    body = verify(client, certificate.verification_code_display).content.decode()
    assert "被撤销" in body and "&lt;i&gt;冒名顶替&lt;/i&gt;" in body and "<i>冒名顶替" not in body


def test_codes_that_break_the_path_are_404_not_500(client, certificate):
    for raw in ["..%2F..%2Fetc", "a/b", "%2e%2e"]:
        assert client.get(f"/verify/{raw}/").status_code == 404


def test_name_with_html_is_escaped_on_the_page(client, certified_world):
    from .factories import give_credits

    holder = UserFactory(real_name="<script>x</script>")
    give_credits(holder, certified_world["fg"], "2.0")
    certificate = issuing.certificate_issue(holder=holder, programme=certified_world["programme"])
    body = verify(client, certificate.verification_code_display).content.decode()
    assert "<script>x" not in body and "&lt;*&gt;" in body


@pytest.mark.parametrize(
    "code",
    [
        "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
        "abc",
        "A" * 300,
        "' OR '1'='1",
        '"><img src=x onerror=alert(1)>',
        "UUUU-UUUU-UUUU-UUUU",
        "%00",
        "%E2%80%AE",
    ],
)
def test_unknown_or_malformed_codes_get_a_helpful_404(client, certificate, code):
    response = verify(client, code)
    assert response.status_code == 404
    assert "没有与此验证码对应的证书" in response.content.decode()


@override_settings(CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE=3)
def test_verification_is_rate_limited_per_ip(client, certificate):
    cache.clear()
    for _ in range(3):
        assert verify(client, certificate.verification_code_display, REMOTE_ADDR="10.1.1.1").status_code == 200
    limited = verify(client, certificate.verification_code_display, REMOTE_ADDR="10.1.1.1")
    assert limited.status_code == 429 and "一分钟后再试" in limited.content.decode()
    assert verify(client, certificate.verification_code_display, REMOTE_ADDR="10.1.1.2").status_code == 200


def test_my_certificates_lists_only_my_own(client, certificate):
    other = UserFactory()
    client.force_login(other)
    assert certificate.number not in client.get("/credits/certificates/").content.decode()
    client.force_login(certificate.holder)
    body = client.get("/credits/certificates/").content.decode()
    assert certificate.number in body and f"/credits/certificates/{certificate.pk}/download/" in body


def _download(client, certificate, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(f"/credits/certificates/{certificate.pk}/download/")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("holder", 200),
        ("other_trainee", 404),
        ("registrar", 200),
        ("own_street_admin", 200),
        ("other_street_admin", 404),
        ("editor", 404),
    ],
)
def test_download_permission_matrix(client, certificate, who, status):
    holder = certificate.holder
    other_street = StreetFactory(name="天水街道")
    users = {
        "anonymous": None,
        "holder": holder,
        "other_trainee": UserFactory(street=holder.street),
        "registrar": make_registrar(),
        "own_street_admin": make_street_administrator(holder.street),
        "other_street_admin": make_street_administrator(other_street),
        "editor": make_editor(),
    }
    response = _download(client, certificate, users[who])
    assert response.status_code == status
    if status == 200:
        data = b"".join(response.streaming_content)
        assert data.startswith(b"%PDF")
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
        assert "%E7%BB%93%E4%B8%9A%E8%AF%81%E4%B9%A6" in disposition  # 结业证书, percent-encoded (RFC 5987)


def test_pdf_is_not_reachable_under_media_url(client, certificate):
    assert client.get(f"/media/{certificate.pdf.name}").status_code == 404
