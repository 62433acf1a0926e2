"""Services: enrolment with prerequisites, lesson progress, server-side quiz scoring and completion once."""

import pytest

from courses import services
from courses.models import CourseCompletion, Enrolment, LessonPage, LessonProgress, QuizAttempt
from courses.signals import course_completed
from tests.factories import UserFactory

from .factories import make_course, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee():
    return UserFactory()


@pytest.fixture
def course():
    return make_course(code="FG-01", lessons=2, questions=3, max_attempts=2)


@pytest.fixture
def completions():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    course_completed.connect(receiver, dispatch_uid="test-receiver")
    yield received
    course_completed.disconnect(dispatch_uid="test-receiver")


def finish_lessons(user, course):
    for lesson in LessonPage.objects.child_of(course):
        services.lesson_mark_done(user=user, lesson=lesson)


def test_enrolling_twice_keeps_one_enrolment(trainee, course):
    services.enrolment_create(user=trainee, course=course)
    services.enrolment_create(user=trainee, course=course)
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1


def test_missing_prerequisite_is_named_and_nothing_is_recorded(trainee, course):
    advanced = make_course(code="FG-02", title="物业纠纷调处进阶", prerequisites=(course,))
    with pytest.raises(services.CourseActionError) as error:
        services.enrolment_create(user=trainee, course=advanced)
    assert course.title in error.value.message and "FG-01" in error.value.message
    assert not Enrolment.objects.filter(user=trainee).exists()


def test_completed_prerequisite_allows_enrolment(trainee, course):
    advanced = make_course(code="FG-02", prerequisites=(course,))
    services.enrolment_create(user=trainee, course=course)
    finish_lessons(trainee, course)
    services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    assert services.enrolment_create(user=trainee, course=advanced).course == advanced


def test_lesson_cannot_be_marked_done_without_enrolment(trainee, course):
    lesson = LessonPage.objects.child_of(course).first()
    with pytest.raises(services.CourseActionError):
        services.lesson_mark_done(user=trainee, lesson=lesson)
    assert not LessonProgress.objects.exists()


def test_course_completes_once_lessons_are_done_and_quiz_is_passed(trainee, course, completions):
    services.enrolment_create(user=trainee, course=course)
    finish_lessons(trainee, course)
    assert not CourseCompletion.objects.exists()
    attempt = services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    assert attempt.passed and attempt.score == 100
    completion = CourseCompletion.objects.get(user=trainee, course=course)
    assert completions == [{"signal": course_completed, "user": trainee, "course": course, "completion": completion}]


def test_second_completion_check_sends_no_second_signal(trainee, course, completions):
    services.enrolment_create(user=trainee, course=course)
    finish_lessons(trainee, course)
    services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    again = services.course_completion_check(user=trainee, course=course)
    finish_lessons(trainee, course)
    assert again == CourseCompletion.objects.get()
    assert len(completions) == 1


def test_course_without_quiz_completes_when_required_lessons_are_done(trainee, completions):
    course = make_course(code="ZZ-01", lessons=2, quiz=False)
    optional = LessonPage.objects.child_of(course).last()
    optional.required = False
    optional.save_revision().publish()
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).first())
    assert CourseCompletion.objects.filter(user=trainee, course=course).exists()
    assert len(completions) == 1


def test_offline_course_never_completes_online(trainee):
    course = make_course(code="ZZ-02", lessons=1, quiz=False, delivery_mode="offline")
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).first())
    assert not CourseCompletion.objects.exists()


def test_a_receiver_failure_rolls_back_the_completion(trainee, course):
    def broken(sender, **kwargs):
        raise RuntimeError("credits service down")

    services.enrolment_create(user=trainee, course=course)
    finish_lessons(trainee, course)
    course_completed.connect(broken, dispatch_uid="broken")
    try:
        with pytest.raises(RuntimeError):
            services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    finally:
        course_completed.disconnect(dispatch_uid="broken")
    assert not CourseCompletion.objects.exists()
    assert not QuizAttempt.objects.exists()


def test_wrong_answers_are_scored_and_listed(trainee, course):
    services.enrolment_create(user=trainee, course=course)
    answers = right_answers(course)
    answers[f"c{course.pk}q2"] = [f"c{course.pk}q2b"]
    answers[f"c{course.pk}q1"] = [f"c{course.pk}q1a"]  # multiple choice needs a and c
    attempt = services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    assert attempt.score == 33 and not attempt.passed
    assert attempt.wrong_questions == [f"c{course.pk}q1", f"c{course.pk}q2"]
    assert attempt.answers == answers


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda a, p: a.update({"nonsense": [f"{p}q1a"]}), "bad_answers"),
        (lambda a, p: a.update({f"{p}q3": [f"{p}q3z"]}), "bad_answers"),
        (lambda a, p: a.update({f"{p}q3": [f"{p}q2a"]}), "bad_answers"),
        (lambda a, p: a.pop(f"{p}q2"), "bad_answers"),
        (lambda a, p: a.update({f"{p}q2": []}), "bad_answers"),
        (lambda a, p: a.update({f"{p}q3": [f"{p}q3a", f"{p}q3b"]}), "bad_answers"),
        (lambda a, p: a.update({f"{p}q1": [f"{p}q1a", f"{p}q1a"]}), "bad_answers"),
        (lambda a, p: a.update({f"{p}q1": [1, 2]}), "bad_answers"),
    ],
    ids=[
        "unknown-question",
        "unknown-option",
        "other-questions-option",
        "missing",
        "empty",
        "two-on-single",
        "duplicate",
        "not-strings",
    ],
)
def test_bad_answers_are_refused_and_nothing_is_recorded(trainee, course, mutate, code):
    services.enrolment_create(user=trainee, course=course)
    answers = right_answers(course)
    mutate(answers, f"c{course.pk}")
    with pytest.raises(services.CourseActionError) as error:
        services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    assert error.value.code == code and error.value.message
    assert not QuizAttempt.objects.exists() and not CourseCompletion.objects.exists()


def test_quiz_refused_when_not_enrolled(trainee, course):
    with pytest.raises(services.CourseActionError) as error:
        services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    assert error.value.code == "not_enrolled"
    assert not QuizAttempt.objects.exists()


def test_attempt_after_the_last_allowed_is_refused(trainee, course):
    services.enrolment_create(user=trainee, course=course)
    for _ in range(2):
        services.quiz_attempt_submit(user=trainee, course=course, answers=wrong_answers(course))
    with pytest.raises(services.CourseActionError) as error:
        services.quiz_attempt_submit(user=trainee, course=course, answers=right_answers(course))
    assert error.value.code == "no_attempts_left"
    assert QuizAttempt.objects.count() == 2 and not CourseCompletion.objects.exists()


def test_unenrolling_from_a_completed_course_is_refused(trainee):
    course = make_course(code="ZZ-03", lessons=1, quiz=False)
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).first())
    with pytest.raises(services.CourseActionError):
        services.enrolment_delete(user=trainee, course=course)
    assert Enrolment.objects.filter(user=trainee, course=course).exists()


def test_unenrol_removes_the_enrolment(trainee, course):
    services.enrolment_create(user=trainee, course=course)
    services.enrolment_delete(user=trainee, course=course)
    assert not Enrolment.objects.exists()
