"""No phone number and no trainee's full name anywhere in public HTML: every live page and the public endpoints
are rendered, anonymously, over demo-like data (trainees with phones, event sign-ups, a certificate), and the
responses are searched for phone patterns."""

import re

import pytest
from wagtail.models import Page

from credits.certificates.services import issuing
from home.services import event_signup_create
from tests.courses.factories import CompetencyFactory, make_course
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory
from tests.home.conftest import event_index, home, make_event, news_index, venue  # noqa: F401

pytestmark = pytest.mark.django_db

# Mainland mobiles, bare, with +86, or spaced / hyphenated as people type them (139 1111 2222, 139-1111-2222).
PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")


@pytest.fixture
def demo_like(make_event, news_index):  # noqa: F811
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    make_course(code="FG-01", competency=fg)
    trainees = [
        UserFactory(real_name=name, phone=phone)
        for name, phone in [("张晓明", "+8613911112222"), ("李秀英", "+8615822223333"), ("王建国", "+8618633334444")]
    ]
    for trainee in trainees:
        give_credits(trainee, fg, "3.0")
    certificate = issuing.certificate_issue(holder=trainees[0], programme=programme)
    event = make_event(signup_enabled=True)
    event_signup_create(event=event, name="张晓明", phone="139 1111 2222", user=trainees[0])
    event_signup_create(event=event, name="陈阿婆", phone="13700001111")
    return {"trainees": trainees, "certificate": certificate, "event": event}


def public_urls(demo_like) -> list[str]:
    pages = [page.url for page in Page.objects.live().public().specific() if page.url]
    certificate, event = demo_like["certificate"], demo_like["event"]
    return [
        *pages,
        f"/verify/{certificate.verification_code_display}/",
        f"{event.url}ics/",
        "/search/?q=张晓明",
        "/search/?q=13911112222",
        "/search/autocomplete/?q=张",
        "/sitemap.xml",
        "/api/v2/pages/?fields=*",
        f"/api/v2/pages/{event.pk}/",
        "/api/v1/openapi.json",
    ]


def test_no_phone_number_or_full_name_in_any_public_response(client, demo_like):
    urls = public_urls(demo_like)
    assert len(urls) >= 12
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        body = response.content.decode()
        # The search box echoes the query the visitor typed; that is theirs, not ours.
        body = body.replace("13911112222", "") if "q=13911112222" in url else body
        found = PHONE.findall(body)
        assert not found, (url, found)
        for trainee in demo_like["trainees"]:
            if "q=张晓明" not in url:
                assert trainee.real_name not in body, (url, trainee.real_name)
        assert "陈阿婆" not in body, url


def test_the_pattern_catches_every_way_a_phone_is_written():
    for written in ["13911112222", "+8613911112222", "139 1111 2222", "139-1111-2222", "86 13911112222"]:
        assert PHONE.search(f"<p>{written}</p>"), written
    assert not PHONE.search("拱三方证〔2026〕第000123号 2026年11月30日 ABCD-EFGH-1234-5678")
