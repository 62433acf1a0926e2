"""The /verify/ form, revocation dates in Shanghai, and names carrying bidirectional control characters on the
verification page and in download file names (issue 15)."""

from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from academy.files import safe_filename
from credits.certificates.services import issuing, revocation
from credits.models import Certificate
from tests.factories import UserFactory, make_registrar

from .factories import give_credits

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI_AND_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    RLO,
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\r",
    "\n",
    "\x00",
    "\x1b",
    "\u2028",
    "\u2029",
]


@pytest.fixture
def certificate(certified_world):
    cache.clear()
    return issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


# /verify/ -----------------------------------------------------------------------------------------------------


def test_verify_form_is_a_page_with_a_code_field(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="verify-form"' in body and 'name="code"' in body and "16 位验证码" in body


def test_a_typed_code_is_normalised_and_redirected_to_its_page(client, certificate):
    code = certificate.verification_code
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:12].lower()} -{code[12:]} "
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("credits_verify", args=[certificate.verification_code_display])
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("typed", ["", "ABC", "7K3M-Q9PX-2HDT-VW4", "UUUU-UUUU-UUUU-UUUU", "<script>", "A" * 100])
def test_a_malformed_code_gets_a_translated_error_and_no_redirect(client, typed):
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert "验证码共 16 位，请核对后重新输入。" in body
    assert "<script>" not in body.split('name="code"')[1][:200]


def test_not_found_page_links_to_the_form_and_offers_it(client):
    response = client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/")
    assert response.status_code == 404
    body = response.content.decode()
    assert f'href="{reverse("credits_verify_form")}"' in body and 'data-testid="verify-form"' in body


@override_settings(CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE=2)
def test_the_form_counts_towards_the_verification_rate_limit(client):
    cache.clear()
    statuses = [
        client.get("/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZ"}, REMOTE_ADDR="10.9.9.9").status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    assert client.get("/verify/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZ"}, REMOTE_ADDR="10.9.9.8").status_code == 400
    # Opening the empty form is not a verification request.
    assert client.get("/verify/", REMOTE_ADDR="10.9.9.9").status_code == 200


# Revocation date in Shanghai ----------------------------------------------------------------------------------


def test_revocation_just_after_midnight_in_shanghai_shows_that_day(client, certificate):
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="冒名顶替")
    # 00:30 on 7 December in Shanghai is 16:30 on 6 December in UTC.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=datetime(2026, 12, 6, 16, 30, tzinfo=UTC))
    body = client.get(f"/verify/{certificate.verification_code_display}/").content.decode()
    assert "2026年12月7日" in body and "2026年12月6日" not in body
    api = client.get(f"/api/v1/certificates/{certificate.verification_code}").json()
    assert api["revoked_on"] == "2026-12-07"


# Bidirectional control characters ----------------------------------------------------------------------------


def test_holder_name_is_isolated_on_the_verification_page(client, certified_world):
    holder = UserFactory(real_name=f"{RLO}张晓明")
    give_credits(holder, certified_world["fg"], "2.0")
    certificate = issuing.certificate_issue(holder=holder, programme=certified_world["programme"])
    body = client.get(f"/verify/{certificate.verification_code_display}/").content.decode()
    holder_cell = body[body.index('data-testid="verify-holder"') :]
    holder_cell = holder_cell[: holder_cell.index("</dd>")]
    assert f'<bdi dir="auto">{RLO}*明</bdi>' in holder_cell


def test_revocation_reason_is_isolated_too(client, certificate):
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason=f"{RLO}冒名顶替")
    body = client.get(f"/verify/{certificate.verification_code_display}/").content.decode()
    assert f'<bdi dir="auto">{RLO}冒名顶替</bdi>' in body


def test_download_file_name_carries_no_bidi_or_control_characters(client, certified_world):
    holder = UserFactory(real_name=f"张晓明{RLO}fdp.exe")
    give_credits(holder, certified_world["fg"], "2.0")
    certificate = issuing.certificate_issue(holder=holder, programme=certified_world["programme"])
    client.force_login(holder)
    response = client.get(reverse("credits_certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    decoded = unquote(disposition)
    assert RLO not in decoded and "%E2%80%AE" not in disposition.upper()
    assert "张晓明fdp.exe" in decoded and decoded.endswith(".pdf")


def test_transcript_file_name_carries_no_bidi_characters(client):
    trainee = UserFactory(real_name=f"王{RLO}芳")
    client.force_login(trainee)
    response = client.get(reverse("credits_transcript"))
    assert response.status_code == 200
    assert RLO not in unquote(response["Content-Disposition"]) and "王芳" in unquote(response["Content-Disposition"])


@pytest.mark.parametrize("char", BIDI_AND_CONTROLS)
def test_safe_filename_strips_every_bidi_and_control_character(char):
    assert safe_filename(f"证书-张{char}明.pdf") == "证书-张明.pdf"


def test_safe_filename_keeps_chinese_punctuation_and_drops_path_characters():
    assert safe_filename("结业证书-拱三方证〔2026〕第000001号.pdf") == "结业证书-拱三方证〔2026〕第000001号.pdf"
    assert safe_filename("../../etc/passwd") == "etcpasswd"
    assert safe_filename(RLO) == "download"
