"""A database that fails in the middle of a request answers a translated 503 page and leaves nothing half-saved."""

from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from courses import services as course_services
from courses.models import CourseCompletion, LessonPage, LessonProgress
from credits.models import CreditEntry
from tests.courses.factories import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def database_fails_on(fragment: str, error: type[Exception]):
    """Make every SQL statement containing ``fragment`` fail as a database that went away would."""

    def wrapper(execute, sql, params, many, context):
        if fragment in sql:
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


@pytest.fixture
def trainee_on_last_lesson():
    course = make_course(code="FG-01", lessons=2, quiz=False, credits="1.5")
    trainee = UserFactory()
    course_services.enrolment_create(user=trainee, course=course)
    first, last = LessonPage.objects.child_of(course).order_by("path")
    course_services.lesson_mark_done(user=trainee, lesson=first)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(trainee)
    return {"course": course, "trainee": trainee, "last": last, "client": client}


def test_database_error_while_awarding_credit_answers_503_and_saves_neither_progress_nor_completion(
    trainee_on_last_lesson,
):
    world = trainee_on_last_lesson
    # The failure comes last in the chain: lesson progress and the completion rows are already written in the
    # same transaction when the ledger insert fails, so a 503 with those rows left behind would be a partial save.
    with database_fails_on('INSERT INTO "credits_creditentry"', OperationalError):
        response = world["client"].post(f"{world['last'].url}done/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "服务暂时不可用" in html and "您刚才提交的内容没有保存" in html
    assert not LessonProgress.objects.filter(user=world["trainee"], lesson=world["last"]).exists()
    assert not CourseCompletion.objects.filter(user=world["trainee"]).exists()
    assert not CreditEntry.objects.filter(trainee=world["trainee"]).exists()


def test_the_same_request_succeeds_once_the_database_is_back(trainee_on_last_lesson):
    world = trainee_on_last_lesson
    with database_fails_on('INSERT INTO "credits_creditentry"', OperationalError):
        assert world["client"].post(f"{world['last'].url}done/").status_code == 503

    response = world["client"].post(f"{world['last'].url}done/")

    assert response.status_code == 302
    assert CourseCompletion.objects.filter(user=world["trainee"]).count() == 1
    assert CreditEntry.objects.filter(trainee=world["trainee"]).count() == 1


def test_database_gone_while_middleware_reads_the_session_answers_503(trainee_on_last_lesson, settings):
    """Errors raised outside the view (here the session lookup in middleware) reach handler500, which answers 503."""
    # Sessions in the database itself: with REDIS_URL set (the PostgreSQL CI run) they would come from Redis first.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    world = trainee_on_last_lesson
    with database_fails_on('FROM "django_session"', InterfaceError):
        response = world["client"].get("/learning/")

    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_api_clients_get_json_503(trainee_on_last_lesson):
    world = trainee_on_last_lesson
    with database_fails_on('FROM "courses_', OperationalError):
        response = world["client"].get("/api/v1/courses/")

    assert response.status_code == 503
    assert response.json() == {"detail": "服务暂时不可用，请稍后再试。"}


def test_other_errors_still_answer_500(trainee_on_last_lesson):
    world = trainee_on_last_lesson
    with database_fails_on('FROM "courses_', ValueError):
        response = world["client"].get("/learning/")

    assert response.status_code == 500
    assert "服务暂时不可用" not in response.content.decode()
