"""Handing in and reviewing through the services: states enforced, files checked, lecturers limited to their
courses, the trainee told, and a required assignment completing the course only once passed."""

import pytest

from assignments import services
from assignments.choices import ReviewOutcome, SubmissionStatus
from assignments.models import Review, Submission, SubmissionFile
from courses.models import CourseCompletion, LessonPage, LessonProgress
from courses.services import lesson_mark_done
from notifications.choices import Channel, Event
from notifications.models import Delivery, Notification
from tests.courses.factories import make_course
from tests.factories import UserFactory, make_registrar

from .factories import TOP_LEVELS, enrolled_trainee, jpeg_bytes, make_assignment, make_lecturer_user, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    return make_assignment()


@pytest.fixture
def trainee(assignment):
    return enrolled_trainee(assignment, real_name="张晓明")


@pytest.fixture
def lecturer(assignment):
    return make_lecturer_user(assignment.course, real_name="王莉")


def hand_in(assignment, user, text="我的方案", uploads=(), **kwargs):
    return services.submission_submit(user=user, assignment=assignment, text=text, uploads=list(uploads), **kwargs)


def review(submission, reviewer, outcome=ReviewOutcome.PASSED, levels=None, feedback="方案清楚，表决程序合法。"):
    return services.submission_review(
        reviewer=reviewer, submission=submission, outcome=outcome, levels=levels or TOP_LEVELS, feedback=feedback
    )


def test_first_hand_in_is_submitted_with_its_files(assignment, trainee):
    submission = hand_in(
        assignment, trainee, uploads=[upload("现场.jpg", jpeg_bytes()), upload("方案.pdf", pdf_bytes())]
    )
    assert submission.status == SubmissionStatus.SUBMITTED and submission.version == 1
    assert sorted(submission.files.values_list("kind", flat=True)) == ["jpeg", "pdf"]
    stored = submission.files.get(kind="jpeg")
    assert stored.file.name.startswith(f"assignments/{submission.pk}/")
    assert "现场" not in stored.file.name  # the stored name is unguessable; the trainee's name is kept aside


def test_trainee_not_enrolled_cannot_hand_in(assignment):
    with pytest.raises(services.AssignmentActionError) as caught:
        hand_in(assignment, UserFactory())
    assert caught.value.code == "not_enrolled"
    assert not Submission.objects.exists()


def test_replacing_before_review_keeps_the_state_and_version(assignment, trainee):
    first = hand_in(assignment, trainee, uploads=[upload("a.pdf", pdf_bytes())])
    old = first.files.get()
    again = hand_in(assignment, trainee, text="改过的方案", remove_file_ids=[old.pk])
    assert again.status == SubmissionStatus.SUBMITTED and again.version == 1
    assert again.text == "改过的方案" and not again.files.exists()


def test_empty_hand_in_is_refused(assignment, trainee):
    with pytest.raises(services.AssignmentActionError) as caught:
        hand_in(assignment, trainee, text="  ")
    assert caught.value.code == "empty"


def test_refused_file_changes_nothing(assignment, trainee):
    hand_in(assignment, trainee, text="第一稿")
    with pytest.raises(services.AssignmentActionError) as caught:
        hand_in(assignment, trainee, text="第二稿", uploads=[upload("photo.jpg", b"MZ" + b"\0" * 100)])
    assert caught.value.code == "file_refused"
    assert Submission.objects.get().text == "第一稿"
    assert not SubmissionFile.objects.exists()


def test_more_files_than_allowed_are_refused(assignment, trainee):
    hand_in(assignment, trainee, uploads=[upload(f"{n}.pdf", pdf_bytes()) for n in range(3)])
    with pytest.raises(services.AssignmentActionError) as caught:
        hand_in(assignment, trainee, uploads=[upload("4.pdf", pdf_bytes())])
    assert caught.value.code == "too_many_files"
    assert SubmissionFile.objects.count() == 3


def test_returned_then_resubmitted_then_passed(assignment, trainee, lecturer):
    submission = hand_in(assignment, trainee)
    review(submission, lecturer, outcome=ReviewOutcome.RETURNED, levels={"c-plan": 2, "c-law": 1})
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    with pytest.raises(services.AssignmentActionError):  # nothing new to review
        review(submission, lecturer)
    submission = hand_in(assignment, trainee, text="修改后的方案")
    assert submission.status == SubmissionStatus.RESUBMITTED and submission.version == 2
    submission = hand_in(assignment, trainee, text="再改一次")  # replacing before the second review
    assert submission.status == SubmissionStatus.RESUBMITTED and submission.version == 2
    review(submission, lecturer)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PASSED
    assert list(Review.objects.order_by("version").values_list("version", "outcome", "points")) == [
        (1, "returned", 3),
        (2, "passed", 15),
    ]


def test_after_passing_nothing_changes(assignment, trainee, lecturer):
    submission = hand_in(assignment, trainee)
    review(submission, lecturer)
    with pytest.raises(services.AssignmentActionError) as caught:
        hand_in(assignment, trainee, text="还想改")
    assert caught.value.code == "not_allowed"
    with pytest.raises(services.AssignmentActionError):
        review(submission, lecturer, outcome=ReviewOutcome.RETURNED)
    assert Submission.objects.get().text == "我的方案"


def test_lecturer_of_another_course_cannot_review(assignment, trainee):
    other = make_lecturer_user(make_course(code="FG-09", quiz=False))
    submission = hand_in(assignment, trainee)
    with pytest.raises(services.AssignmentActionError) as caught:
        review(submission, other)
    assert caught.value.code == "not_allowed"
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_registrar_reviews_any_course(assignment, trainee):
    submission = hand_in(assignment, trainee)
    review(submission, make_registrar())
    assert Submission.objects.get().status == SubmissionStatus.PASSED


def test_review_needs_every_criterion_and_feedback(assignment, trainee, lecturer):
    submission = hand_in(assignment, trainee)
    with pytest.raises(services.AssignmentActionError, match="依法依规"):
        review(submission, lecturer, levels={"c-plan": 0})
    with pytest.raises(services.AssignmentActionError):
        review(submission, lecturer, feedback=" ")
    assert not Review.objects.exists()


def test_trainee_is_told_in_the_inbox_and_by_sms_with_a_link_to_the_feedback(
    assignment, trainee, lecturer, django_capture_on_commit_callbacks
):
    submission = hand_in(assignment, trainee)
    with django_capture_on_commit_callbacks(execute=True):
        review(submission, lecturer, outcome=ReviewOutcome.RETURNED, levels={"c-plan": 1, "c-law": 1})
    notice = Notification.objects.get(recipient=trainee, event=Event.ASSIGNMENT_REVIEWED)
    assert "组织一次业主大会的方案" in notice.body and "退回" in notice.body
    assert notice.link == f"/assignments/{assignment.pk}/"
    assert Delivery.objects.filter(notification=notice, channel=Channel.SMS, address=trainee.phone).exists()


def test_required_assignment_completes_the_course_only_once_passed(assignment, trainee, lecturer):
    lesson = LessonPage.objects.child_of(assignment.course).get()
    lesson_mark_done(user=trainee, lesson=lesson)
    assert LessonProgress.objects.filter(user=trainee).exists()
    assert not CourseCompletion.objects.filter(user=trainee).exists()  # lessons done, assignment not passed
    submission = hand_in(assignment, trainee)
    review(submission, lecturer, outcome=ReviewOutcome.RETURNED)
    assert not CourseCompletion.objects.filter(user=trainee).exists()
    review(hand_in(assignment, trainee, text="修改稿"), lecturer)
    assert CourseCompletion.objects.filter(user=trainee, course=assignment.course).exists()


def test_optional_assignment_does_not_hold_back_completion(trainee, assignment):
    assignment.required_for_completion = False
    assignment.save()
    lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(assignment.course).get())
    assert CourseCompletion.objects.filter(user=trainee).exists()
