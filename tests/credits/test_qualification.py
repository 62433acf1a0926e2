""" "Qualified for a post" means one thing everywhere: holding a valid certificate of a qualifying programme. The
street report, the admin-home chart, the appointment check and the eligibility API read the same standing, and
"requirements met, certificate pending" is its own state with its own name."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from credits import rules, services
from credits.choices import CertificateStatus
from credits.models import Appointment
from credits.posts import selectors as post_selectors
from credits.posts import services as post_services
from credits.reports import queries
from tests.courses.factories import CompetencyFactory
from tests.factories import StreetFactory, UserFactory, make_registrar

from .factories import give_credits, make_certificate, make_post, make_programme

pytestmark = pytest.mark.django_db
S = rules.Standing


@pytest.fixture
def world(staff_groups):
    cache.clear()
    fg = CompetencyFactory(code="FG", name="法规运用")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    return {"fg": fg, "programme": programme, "post": make_post(programme), "registrar": make_registrar(street=None)}


def _meets(world, trainee):
    give_credits(trainee, world["fg"], "2.0", earned_on=timezone.localdate() - timedelta(days=5))


def _expired(world, trainee):
    today = timezone.localdate()
    make_certificate(trainee, world["programme"], issued_on=date(2020, 1, 1), valid_until=today - timedelta(days=1))


def _revoked(world, trainee):
    make_certificate(
        trainee,
        world["programme"],
        status=CertificateStatus.REVOKED,
        revoked_at=timezone.now(),
        revoked_reason="冒名顶替",
    )


# name: (how the trainee is set up, the standing everyone must report)
SITUATIONS = {
    "nothing-done": (lambda world, trainee: None, S.NOT_STARTED),
    "started-requirements-unmet": (
        lambda world, trainee: give_credits(trainee, world["fg"], "0.5", earned_on=timezone.localdate()),
        S.IN_PROGRESS,
    ),
    "requirements-met-no-certificate": (_meets, S.REQUIREMENTS_MET),
    "valid-certificate": (lambda world, trainee: make_certificate(trainee, world["programme"]), S.QUALIFIED),
    "expired-certificate": (_expired, S.NOT_STARTED),
    "expired-certificate-requirements-met": (
        lambda world, trainee: (_expired(world, trainee), _meets(world, trainee)),
        S.REQUIREMENTS_MET,
    ),
    "revoked-certificate": (_revoked, S.NOT_STARTED),
}


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_street_report_and_appointment_check_agree_for_every_standing(world, situation):
    set_up, expected = SITUATIONS[situation]
    street = StreetFactory(name="湖墅街道")
    trainee = UserFactory(street=street, party="rc")
    set_up(world, trainee)

    (row,) = queries.qualification_by_street(viewer=world["registrar"], street=street, post=world["post"])
    in_report = [standing for standing in S.ORDER if row.count(standing)]
    standing = post_selectors.post_standing(trainee=trainee, post=world["post"])
    assert in_report == [expected]
    assert standing.standing == expected

    try:
        post_services.appointment_create(
            actor=world["registrar"], trainee=trainee, post=world["post"], street=street, start_date=date(2026, 12, 7)
        )
        appointed = True
    except services.CreditActionError as error:
        assert error.code == "not_qualified" and error.shortfalls
        appointed = False
    # Qualified in the report exactly when the appointment is allowed without an override.
    assert appointed == (row.qualified == 1) == standing.qualified == (expected == S.QUALIFIED)
    assert Appointment.objects.exists() == appointed


def test_pending_certificate_is_named_and_not_counted_as_qualified(world):
    street = StreetFactory(name="湖墅街道")
    pending, holder = UserFactory(street=street, party="rc"), UserFactory(street=street, party="rc")
    _meets(world, pending)
    make_certificate(holder, world["programme"])
    (row,) = queries.qualification_by_street(viewer=world["registrar"], street=street, post=world["post"])
    assert (row.trainees, row.qualified, row.requirements_met, row.qualified_percent) == (2, 1, 1, 50)
    standing = post_selectors.post_standing(trainee=pending, post=world["post"])
    assert standing.shortfalls == ["已达到《小区专员岗前培训》结业标准，但证书尚未签发。"]


def test_admin_report_and_chart_show_the_pending_state_by_its_own_name(client, world):
    street = StreetFactory(name="湖墅街道")
    _meets(world, UserFactory(street=street, party="rc"))
    client.force_login(world["registrar"])
    html = client.get(reverse("academy_reports:qualification_by_street"), {"street": street.pk}).content.decode()
    assert "已达结业标准，证书待发" in html and "具备上岗资格" in html
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "已达结业标准，证书待发" in home
