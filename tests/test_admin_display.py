"""Every date and time a person sees in the admin is in Asia/Shanghai, a date is a date (not "6 hours ago"), and no
list column or inspect page shows a raw None / True / False.

The world is made at 00:30 on 7 December 2026 in Shanghai, which is 16:30 on the 6th in UTC: a page that shows the
UTC day (6 December) or the UTC time (16:30) is caught. The walk covers the list and inspect pages of every admin
viewset of our own models (found in Wagtail's viewset registry, so a new one is walked too) and the reports."""

import datetime as dt
import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet

from credits.choices import CertificateStatus
from credits.models import Appointment, Certificate
from credits.reports.views import REPORTS
from tests.courses.factories import make_session
from tests.credits.factories import make_certificate, make_two_streets_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"academy", "notifications", "assessments", "courses", "credits", "home"}
NOT_OURS = {"UserViewSet", "GroupViewSet"}  # Wagtail's own screens for accounts and groups
HALF_PAST_MIDNIGHT = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
FORBIDDEN = [
    (re.compile(r"\b(None|True|False)\b"), "a raw None / True / False"),
    (re.compile(r"之前|之后|\bago\b"), "a duration instead of a date"),
    (re.compile(r"2026-12-06|2026年12月6日|12月6日|\b16:30\b"), "the UTC day or time"),
]


class VisibleText(HTMLParser):
    """The text a person sees (or a screen reader reads) inside <main>: text nodes, not scripts or attributes."""

    def __init__(self):
        super().__init__()
        self.depth, self.hidden, self.parts = 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if self.depth > 0 and not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def world(staff_groups):
    with mock.patch("django.utils.timezone.now", return_value=HALF_PAST_MIDNIGHT.astimezone(dt.UTC)):
        world = make_two_streets_world()
        world["tonight"] = make_session(world["offline_course"], starts_in=dt.timedelta(0), title="午夜场")
        revoked = make_certificate(
            UserFactory(street=world["street_b"]), world["programme"], number="拱三方证〔2026〕第000002号"
        )
        Certificate.objects.filter(pk=revoked.pk).update(
            status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revoked_reason="冒名顶替"
        )
        # For the reports: a post holder who is not qualified (上岗日期 today) and a certificate expiring soon.
        Appointment.objects.create(
            trainee=revoked.holder, post=world["post"], street=world["street_b"], start_date=timezone.localdate(),
            override_reason="急需上岗", created_by=world["registrar"],
        )  # fmt: skip
        make_certificate(
            UserFactory(street=world["street_b"]),
            world["programme"],
            number="拱三方证〔2026〕第000003号",
            days_valid=30,
        )
    world["superuser"] = UserFactory(is_superuser=True, is_staff=True)
    return world


def our_viewsets():
    get_resolver().url_patterns  # noqa: B018  (the admin's URLs register most viewsets: load them first)
    for viewset in list(viewsets.viewsets):
        model = getattr(viewset, "model", None)
        if not isinstance(viewset, ModelViewSet) or isinstance(viewset, ChooserViewSet) or not model:
            continue
        if model._meta.app_label in OUR_APPS and type(viewset).__name__ not in NOT_OURS:
            yield viewset


def pages_to_walk():
    for viewset in our_viewsets():
        yield viewset.menu_url
        if viewset.inspect_view_enabled:
            for pk in viewset.model.objects.values_list("pk", flat=True)[:5]:
                yield reverse(viewset.get_url_name("inspect"), args=[pk])
    for report in REPORTS:
        yield reverse(f"academy_reports:{report.url_name}")


def test_admin_lists_and_inspect_pages_show_local_dates_and_readable_values(client, world):
    problems, walked, seen = [], [], []
    for url in pages_to_walk():
        client.force_login(world["registrar"])
        response = client.get(url)
        if response.status_code != 200:  # a screen registrars do not have (posts, venues, competencies …)
            client.force_login(world["superuser"])
            response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        walked.append(url)
        seen.append(text)
        for pattern, what in FORBIDDEN:
            for match in pattern.finditer(text):
                problems.append(f"{url}: {what}: …{text[max(0, match.start() - 60) : match.end() + 30]}…")
    assert not problems, "\n".join(problems)
    # The walk is not vacuous: it saw every kind of screen, and the local day and time are shown.
    assert len(walked) > 40
    everything = " ".join(seen)
    assert "2026年12月7日 00:30" in everything and "午夜场（2026-12-07）" in everything
    assert "2026年12月7日" in everything
