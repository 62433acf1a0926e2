"""Names and titles holding markup, quotes and a right-to-left override stay text in every output: public HTML, the
admin's lists, the verification page, the certificate and transcript PDFs, Excel exports and iCalendar files."""

import io

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from academy.spreadsheets import workbook_bytes
from credits.certificates import pdf as certificate_pdf
from credits.certificates import selectors as cert_selectors
from home.models import EventSignup
from tests.credits.factories import make_certificate, make_programme
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
NASTY = f'<script>alert("x")</script>{RLO}"王\''  # 31 characters: fits every name field
IMG = '<img src="file:///etc/passwd">'


def assert_escaped(html: str):
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert RLO in html  # kept as the character it is, not dropped or turned into markup


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_public_event_page_shows_markup_in_a_title_as_text(client, make_event):
    event = make_event(title=NASTY)
    event.save_revision().publish()
    html = client.get(event.url).content.decode()
    assert_escaped(html)
    assert 'content="&lt;script&gt;' in html  # quotes cannot break out of the og:title attribute


def test_admin_trainee_list_shows_markup_in_a_name_as_text(client):
    UserFactory(real_name=NASTY)
    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/admin/academy/trainees/")
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_verification_page_shows_markup_in_a_programme_title_as_text(client):
    certificate = make_certificate(UserFactory(), make_programme(total="1.0"), programme_title=NASTY, holder_name=NASTY)
    html = client.get(reverse("credits_verify", args=[certificate.verification_code_display])).content.decode()
    assert_escaped(html)
    assert "alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_certificate_pdf_prints_markup_in_names_as_text_without_interpreting_it():
    certificate = make_certificate(
        UserFactory(), make_programme(total="1.0"), holder_name=IMG[:50], programme_title=NASTY
    )
    data, _ = certificate_pdf.certificate_pdf(certificate, certificate_settings=cert_selectors.certificate_settings())
    text = pdf_text(data)
    assert '<script>alert("x")</script>' in text
    assert "<img" in text and "/etc/passwd" in text  # printed, so never fetched as an image


def test_transcript_pdf_prints_markup_in_the_holders_name_as_text():
    trainee = UserFactory(real_name=NASTY)
    data = certificate_pdf.transcript_pdf(
        {"transcript": cert_selectors.transcript_for(trainee), "academy_name": "三方学院"}
    )
    assert '<script>alert("x")</script>' in pdf_text(data)


def test_excel_export_keeps_markup_quotes_and_rtl_as_text_and_neutralises_formulas(client, make_event):
    event = make_event(capacity=10)
    event.save_revision().publish()
    EventSignup.objects.create(event=event, name=NASTY, phone="+8613900000001")
    EventSignup.objects.create(event=event, name='=HYPERLINK("http://evil","点我")', phone="+8613900000002")
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(event.url + event.reverse_subpage("signup_export"))
    assert response.status_code == 200
    values = [cell.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row]
    assert NASTY in values
    assert '\'=HYPERLINK("http://evil","点我")' in values
    cells = load_workbook(io.BytesIO(workbook_bytes(sheet_title="x", heading=["名字"], rows=[["@SUM(1)"], [NASTY]])))
    assert [c.value for c in cells.active["A"]] == ["名字", "'@SUM(1)", NASTY]
    assert all(c.data_type == "s" for c in cells.active["A"])


def test_ics_escapes_commas_semicolons_and_newlines_so_no_property_can_be_injected(client, make_event):
    title = "议事会, 第一期; 反斜杠\\\nATTENDEE:mailto:evil@example.org"
    event = make_event(title=title)
    event.save_revision().publish()
    response = client.get(event.url + event.reverse_subpage("ics"))
    body = response.content.decode()
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert "\r\nATTENDEE" not in body and "\nATTENDEE" not in body
    (vevent,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    assert "ATTENDEE" not in vevent
