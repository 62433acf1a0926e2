"""Every staff action on credits, certificates, appointments, roles, imports and API tokens is in Wagtail's audit log
with who, when and what: one table-driven case per action kind."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from wagtail.log_actions import LogContext, registry
from wagtail.models import ModelLogEntry

from academy import roster
from academy.roles import EDITORS
from academy.services import roster_import
from courses import services as course_services
from credits import services as credit_services
from credits.certificates.services import approval, bulk, files, issuing, revocation
from credits.choices import IssueMode
from credits.posts import services as post_services
from notifications.services import staff_notice_send
from tests.courses.factories import make_session
from tests.credits.conftest import certified_world  # noqa: F401  (fixture)
from tests.credits.factories import give_credits, make_post
from tests.factories import StreetFactory, UserFactory, make_registrar

pytestmark = pytest.mark.django_db


def _approval_request(w):
    w["programme"].issue_mode = IssueMode.APPROVAL
    w["programme"].save()
    return approval.certificate_request_create(holder=w["trainee"], programme=w["programme"])


def _issued(w):
    return issuing.certificate_issue(holder=w["trainee"], programme=w["programme"])


def _attendance_workbook(phone: str) -> SimpleUploadedFile:
    workbook = Workbook()
    workbook.active.append(["手机号", "状态"])
    workbook.active.append([phone, "出席"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("attendance.xlsx", buffer.getvalue())


def _running_session_with(w):
    session = make_session(starts_in=timedelta(minutes=-5))
    course_services.session_registration_add(actor=w["actor"], user=w["trainee"], session=session)
    return session


def adjust(w):
    return credit_services.credit_adjust(
        actor=w["actor"], trainee=w["trainee"], competency=w["fg"], amount="1.0", reason="补录"
    )


def reverse(w):
    entry = give_credits(w["trainee"], w["fg"], "1.0")
    return credit_services.credit_reverse(actor=w["actor"], entry=entry, reason="录错")


def issue(w):
    return issuing.certificate_issue(holder=w["trainee"], programme=w["programme"], actor=w["actor"])


def approve(w):
    request = _approval_request(w)
    approval.certificate_request_approve(actor=w["actor"], request=request)
    return request


def decline(w):
    return approval.certificate_request_decline(actor=w["actor"], request=_approval_request(w), reason="材料不全")


def revoke(w):
    return revocation.certificate_revoke(actor=w["actor"], certificate=_issued(w), reason="冒名顶替")


def reinstate(w):
    certificate = revocation.certificate_revoke(actor=w["actor"], certificate=_issued(w), reason="误操作")
    return revocation.certificate_reinstate(actor=w["actor"], certificate=certificate, reason="撤销有误")


def regenerate(w):
    return files.certificate_render_pdf(certificate=_issued(w), actor=w["actor"])


def bulk_issue(w):
    return bulk.bulk_issue_run_start(actor=w["actor"], programme=w["programme"])


def appoint(w):
    _issued(w)
    post = make_post(w["programme"])
    return post_services.appointment_create(
        actor=w["actor"], trainee=w["trainee"], post=post, street=w["trainee"].street, start_date=timezone.localdate()
    )


def appoint_override(w):
    post = make_post(w["programme"])
    return post_services.appointment_create(
        actor=w["actor"], trainee=w["trainee"], post=post, street=w["trainee"].street,
        start_date=timezone.localdate(), override_reason="急需上岗，年内补训",
    )  # fmt: skip


def add_to_group(w):
    with LogContext(user=w["actor"]):
        w["trainee"].groups.add(Group.objects.get_or_create(name=EDITORS)[0])
    return w["trainee"]


def remove_from_group(w):
    group = Group.objects.get_or_create(name=EDITORS)[0]
    w["trainee"].groups.add(group)
    ModelLogEntry.objects.all().delete()
    with LogContext(user=w["actor"]):
        w["trainee"].groups.remove(group)
    return w["trainee"]


def import_roster(w):
    street = StreetFactory(name="湖墅街道")
    records = [(2, {"phone": "13800000077", "name": "周七", "party": "居委会", "street": street.name, "community": ""})]
    assert roster.check_rows(records).ok, roster.check_rows(records).problems
    roster_import(actor=w["actor"], records=records)
    return w["actor"]


def import_attendance(w):
    session = _running_session_with(w)
    course_services.attendance_import(actor=w["actor"], session=session, file=_attendance_workbook(w["trainee"].phone))
    return session


def mark_attendance(w):
    session = _running_session_with(w)
    course_services.attendance_mark(actor=w["actor"], session=session, user=w["trainee"], status="present")
    return session


def send_notice(w):
    session = _running_session_with(w)
    staff_notice_send(actor=w["actor"], recipients=[w["trainee"]], title="停课通知", text="明天停课。", about=session)
    return session


def create_token(w):
    client, _token = credit_services.api_client_create(actor=w["actor"], name="街道基层治理平台")
    return client


def revoke_token(w):
    client, _token = credit_services.api_client_create(actor=w["actor"], name="街道基层治理平台")
    return credit_services.api_client_revoke(actor=w["actor"], client=client)


CASES = [
    ("credits.adjust", adjust, "reason"),
    ("credits.reverse", reverse, "reason"),
    ("credits.certificate_issue", issue, "number"),
    ("credits.certificate_approve", approve, "number"),
    ("credits.certificate_decline", decline, "reason"),
    ("credits.certificate_revoke", revoke, "reason"),
    ("credits.certificate_reinstate", reinstate, "reason"),
    ("credits.certificate_render", regenerate, "sha256"),
    ("credits.bulk_issue", bulk_issue, "programme"),
    ("credits.appointment_create", appoint, "certificate"),
    ("credits.appointment_override", appoint_override, "reason"),
    ("academy.groups_change", add_to_group, "added"),
    ("academy.groups_change", remove_from_group, "removed"),
    ("academy.roster_import", import_roster, "created"),
    ("courses.attendance_import", import_attendance, "recorded"),
    ("courses.attendance_mark", mark_attendance, "trainee"),
    ("notifications.staff_notice", send_notice, "recipients"),
    ("credits.api_client_create", create_token, "token_prefix"),
    ("credits.api_client_revoke", revoke_token, "token_prefix"),
]


@pytest.mark.parametrize(("action", "perform", "detail"), CASES, ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_staff_action_is_in_the_audit_log_with_who_when_and_what(certified_world, action, perform, detail):  # noqa: F811
    actor = make_registrar()
    trainee = certified_world["trainee"]
    w = {**certified_world, "actor": actor, "trainee": trainee}
    started = timezone.now()
    instance = perform(w)
    entries = ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk))
    assert entries.exists(), f"no {action} entry for {instance!r}"
    entry = entries.latest("timestamp")
    assert entry.user_id == actor.pk
    assert entry.timestamp >= started - timedelta(seconds=1)
    assert entry.data.get(detail) not in (None, "", []), entry.data
    assert registry.action_exists(action)  # registered, so the admin's history shows a readable label


def test_group_change_from_the_groups_side_is_logged_for_each_person(db):
    actor = make_registrar()
    people = [UserFactory(), UserFactory()]
    group = Group.objects.get_or_create(name=EDITORS)[0]
    with LogContext(user=actor):
        group.user_set.add(*people)
        group.user_set.clear()
    for person in people:
        entries = ModelLogEntry.objects.filter(action="academy.groups_change", object_id=str(person.pk), user=actor)
        assert [e.data for e in entries.order_by("timestamp", "pk")] == [
            {"added": [EDITORS], "removed": []},
            {"added": [], "removed": [EDITORS]},
        ]
