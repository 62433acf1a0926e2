"""Personal-data rights (PIPL): a trainee's download of all their data, and deleting (anonymising) an account.

The rule being proved is the one in docs/security.md ("Deleting an account").
"""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from wagtail.models import ModelLogEntry

from academy.models import User
from academy.privacy import ANONYMISED_NAME, AccountDeletionRefused, account_anonymise
from courses.models import CourseFeedback
from credits import selectors as credit_selectors
from credits.certificates.services import issuing
from credits.choices import CertificateStatus
from credits.models import Certificate, CreditEntry
from home.models import EventSignup
from home.services import event_signup_create
from tests.courses.factories import CompetencyFactory, make_course
from tests.credits.factories import give_credits, make_programme
from tests.factories import PASSWORD, UserFactory, make_editor, make_registrar, make_street_administrator
from tests.home.conftest import event_index, home, make_event, venue  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

DOWNLOAD_URL = "/accounts/my-data.zip"
DELETE_URL = "/accounts/delete/"


@pytest.fixture
def world(make_event):  # noqa: F811
    """A trainee with credits, a certificate, course feedback and two event sign-ups (one made without logging
    in, with the same phone), and another trainee with their own records."""
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    trainee = UserFactory(real_name="张晓明", phone="+8613911112222", email="zxm@example.com")
    give_credits(trainee, fg, "3.0")
    certificate = issuing.certificate_issue(holder=trainee, programme=programme)
    course = make_course(code="FG-01")
    _paper_with_answers(trainee, course)
    CourseFeedback.objects.create(
        user=trainee, course=course, content_rating=5, lecturer_rating=4, usefulness_rating=5, comment="我家住在3栋"
    )
    event = make_event(signup_enabled=True)
    event_signup_create(event=event, name="张晓明", phone="13911112222", user=trainee)
    other_event = make_event(title="侨胞之家茶话会", signup_enabled=True)
    event_signup_create(event=other_event, name="张晓明", phone="13911112222")  # without logging in
    other = UserFactory(real_name="李四", phone="+8613933334444")
    give_credits(other, fg, "1.0")
    event_signup_create(event=event, name="李四", phone="13933334444")
    return {"trainee": trainee, "other": other, "certificate": certificate, "fg": fg, "event": event}


def _paper_with_answers(trainee, course):
    """A submitted paper drawn from the bank, and an open one of a second course with one answer saved."""
    from assessments import services as bank_services
    from assessments.models import Blueprint, BlueprintPool
    from courses import services as course_services
    from tests.assessments.factories import make_question

    for number in range(4):
        make_question(competency=course.competency, text=f"业主大会题{number}")
    second = make_course(course.get_parent().specific, code="FG-02", competency=course.competency)
    for quiz_course in (course, second):
        blueprint = Blueprint.objects.create(quiz=quiz_course.quiz)
        BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=2)
        course_services.enrolment_create(user=trainee, course=quiz_course)
    paper = bank_services.paper_open(user=trainee, quiz=course.quiz)
    answers = {entry_id: entry["correct"] for entry_id, entry in paper.key.items()}
    course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    open_paper = bank_services.paper_open(user=trainee, quiz=second.quiz)
    question = open_paper.questions[0]
    bank_services.paper_answers_save(paper=open_paper, answers={question["id"]: [question["options"][1]["id"]]})


def read_archive(response) -> tuple[dict, set[str]]:
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return json.loads(archive.read("personal-data.json")), set(archive.namelist())


# Download ------------------------------------------------------------------------------------------------------


def test_download_needs_login(client):
    response = client.get(DOWNLOAD_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_trainee_downloads_every_section_of_their_own_data_with_transcript_and_certificate(client, world):
    trainee, certificate = world["trainee"], world["certificate"]
    client.force_login(trainee)
    response = client.get(DOWNLOAD_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    data, names = read_archive(response)
    assert {"transcript.pdf", f"certificates/{certificate.verification_code}.pdf"} <= names
    for section in (
        "profile", "enrolments", "lesson_progress", "quiz_attempts", "course_completions", "credit_ledger",
        "offline_hours", "session_registrations", "session_attendance", "course_feedback", "certificates",
        "appointments", "event_signups", "video_progress", "time_on_lessons", "quiz_papers",
    ):  # fmt: skip
        assert section in data, section
    # Their papers as shown, with the answers given (submitted) and saved (open); never an open paper's key.
    submitted, open_paper = sorted(data["quiz_papers"], key=lambda row: not row["submitted"])
    assert submitted["submitted"] and submitted["score"] == 100 and len(submitted["answers"]) == 2
    assert {question["text"] for question in submitted["questions"]} <= {f"业主大会题{n}" for n in range(4)}
    assert not open_paper["submitted"] and len(open_paper["saved_answers"]) == 1 and open_paper["answers"] is None
    assert "correct" not in json.dumps(data["quiz_papers"])
    assert data["profile"]["phone"] == "+8613911112222" and data["profile"]["real_name"] == "张晓明"
    assert [row["amount"] for row in data["credit_ledger"]] == ["3.0"]
    assert data["certificates"][0]["number"] == certificate.number
    assert data["course_feedback"][0]["comment"] == "我家住在3栋"
    # Both sign-ups made with their phone, with the account or without it.
    assert sorted(row["with_account"] for row in data["event_signups"]) == [False, True]


def test_download_holds_nothing_of_another_trainee(client, world):
    client.force_login(world["trainee"])
    data, _names = read_archive(client.get(DOWNLOAD_URL))
    text = json.dumps(data, ensure_ascii=False)
    assert "李四" not in text and "13933334444" not in text
    assert len(data["credit_ledger"]) == 1


def test_download_ignores_any_attempt_to_name_another_user(client, world):
    client.force_login(world["trainee"])
    data, _names = read_archive(client.get(DOWNLOAD_URL, {"user": world["other"].pk, "pk": world["other"].pk}))
    assert data["profile"]["real_name"] == "张晓明"


def test_downloads_are_limited_per_person_with_a_translated_429(client, world, settings):
    settings.PERSONAL_DATA_DOWNLOAD_RATE = "2/h"
    client.force_login(world["trainee"])
    assert [client.get(DOWNLOAD_URL).status_code for _ in range(2)] == [200, 200]
    refused = client.get(DOWNLOAD_URL)
    assert refused.status_code == 429 and refused["Content-Type"].startswith("text/html")
    assert "您在一小时内已多次下载个人数据" in refused.content.decode()
    # The limit is the person's own: another trainee is not refused because of them.
    client.force_login(world["other"])
    assert client.get(DOWNLOAD_URL).status_code == 200


# Deletion: the steps --------------------------------------------------------------------------------------------


def reauthenticate(client, password=PASSWORD):
    """Go through allauth's reauthentication (password), as the browser does after being sent there."""
    return client.post("/accounts/reauthenticate/", {"password": password})


def test_deletion_first_asks_for_the_password_again(client, world):
    client.force_login(world["trainee"])
    response = client.get(DELETE_URL)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert User.objects.get(pk=world["trainee"].pk).is_active


def test_a_post_without_reauthentication_deletes_nothing(client, world):
    client.force_login(world["trainee"])
    response = client.post(DELETE_URL, {"confirm": "on"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert User.objects.get(pk=world["trainee"].pk).real_name == "张晓明"


def test_a_wrong_password_does_not_reauthenticate(client, world):
    client.force_login(world["trainee"])
    reauthenticate(client, password="wrong-password")
    assert client.get(DELETE_URL).status_code == 302


def test_deletion_needs_the_confirmation_box_ticked(client, world):
    client.force_login(world["trainee"])
    reauthenticate(client)
    page = client.get(DELETE_URL)
    assert page.status_code == 200 and "持证人申请注销" in page.content.decode()
    response = client.post(DELETE_URL, {})
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    assert User.objects.get(pk=world["trainee"].pk).is_active


def test_trainee_deletes_their_account_end_to_end_and_is_signed_out(client, world):
    trainee = world["trainee"]
    client.force_login(trainee)
    reauthenticate(client)
    response = client.post(DELETE_URL, {"confirm": "on"})
    assert response.status_code == 200 and "已注销" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/profile/").status_code == 302
    assert not client.login(username=trainee.username, password=PASSWORD)
    gone = User.objects.get(pk=trainee.pk)
    assert gone.real_name == ANONYMISED_NAME and not gone.is_active


@pytest.mark.parametrize(
    "make_staff", [make_registrar, make_editor, lambda: make_street_administrator(UserFactory().street)]
)
def test_staff_cannot_delete_their_own_account(client, make_staff):
    staff = make_staff()
    client.force_login(staff)
    reauthenticate(client)
    response = client.post(DELETE_URL, {"confirm": "on"})
    assert response.status_code == 403
    assert User.objects.get(pk=staff.pk).is_active
    with pytest.raises(AccountDeletionRefused):
        account_anonymise(user=staff)


def test_superuser_cannot_delete_their_own_account(db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(AccountDeletionRefused):
        account_anonymise(user=admin)


# Deletion: what it does -----------------------------------------------------------------------------------------


def test_anonymising_erases_the_person_but_keeps_ledger_totals(world):
    trainee, fg = world["trainee"], world["fg"]
    balance_before = credit_selectors.credit_balance(trainee=trainee, competency=fg)
    rows_before = CreditEntry.objects.filter(trainee=trainee).count()
    account_anonymise(user=trainee)
    gone = User.objects.get(pk=trainee.pk)
    assert gone.real_name == ANONYMISED_NAME and gone.display_name == ANONYMISED_NAME
    assert gone.phone is None and gone.email == "" and not gone.phone_verified
    assert (gone.party, gone.organisation, gone.job_title, gone.compound) == ("", "", "", "")
    assert gone.street_id is None and gone.community_id is None
    assert not gone.has_usable_password() and not gone.is_active
    assert "13911112222" not in gone.username
    assert CreditEntry.objects.filter(trainee=gone).count() == rows_before
    assert credit_selectors.credit_balance(trainee=gone, competency=fg) == balance_before == Decimal("3.0")


def test_certificates_are_revoked_at_the_holders_request_with_masked_name_and_no_pdf(
    world, client, django_capture_on_commit_callbacks
):
    certificate = world["certificate"]
    stored_pdf = certificate.pdf.name
    with django_capture_on_commit_callbacks(execute=True):  # the stored PDF is deleted once the deletion commits
        account_anonymise(user=world["trainee"])
    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_reason == "持证人申请注销"
    assert certificate.holder_name == "张*明"
    assert not certificate.pdf and not Certificate.pdf.field.storage.exists(stored_pdf)
    assert certificate.number == world["certificate"].number  # the number stays allocated
    body = client.get(f"/verify/{certificate.verification_code_display}/").content.decode()
    assert "被撤销" in body and "持证人申请注销" in body and "张*明" in body and "张晓明" not in body


def test_event_signups_with_the_account_or_its_phone_are_deleted_and_others_kept(world):
    account_anonymise(user=world["trainee"])
    assert not EventSignup.objects.filter(phone="+8613911112222").exists()
    assert EventSignup.objects.filter(phone="+8613933334444").exists()


def test_feedback_comments_are_blanked_but_ratings_kept(world):
    account_anonymise(user=world["trainee"])
    feedback = CourseFeedback.objects.get(user=world["trainee"])
    assert feedback.comment == "" and feedback.content_rating == 5


def test_every_session_of_the_account_is_killed(client, world):
    trainee = world["trainee"]
    other_device = type(client)()
    other_device.force_login(trainee)
    client.force_login(trainee)
    before = Session.objects.count()
    account_anonymise(user=trainee)
    assert Session.objects.count() == before - 2
    assert other_device.get("/accounts/profile/").status_code == 302


def test_deletion_is_audited_without_personal_data(world):
    trainee = world["trainee"]
    account_anonymise(user=trainee)
    entry = ModelLogEntry.objects.get(action="academy.account_delete", object_id=str(trainee.pk))
    assert entry.user_id == trainee.pk and entry.label == ANONYMISED_NAME
    assert entry.data["certificates_revoked"] == 1 and entry.data["event_signups_deleted"] == 2
    assert "13911112222" not in json.dumps(entry.data) and "张晓明" not in json.dumps(entry.data, ensure_ascii=False)
    revoke = ModelLogEntry.objects.get(action="credits.certificate_revoke", object_id=str(world["certificate"].pk))
    assert revoke.data["reason"] == "持证人申请注销" and revoke.user_id == trainee.pk


def test_an_account_is_deleted_once(world):
    account_anonymise(user=world["trainee"])
    with pytest.raises(AccountDeletionRefused):
        account_anonymise(user=User.objects.get(pk=world["trainee"].pk))


def test_the_other_trainee_is_untouched(world):
    account_anonymise(user=world["trainee"])
    other = User.objects.get(pk=world["other"].pk)
    assert other.real_name == "李四" and other.phone == "+8613933334444" and other.is_active
