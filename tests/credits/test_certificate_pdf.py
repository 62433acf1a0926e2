"""The certificate PDF: extractable Chinese text including rare characters, names printed as text, metadata, the
QR code's URL, size; and the transcript."""

import io

import pytest
from django.test import override_settings
from pypdf import PdfReader

from credits.certificates import pdf as certificate_pdf
from credits.certificates.selectors import certificate_settings
from credits.certificates.services import issuing
from tests.factories import UserFactory

from .factories import give_credits

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _issue(world, name):
    holder = UserFactory(real_name=name)
    give_credits(holder, world["fg"], "2.5")
    return issuing.certificate_issue(holder=holder, programme=world["programme"])


def test_text_layer_has_name_number_programme_dates_and_credits(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    text = _text(certificate.pdf.read()).replace(" ", "")
    for expected in [
        "张晓明",
        certificate.number,
        "小区专员岗前培训",
        "法规运用",
        "结业证书",
        f"{certificate.issued_on.year}年{certificate.issued_on.month}月{certificate.issued_on.day}日",
    ]:
        assert expected in text, expected


def test_rare_characters_beyond_the_bmp_and_in_extension_a_render_and_extract(certified_world):
    certificate = _issue(certified_world, "𠮷䶮明")
    text = _text(certificate.pdf.read())
    assert "𠮷䶮明" in text.replace(" ", "")


def test_a_name_containing_html_prints_as_text(certified_world):
    certificate = _issue(certified_world, "<b>张</b>&amp;")
    assert "<b>张</b>&amp;" in _text(certificate.pdf.read()).replace(" ", "")


def test_metadata_title_and_author(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    meta = PdfReader(io.BytesIO(certificate.pdf.read())).metadata
    assert "小区专员岗前培训" in meta.title and "张晓明" in meta.title
    assert meta.author == "杭州市拱墅区三方学院"


def test_one_a4_landscape_page_under_300_kb(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    data = certificate.pdf.read()
    page = PdfReader(io.BytesIO(data)).pages
    assert len(page) == 1
    width, height = float(page[0].mediabox.width), float(page[0].mediabox.height)
    assert round(width) == 842 and round(height) == 595  # A4 landscape in points
    assert len(data) <= 300 * 1024


@override_settings(WAGTAILADMIN_BASE_URL="https://xueyuan.example.cn")
def test_qr_code_encodes_the_absolute_verification_url_printed_beside_it(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    url = certificate_pdf.verification_url(certificate.verification_code)
    assert url == f"https://xueyuan.example.cn/verify/{certificate.verification_code_display}/"
    assert url in _text(certificate.pdf.read()).replace(" ", "")
    html = certificate_pdf.certificate_html(certificate, certificate_settings=certificate_settings())
    # The QR on the page is exactly the one segno draws for that URL, from the same function.
    assert certificate_pdf.qr_svg(url) in html
    assert certificate_pdf.qr_svg(url) != certificate_pdf.qr_svg(url + "x")


def test_transcript_lists_courses_credits_and_certificates(client, certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    client.force_login(certified_world["trainee"])
    response = client.get("/credits/transcript.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content).replace(" ", "")
    assert "张晓明" in text and certificate.number in text and "法规运用" in text
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_transcript_lists_attended_sessions_with_date_hours_and_lateness(client, certified_world):
    from datetime import timedelta

    from django.utils import timezone

    from courses.choices import AttendanceStatus, CheckInMethod
    from courses.models import SessionAttendance
    from tests.courses.factories import make_course, make_session

    trainee = certified_world["trainee"]
    course = make_course(code="MD-07", title="矛盾调处情景模拟", lessons=0, quiz=False, delivery_mode="offline")

    def past_session(days_ago, hours, title):
        start = timezone.now() - timedelta(days=days_ago)
        return make_session(
            course,
            starts_in=start - timezone.now(),
            hours=hours,
            title=title,
            registration_opens=start - timedelta(days=14),
            registration_closes=start - timedelta(days=1),
        )

    first = past_session(20, 3, "情景模拟（第1期）")
    second = past_session(5, 2.5, "情景模拟（第2期）")
    missed = past_session(2, 3, "情景模拟（第3期）")
    for session, status in [(first, AttendanceStatus.PRESENT), (second, AttendanceStatus.LATE)]:
        SessionAttendance.objects.create(
            session=session, user=trainee, status=status, method=CheckInMethod.MANUAL, checked_in_at=session.start
        )
    SessionAttendance.objects.create(  # someone else's attendance must not appear
        session=missed,
        user=UserFactory(),
        status=AttendanceStatus.PRESENT,
        method=CheckInMethod.MANUAL,
        checked_in_at=missed.start,
    )
    client.force_login(trainee)
    text = _text(client.get("/credits/transcript.pdf").content).replace(" ", "")
    assert "培训出勤" in text
    assert f"{timezone.localdate(first.start):%Y-%m-%d}情景模拟（第1期）矛盾调处情景模拟3.0出席" in text
    assert f"{timezone.localdate(second.start):%Y-%m-%d}情景模拟（第2期）矛盾调处情景模拟2.5迟到" in text
    assert "第3期" not in text
    assert "共出勤2次，其中迟到1次" in text and "5.5" in text


def test_transcript_says_when_no_session_was_attended(client, certified_world):
    client.force_login(certified_world["trainee"])
    text = _text(client.get("/credits/transcript.pdf").content).replace(" ", "")
    assert "尚未参加线下培训" in text
