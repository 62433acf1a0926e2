"""Exam mode under real concurrency (PostgreSQL, one connection per thread): many starts of one trainee's timed exam
at once draw one paper; many submissions at once record one attempt; the closing job run on several hosts at once
scores each expired paper once."""

import datetime

import pytest
from django.utils import timezone

from assessments import rules, services
from assessments.models import Blueprint, BlueprintPool, Paper
from courses import services as course_services
from courses.models import QuizAttempt
from tests.assessments.factories import make_question
from tests.courses.factories import make_course
from tests.factories import UserFactory

from .conftest import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course():
    course = make_course(code="FG-01", max_attempts=3)
    for number in range(8):
        make_question(competency=course.competency, text=f"题{number}")
    blueprint = Blueprint.objects.create(quiz=course.quiz, time_limit=10)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=4)
    return course


def _trainee(course):
    trainee = UserFactory()
    course_services.enrolment_create(user=trainee, course=course)
    return trainee


def test_twenty_simultaneous_starts_draw_one_paper(course):
    trainee = _trainee(course)
    results, errors = run_at_once(lambda _n: course_services.quiz_paper_start(user=trainee, course=course), range(20))
    assert errors == [] and len(results) == 20
    paper = Paper.objects.get(user=trainee)
    assert {result.deadline for result in results} == {paper.deadline}


def test_twenty_simultaneous_submissions_record_one_attempt(course):
    trainee = _trainee(course)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    right = {question_id: entry["correct"] for question_id, entry in paper.key.items()}
    results, errors = run_at_once(
        lambda _n: course_services.quiz_attempt_submit(user=trainee, course=course, answers=right), range(20)
    )
    assert len(results) == 1 and len(errors) == 19
    assert all(isinstance(error, course_services.CourseActionError) for error in errors)
    assert QuizAttempt.objects.filter(user=trainee).count() == 1
    assert Paper.objects.get(user=trainee).attempt_id == results[0].pk


def test_the_closing_job_on_four_hosts_at_once_scores_each_expired_paper_once(course):
    trainees = [_trainee(course) for _ in range(5)]
    past = timezone.now() - datetime.timedelta(seconds=rules.DEADLINE_GRACE_SECONDS + 60)
    for trainee in trainees:
        services.paper_open(user=trainee, quiz=course.quiz)
    Paper.objects.update(deadline=past)
    results, errors = run_at_once(lambda _n: services.papers_close_expired(), range(4))
    assert errors == [] and sum(results) == 5
    assert QuizAttempt.objects.count() == 5 and not Paper.objects.filter(attempt__isnull=True).exists()
