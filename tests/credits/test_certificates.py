"""Issuing, snapshots, private storage, refusals, revocation and reinstatement, renewal, reminders, the automatic
and approval paths, and bulk issue."""

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from academy.sms import ConsoleSMSSender
from credits.certificates.services import approval, bulk, issuing, reminders, revocation
from credits.choices import BulkIssueStatus, CertificateRequestStatus, CertificateStatus, IssueMode
from credits.models import Certificate, CertificateReminder, CertificateRequest
from credits.services import CreditActionError
from tests.factories import UserFactory, make_registrar

from .factories import give_credits, make_certificate, make_programme

pytestmark = pytest.mark.django_db


def test_issue_numbers_snapshots_and_stores_the_pdf_privately(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    year = timezone.localdate().year
    assert certificate.number == f"拱三方证〔{year}〕第000001号"
    assert certificate.holder_name == "张晓明" and certificate.programme_title == "小区专员岗前培训"
    assert certificate.credits_snapshot == [{"competency": "法规运用", "code": "FG", "credits": "3"}]
    assert len(certificate.verification_code) == 16
    data = certificate.pdf.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    path = certificate.pdf.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    assert certificate.template_version
    assert ModelLogEntry.objects.filter(action="credits.certificate_issue", object_id=str(certificate.pk)).exists()


def test_second_certificate_takes_the_next_number(certified_world):
    first = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    other = UserFactory(real_name="李秀英")
    give_credits(other, certified_world["fg"], "2.0")
    second = issuing.certificate_issue(holder=other, programme=certified_world["programme"])
    assert first.number.endswith("第000001号") and second.number.endswith("第000002号")


def test_holder_without_real_name_is_refused_with_the_reason(certified_world):
    trainee = certified_world["trainee"]
    trainee.real_name = ""
    trainee.save()
    with pytest.raises(CreditActionError) as error:
        issuing.certificate_issue(holder=trainee, programme=certified_world["programme"])
    assert error.value.code == "no_real_name" and "真实姓名" in error.value.message
    assert not Certificate.objects.exists()


def test_holder_who_does_not_meet_the_programme_is_refused_with_shortfalls(certified_world):
    newcomer = UserFactory(real_name="陈美华")
    with pytest.raises(CreditActionError) as error:
        issuing.certificate_issue(holder=newcomer, programme=certified_world["programme"])
    assert error.value.code == "not_eligible" and error.value.shortfalls
    assert not Certificate.objects.exists()


def test_the_same_programme_period_cannot_be_issued_twice(certified_world):
    issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    with pytest.raises(CreditActionError) as error:
        issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    assert error.value.code == "already_issued"
    assert Certificate.objects.count() == 1


def test_database_refuses_a_second_unrevoked_first_certificate(certified_world):
    from django.db import IntegrityError

    make_certificate(certified_world["trainee"], certified_world["programme"])
    with pytest.raises(IntegrityError):
        make_certificate(certified_world["trainee"], certified_world["programme"], number="拱三方证〔2026〕第000009号")


def test_revoke_without_reason_is_refused_and_changes_nothing(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    with pytest.raises(CreditActionError):
        revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="  ")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_only_registrars_revoke(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    with pytest.raises(CreditActionError):
        revocation.certificate_revoke(actor=certified_world["trainee"], certificate=certificate, reason="x")


def test_revoke_and_reinstate_are_audited_state_changes(certified_world):
    registrar = make_registrar()
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    revocation.certificate_revoke(actor=registrar, certificate=certificate, reason="冒名顶替")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoked_by == registrar
    assert certificate.revoked_reason == "冒名顶替" and certificate.revoked_at is not None
    with pytest.raises(CreditActionError):
        revocation.certificate_reinstate(actor=registrar, certificate=certificate, reason="")
    revocation.certificate_reinstate(actor=registrar, certificate=certificate, reason="核查后系误撤")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID and certificate.revoked_at is None
    actions = list(ModelLogEntry.objects.filter(object_id=str(certificate.pk)).values_list("action", flat=True))
    assert {"credits.certificate_revoke", "credits.certificate_reinstate"} <= set(actions)
    revoke = ModelLogEntry.objects.get(action="credits.certificate_revoke", object_id=str(certificate.pk))
    assert revoke.data["reason"] == "冒名顶替" and revoke.user == registrar


def test_revoked_certificate_is_not_reissued_automatically(certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    revocation.certificate_revoke(actor=make_registrar(), certificate=certificate, reason="冒名顶替")
    assert approval.certificates_check_for(holder=certified_world["trainee"]) == []
    assert Certificate.objects.count() == 1


def test_automatic_issue_after_credits_change(certified_world):
    issued = approval.certificates_check_for(holder=certified_world["trainee"])
    assert len(issued) == 1 and issued[0].issued_by is None


def test_automatic_issue_reads_the_holders_record_once_and_issues_what_it_read(certified_world, monkeypatch):
    """The check judges eligibility, then the issue uses that judgement: the record is read once per programme."""
    from credits import selectors

    reads = []
    original = selectors.trainee_facts

    def counted(**kwargs):
        reads.append(kwargs["trainee"].pk)
        return original(**kwargs)

    monkeypatch.setattr(selectors, "trainee_facts", counted)
    issued = approval.certificates_check_for(holder=certified_world["trainee"])
    assert len(issued) == 1
    assert reads == [certified_world["trainee"].pk]
    assert issued[0].credits_snapshot == [{"competency": "法规运用", "code": "FG", "credits": "3"}]


def test_a_manual_issue_still_judges_the_holder_itself(certified_world):
    trainee = UserFactory(real_name="李秀英")
    with pytest.raises(CreditActionError) as refused:
        issuing.certificate_issue(holder=trainee, programme=certified_world["programme"])
    assert refused.value.code == "not_eligible"


def test_approval_programme_queues_a_request_instead(certified_world):
    programme = certified_world["programme"]
    programme.issue_mode = IssueMode.APPROVAL
    programme.save()
    assert approval.certificates_check_for(holder=certified_world["trainee"]) == []
    approval.certificates_check_for(holder=certified_world["trainee"])
    request = CertificateRequest.objects.get()
    assert request.status == CertificateRequestStatus.PENDING
    registrar = make_registrar()
    certificate = approval.certificate_request_approve(actor=registrar, request=request)
    request.refresh_from_db()
    assert request.status == CertificateRequestStatus.ISSUED and request.certificate == certificate
    assert certificate.issued_by == registrar


def test_decline_needs_a_reason(certified_world):
    request = approval.certificate_request_create(
        holder=certified_world["trainee"], programme=certified_world["programme"]
    )
    with pytest.raises(CreditActionError):
        approval.certificate_request_decline(actor=make_registrar(), request=request, reason="")
    approval.certificate_request_decline(actor=make_registrar(), request=request, reason="资料不全")
    request.refresh_from_db()
    assert request.status == CertificateRequestStatus.DECLINED


def test_course_completion_issues_the_certificate_on_commit(django_capture_on_commit_callbacks):
    from courses import services as course_services
    from tests.courses.factories import make_course

    course = make_course(code="FG-01", credits="2.0", quiz=False, lessons=1)
    programme = make_programme(total="2.0", minimums={course.competency: "2.0"})
    trainee = UserFactory(real_name="王建国")
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrolment_create(user=trainee, course=course)
        for lesson in course.get_lessons():
            course_services.lesson_mark_done(user=trainee, lesson=lesson)
    certificate = Certificate.objects.get(holder=trainee)
    assert certificate.programme == programme and certificate.credits_snapshot[0]["credits"] == "2"


def _expiring(world, *, days_left, renewal="2.0"):
    """The world's trainee holds a certificate issued 700 days ago; the credits they graduated with are older."""
    programme = world["programme"]
    programme.renewal_credits = renewal
    programme.save()
    today = timezone.localdate()
    trainee = world["trainee"]
    holder = UserFactory(real_name="刘志强", phone=trainee.phone.replace("1111", "3333"), email=trainee.email)
    world["trainee"] = holder
    give_credits(holder, world["fg"], "3.0", earned_on=today - timedelta(days=710))
    return make_certificate(
        holder,
        programme,
        number="拱三方证〔2024〕第000777号",
        issued_on=today - timedelta(days=700),
        valid_until=today + timedelta(days=days_left),
    )


def test_reminders_are_sent_once_by_sms_and_email(certified_world, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATIONS_QUIET_HOURS = ""  # the SMS goes through the notification centre: any time of day here
    certified_world["trainee"].email = "zhang@example.org"
    certificate = _expiring(certified_world, days_left=25)
    trainee = certified_world["trainee"]
    ConsoleSMSSender.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.certificate_reminders_send().sent == 1
        assert reminders.certificate_reminders_send().sent == 0
    assert CertificateReminder.objects.get().days_before == 30
    assert len(mail.outbox) == 1 and len(ConsoleSMSSender.outbox) == 1
    assert certificate.number in ConsoleSMSSender.outbox[0].text
    assert ConsoleSMSSender.outbox[0].phone == trainee.phone


def test_reminder_command_runs(certified_world, capsys):
    from django.core.management import call_command

    _expiring(certified_world, days_left=80)
    call_command("send_certificate_reminders")
    assert CertificateReminder.objects.get().days_before == 90


def test_renewal_needs_continuing_credits_then_issues_a_certificate_that_renews_the_old(certified_world):
    old = _expiring(certified_world, days_left=60, renewal="2.0")
    with pytest.raises(CreditActionError) as error:
        issuing.certificate_renew(certificate=old)
    assert error.value.code == "not_eligible"
    give_credits(certified_world["trainee"], certified_world["fg"], "2.0")
    new = issuing.certificate_renew(certificate=old)
    assert new.renews == old and new.valid_until > old.valid_until
    assert new.issued_on == timezone.localdate()
    with pytest.raises(CreditActionError):
        issuing.certificate_renew(certificate=old)


def test_renewal_happens_automatically_when_credits_arrive(certified_world):
    old = _expiring(certified_world, days_left=60, renewal="1.0")
    give_credits(certified_world["trainee"], certified_world["fg"], "1.0")
    issued = approval.certificates_check_for(holder=certified_world["trainee"])
    assert [c.renews for c in issued] == [old]


def test_bulk_issue_counts_issued_and_skipped(certified_world):
    fg = certified_world["fg"]
    for index in range(3):
        give_credits(UserFactory(real_name=f"学员{index}"), fg, "2.0")
    give_credits(UserFactory(real_name=""), fg, "2.0")  # no real name: skipped with a message
    give_credits(UserFactory(real_name="差一点"), fg, "0.5")  # not eligible: skipped
    registrar = make_registrar()
    run = bulk.bulk_issue_run_start(actor=registrar, programme=certified_world["programme"])
    bulk.bulk_issue_run_execute(run=run)
    run.refresh_from_db()
    assert run.status == BulkIssueStatus.DONE
    assert (run.total, run.processed, run.issued, run.skipped, run.failed) == (6, 6, 4, 2, 0)
    assert run.percent == 100
    # Both skipped holders are reported: first the one a person can put right (no real name), then the shortfall.
    assert len(run.messages) == 2 and "真实姓名" in run.messages[0]
    assert run.messages[1].startswith("差一点") and "法规运用" in run.messages[1]
    assert Certificate.objects.count() == 4
