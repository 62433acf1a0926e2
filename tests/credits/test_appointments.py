"""Appointments: refused without a certificate (with the shortfalls), allowed with one, overrides need a reason
and are audited; street administrators act only in their own street."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Competency
from credits import services
from credits.choices import CertificateStatus
from credits.models import Appointment
from credits.posts import selectors as post_selectors
from credits.posts import services as post_services
from tests.courses.factories import CompetencyFactory
from tests.factories import StreetFactory, UserFactory, make_registrar, make_street_administrator, with_admin_access

from .factories import make_certificate, make_post, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    street = StreetFactory(name="湖墅街道")
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    post = make_post(programme)
    return {"street": street, "programme": programme, "post": post, "trainee": UserFactory(street=street)}


def appoint(actor, setting, **kwargs):
    return post_services.appointment_create(
        actor=actor, trainee=setting["trainee"], post=setting["post"], street=setting["street"],
        start_date=date(2026, 12, 1), compound="信义坊小区", **kwargs,
    )  # fmt: skip


def test_appointment_without_certificate_is_refused_with_shortfalls(setting):
    with pytest.raises(services.CreditActionError) as error:
        appoint(make_registrar(), setting)
    assert error.value.code == "not_qualified"
    assert error.value.shortfalls == [
        "《小区专员岗前培训》：法规运用还差 1.5 学分",
        "《小区专员岗前培训》：总学分还差 2 学分",
    ]
    assert not Appointment.objects.exists()


def test_appointment_with_a_valid_certificate_is_allowed(setting):
    certificate = make_certificate(setting["trainee"], setting["programme"])
    appointment = appoint(make_registrar(), setting)
    assert appointment.certificate == certificate and appointment.override_reason == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"valid_until": timezone.localdate() - timedelta(days=1), "issued_on": date(2020, 1, 1)},
        {"status": CertificateStatus.REVOKED, "revoked_at": timezone.now(), "revoked_reason": "冒名顶替"},
    ],
    ids=["expired", "revoked"],
)
def test_expired_or_revoked_certificate_does_not_qualify(setting, changes):
    make_certificate(setting["trainee"], setting["programme"], **changes)
    with pytest.raises(services.CreditActionError):
        appoint(make_registrar(), setting)
    assert not Appointment.objects.exists()


def test_certificate_of_a_programme_that_does_not_qualify_is_not_enough(setting):
    other = make_programme(title="业委会委员履职培训", slug="oc-programme", party="oc")
    make_certificate(setting["trainee"], other)
    with pytest.raises(services.CreditActionError):
        appoint(make_registrar(), setting)


def test_override_without_reason_is_refused_and_with_reason_is_audited(setting):
    registrar = make_registrar()
    with pytest.raises(services.CreditActionError):
        appoint(registrar, setting, override_reason="   ")
    assert not Appointment.objects.exists()
    appointment = appoint(registrar, setting, override_reason="街道急需，证书补发中")
    assert appointment.certificate is None and appointment.override_reason == "街道急需，证书补发中"
    log = ModelLogEntry.objects.get(action="credits.appointment_override")
    assert log.user == registrar and log.data["reason"] == "街道急需，证书补发中" and log.data["shortfalls"]


def test_street_administrator_cannot_override(setting):
    admin = make_street_administrator(setting["street"])
    with pytest.raises(services.CreditActionError) as error:
        appoint(admin, setting, override_reason="我觉得可以")
    assert error.value.code == "not_allowed"
    assert not Appointment.objects.exists()


def test_street_administrator_appoints_only_in_their_own_street(setting):
    make_certificate(setting["trainee"], setting["programme"])
    other_street = StreetFactory(name="米市巷街道")
    stranger = make_street_administrator(other_street)
    with pytest.raises(services.CreditActionError):
        appoint(stranger, setting)
    own = make_street_administrator(setting["street"])
    assert appoint(own, setting).created_by == own


def test_post_holders_list_is_scoped_to_the_street_and_says_who_is_qualified(setting):
    registrar = make_registrar()
    make_certificate(setting["trainee"], setting["programme"])
    appoint(registrar, setting)
    other_street = StreetFactory(name="米市巷街道")
    outsider = UserFactory(street=other_street)
    post_services.appointment_create(
        actor=registrar, trainee=outsider, post=setting["post"], street=other_street, start_date=date(2026, 12, 1),
        override_reason="试点",
    )  # fmt: skip
    mine = list(post_selectors.appointments_visible_to(make_street_administrator(setting["street"])))
    assert [(a.trainee, a.qualified_now) for a in mine] == [(setting["trainee"], True)]
    everyone = {a.trainee: a.qualified_now for a in post_selectors.appointments_visible_to(registrar)}
    assert everyone == {setting["trainee"]: True, outsider: False}
    assert list(post_selectors.appointments_visible_to(UserFactory())) == []


def test_admin_post_holders_list_hides_other_streets(client, setting):
    registrar = make_registrar()
    make_certificate(setting["trainee"], setting["programme"])
    appoint(registrar, setting)
    other_street = StreetFactory(name="米市巷街道")
    admin = make_street_administrator(other_street)
    with_admin_access(admin)
    client.force_login(admin)
    response = client.get("/admin/credits/appointments/")
    assert response.status_code == 200
    assert setting["trainee"].real_name not in response.content.decode()
    appointment = Appointment.objects.get()
    assert client.get(f"/admin/credits/appointments/inspect/{appointment.pk}/").status_code in (403, 404)
    assert Competency.objects.exists()


def appointment_form(setting, **changes):
    trainee = setting["trainee"]
    return {
        "trainee": trainee.phone[3:], "post": setting["post"].pk, "street": setting["street"].pk, "community": "",
        "compound": "信义坊小区", "start_date": "2026-12-07", "override_reason": "", **changes,
    }  # fmt: skip


@pytest.mark.parametrize("role", ["registrar", "street_administrator"])
@pytest.mark.parametrize("override_reason", ["", "   "], ids=["no-reason", "blank-reason"])
def test_admin_appointing_someone_unqualified_shows_the_shortfalls_and_saves_nothing(
    client, staff_groups, setting, role, override_reason
):
    staff = make_registrar() if role == "registrar" else make_street_administrator(setting["street"])
    client.force_login(staff)
    response = client.post(
        "/admin/credits/appointments/new/", appointment_form(setting, override_reason=override_reason)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{setting['trainee'].display_name} 不具备小区专员的上岗资格。" in body
    for shortfall in ["法规运用还差 1.5 学分", "总学分还差 2 学分"]:
        assert shortfall in body
    assert 'name="trainee"' in body  # the form itself comes back, filled in, to be corrected
    assert not Appointment.objects.exists()


def test_admin_override_with_a_reason_appoints_and_redirects(client, staff_groups, setting):
    client.force_login(make_registrar())
    response = client.post("/admin/credits/appointments/new/", appointment_form(setting, override_reason="街道急需"))
    assert response.status_code == 302
    assert Appointment.objects.get().override_reason == "街道急需"
