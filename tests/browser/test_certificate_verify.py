"""Holding a phone up to a certificate: read the verification URL the QR code carries from the PDF, open it on a
phone-sized screen, and see the status change at once when a registrar revokes the certificate."""

import io
import re

import pytest
from pypdf import PdfReader

from credits.certificates import pdf as certificate_pdf
from credits.certificates.selectors import certificate_settings
from credits.certificates.services import issuing, revocation
from tests.courses.factories import CompetencyFactory
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory, make_registrar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_qr_url_from_the_pdf_opens_the_verification_page_on_a_phone(page, screenshot, live_server, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    holder = UserFactory(real_name="欧阳𠮷䶮")
    give_credits(holder, fg, "3.0")
    certificate = issuing.certificate_issue(holder=holder, programme=programme)

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.pdf.read())).pages).replace(" ", "")
    url = re.search(r"https?://[^\s：]+/verify/[0-9A-Z-]+/", text).group(0)
    assert url == certificate_pdf.verification_url(certificate.verification_code)
    # The QR code printed on the certificate is segno's drawing of exactly this URL.
    assert certificate_pdf.qr_svg(url) in certificate_pdf.certificate_html(
        certificate, certificate_settings=certificate_settings()
    )

    page.goto(url)
    state = page.get_by_test_id("verify-state")
    assert "此证书有效" in state.inner_text()
    assert page.get_by_test_id("verify-holder").inner_text() == "欧*䶮"
    assert "欧阳𠮷䶮" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("certificate-verify-valid")

    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="培训记录系他人代签")
    page.reload()
    assert "被撤销" in page.get_by_test_id("verify-state").inner_text()
    assert "培训记录系他人代签" in page.inner_text("main")
    screenshot("certificate-verify-revoked")

    page.goto("/verify/NOT-A-CODE/")
    assert "未找到证书" in page.inner_text("h1")
    screenshot("certificate-verify-unknown")
