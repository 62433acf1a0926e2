"""Time on task: heartbeats measured by the server's clock, and "mark as done" refused until the minimum is met."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courses import rules, services
from courses.models import LessonPage, LessonProgress, LessonTime
from tests.factories import UserFactory

from .factories import make_course

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def trainee():
    return UserFactory()


@pytest.fixture
def lesson(trainee):
    course = make_course(code="FG-01", lessons=1, quiz=False, min_reading_seconds=60)
    services.enrolment_create(user=trainee, course=course)
    return LessonPage.objects.child_of(course).get()


def beats(user, lesson, times, token=None):
    token = token or services.lesson_visit_token_issue(user=user, lesson=lesson, now=at(0))
    for when in times:
        services.lesson_heartbeat_record(user=user, lesson=lesson, token=token, now=at(when))
    return token


# Rules --------------------------------------------------------------------------------------------------------


def test_blank_minimum_is_half_the_estimated_minutes_and_zero_means_none():
    assert rules.required_reading_seconds(min_reading_seconds=None, estimated_minutes=15) == 450
    assert rules.required_reading_seconds(min_reading_seconds=0, estimated_minutes=15) == 0
    assert rules.required_reading_seconds(min_reading_seconds=90, estimated_minutes=15) == 90


@pytest.mark.parametrize(
    ("since", "accepted", "credit"),
    [(None, True, 0), (15, True, 15), (19, True, 19), (21, True, 0), (600, True, 0), (9.9, False, 0), (0, False, 0)],
)
def test_heartbeat_credits_only_real_time_between_beats(since, accepted, credit):
    decision = rules.heartbeat_decision(seconds_since_last=since, interval=15, slack=5)
    assert (decision.accepted, decision.credit) == (accepted, credit)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "00:00"), (-5, "00:00"), (45, "00:45"), (165, "02:45"), (3599, "59:59"), (3725, "1:02:05")],
)
def test_time_still_needed_reads_as_a_counting_clock(seconds, shown):
    assert rules.countdown_clock(seconds) == shown


# Services -----------------------------------------------------------------------------------------------------


def test_mark_done_is_refused_with_the_time_remaining_until_the_minimum_is_reached(trainee, lesson):
    beats(trainee, lesson, [0, 15, 30])
    with pytest.raises(services.CourseActionError) as error:
        services.lesson_mark_done(user=trainee, lesson=lesson)
    assert error.value.code == "too_soon" and error.value.remaining_seconds == 30
    assert "30" in error.value.message
    assert not LessonProgress.objects.exists()
    beats(trainee, lesson, [45, 60], token=services.lesson_visit_token_issue(user=trainee, lesson=lesson, now=at(40)))
    assert LessonTime.objects.get().seconds == 60
    services.lesson_mark_done(user=trainee, lesson=lesson)
    assert LessonProgress.objects.filter(user=trainee, lesson=lesson).exists()


def test_hidden_time_is_not_counted(trainee, lesson):
    beats(trainee, lesson, [0, 15, 315, 330])  # the page was hidden for five minutes in between
    assert LessonTime.objects.get().seconds == 30


def test_heartbeats_faster_than_real_time_are_refused_and_change_nothing(trainee, lesson):
    token = beats(trainee, lesson, [0, 15])
    with pytest.raises(services.CourseActionError) as error:
        services.lesson_heartbeat_record(user=trainee, lesson=lesson, token=token, now=at(16))
    assert error.value.code == "faster_than_real_time"
    record = LessonTime.objects.get()
    assert (record.seconds, record.beats, record.last_beat_at) == (15, 2, at(15))


def test_heartbeat_for_a_lesson_not_enrolled_in_is_refused_and_records_nothing(lesson):
    stranger = UserFactory()
    token = services.lesson_visit_token_issue(user=stranger, lesson=lesson, now=at(0))
    with pytest.raises(services.CourseActionError) as error:
        services.lesson_heartbeat_record(user=stranger, lesson=lesson, token=token, now=at(1))
    assert error.value.code == "not_enrolled"
    assert not LessonTime.objects.exists()


def test_heartbeat_with_another_trainees_page_token_is_refused(trainee, lesson):
    other = UserFactory()
    services.enrolment_create(user=other, course=lesson.get_parent().specific)
    token = services.lesson_visit_token_issue(user=trainee, lesson=lesson, now=at(0))
    with pytest.raises(services.CourseActionError) as error:
        services.lesson_heartbeat_record(user=other, lesson=lesson, token=token, now=at(1))
    assert error.value.code == "wrong_owner"
    with pytest.raises(services.CourseActionError):
        services.lesson_heartbeat_record(user=trainee, lesson=lesson, token=token + "x", now=at(1))
    assert not LessonTime.objects.exists()


def test_lesson_without_minimum_can_be_marked_done_at_once(trainee):
    course = make_course(code="FG-02", lessons=1, quiz=False, min_reading_seconds=0)
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).get())
    assert LessonProgress.objects.count() == 1


# Views and API ------------------------------------------------------------------------------------------------


def test_lesson_page_shows_time_needed_and_heartbeat_view_answers_with_remaining(client, trainee, lesson):
    client.force_login(trainee)
    page = client.get(lesson.url)
    html = page.content.decode()
    assert "data-lesson-tracking" in html and "courses/progress.js" in html
    assert 'data-time-remaining role="timer">01:00<' in html
    token = page.context["tracking"]["token"]
    response = client.post(lesson.url + "heartbeat/", json.dumps({"token": token}), content_type="application/json")
    assert response.status_code == 200 and response.json()["remaining"] == 60
    too_fast = client.post(lesson.url + "heartbeat/", json.dumps({"token": token}), content_type="application/json")
    assert too_fast.status_code == 409 and too_fast.json()["ok"] is False
    assert client.post(lesson.url + "heartbeat/", "not json", content_type="application/json").status_code == 400


def test_mark_done_form_refuses_early_and_returns_to_the_lesson_with_the_time_left(client, trainee, lesson):
    client.force_login(trainee)
    response = client.post(lesson.url + "done/", follow=True)
    assert response.redirect_chain[-1][0] == lesson.url
    assert "还需 1 分钟" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_api_mark_done_refuses_early_with_remaining_seconds(trainee, lesson):
    client = Client()
    client.force_login(trainee)
    response = client.post(f"/api/v1/lessons/{lesson.pk}/done")
    assert response.status_code == 400
    assert response.json()["code"] == "too_soon" and response.json()["remaining_seconds"] == 60


def test_course_page_says_how_much_time_the_course_needs(client, lesson):
    course = lesson.get_parent().specific
    html = client.get(course.url).content.decode()
    assert 'data-testid="course-time"' in html


def test_course_time_is_written_in_each_visitors_language_whoever_came_first(client):
    """The course's public data is cached once for every language; its minimum time in words is not (a Chinese
    visitor's "1 分 30 秒" was served to the English readers who came after)."""
    course = make_course(code="FG-02", lessons=1, quiz=False, min_reading_seconds=90)
    chinese = client.get(course.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 分 30 秒" in chinese
    assert "1 min 30 s in all" in english
    assert "秒" not in english.split('data-testid="course-time"')[1].split("</p>")[0]
