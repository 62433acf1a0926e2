"""What a trainee's lesson page costs (issue 22): the lesson is routed from a cache keyed on the content generation,
the course's lessons come from the same kind of cache, and whether she is enrolled, has done the lesson and how long
she has spent on it is one query. Every change an editor makes still shows on the next request."""

import warnings

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from courses import selectors, services
from courses.models import LessonPage, LessonTime
from tests.factories import UserFactory

from .factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def course():
    return make_course(code="FW-05", lessons=3, quiz=False)


@pytest.fixture
def trainee(client, course):
    user = UserFactory()
    services.enrolment_create(user=user, course=course)
    client.force_login(user)
    return user


def lessons_of(course) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).order_by("path"))


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def captured_statements(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured]


def test_a_lesson_read_again_asks_nothing_of_the_page_tree_below_its_catalogue(client, course, trainee):
    """Before: the lesson by its slug, then its specific row, then the course's lessons (three queries on lesson
    pages). The catalogue itself is still routed by Wagtail from the home page."""
    lesson = lessons_of(course)[1]
    client.get(lesson.url)
    statements = captured_statements(client, lesson.url)
    assert not [sql for sql in statements if '"courses_lessonpage"' in sql]
    assert not [sql for sql in statements if f"'{lesson.slug}'" in sql]


def test_enrolment_progress_and_time_on_task_are_one_query(client, course, trainee):
    lesson = lessons_of(course)[1]
    client.get(lesson.url)
    statements = captured_statements(client, lesson.url)
    personal = [
        sql
        for sql in statements
        if any(table in sql for table in ('"courses_enrolment"', '"courses_lessonprogress"', '"courses_lessontime"'))
    ]
    assert len(personal) == 1


def test_lesson_standing_says_enrolled_done_and_time_spent():
    course = make_course(code="FW-06", lessons=2, quiz=False)
    first, second = lessons_of(course)
    user = UserFactory()
    assert selectors.lesson_standing(user=user, course=course, lesson=first) is None
    services.enrolment_create(user=user, course=course)
    assert selectors.lesson_standing(user=user, course=course, lesson=first) == selectors.LessonStanding(
        done=False, seconds_spent=0
    )
    LessonTime.objects.create(user=user, lesson=second, course=course, seconds=42)
    services.lesson_mark_done(user=user, lesson=first)
    assert selectors.lesson_standing(user=user, course=course, lesson=first).done
    assert selectors.lesson_standing(user=user, course=course, lesson=second) == selectors.LessonStanding(
        done=False, seconds_spent=42
    )
    other = UserFactory()  # someone else's progress and time are not hers
    services.enrolment_create(user=other, course=course)
    assert selectors.lesson_standing(user=other, course=course, lesson=second) == selectors.LessonStanding(
        done=False, seconds_spent=0
    )


def test_the_lesson_page_shows_done_and_the_time_still_needed(client, trainee):
    course = make_course(code="FW-07", lessons=2, quiz=False, min_reading_seconds=600)
    services.enrolment_create(user=trainee, course=course)
    first, second = lessons_of(course)
    LessonTime.objects.create(user=trainee, lesson=second, course=course, seconds=240)
    html = client.get(second.url).content.decode()
    assert 'data-remaining="360"' in html and "data-token=" in html
    first.min_reading_seconds = 0
    publish(first)
    services.lesson_mark_done(user=trainee, lesson=first)
    html = client.get(first.url).content.decode()
    assert "data-token=" not in html and "status--ok" in html


def test_a_lesson_edited_and_published_shows_at_once(client, course, trainee):
    lesson = lessons_of(course)[1]
    assert "第2课的正文" in client.get(lesson.url).content.decode()
    lesson.title = "改过的课时标题"
    lesson.body = [("paragraph", RichText("<p>改过的正文。</p>"))]
    publish(lesson)
    html = client.get(lesson.url).content.decode()
    assert "改过的课时标题" in html and "改过的正文" in html and "第2课的正文" not in html


def test_a_draft_is_not_served_until_it_is_published(client, course, trainee):
    lesson = lessons_of(course)[1]
    client.get(lesson.url)
    lesson.title = "草稿标题"
    lesson.save_revision()
    assert "草稿标题" not in client.get(lesson.url).content.decode()


def test_a_lesson_unpublished_or_deleted_is_gone_at_once(client, course, trainee):
    second, third = lessons_of(course)[1:]
    assert client.get(second.url).status_code == 200
    assert client.get(third.url).status_code == 200
    second.unpublish()
    assert client.get(second.url).status_code == 404
    url = third.url
    third.delete()
    assert client.get(url).status_code == 404


def test_a_lesson_renamed_or_moved_is_found_only_at_its_new_address(client, course, trainee):
    second, third = lessons_of(course)[1:]
    old_url = second.url
    assert client.get(old_url).status_code == 200
    second.slug = "renamed"
    publish(second)
    assert client.get(old_url).status_code == 404
    assert client.get(second.url).status_code == 200

    other = make_course(code="FW-08", lessons=1, quiz=False)
    services.enrolment_create(user=trainee, course=other)
    old_url = third.url
    assert client.get(old_url).status_code == 200
    third.move(other, pos="last-child")
    third.refresh_from_db()
    old = client.get(old_url)  # Wagtail's automatic redirect, not the lesson from the cache
    assert old.status_code == 301 and old["Location"] == third.url
    response = client.get(third.url)
    assert response.status_code == 200
    assert response.context["course"].pk == other.pk


def test_a_lesson_added_to_the_course_shows_in_the_count_at_once(client, course, trainee):
    first = lessons_of(course)[0]
    assert "1 / 3" in client.get(first.url).content.decode()
    course.add_child(
        instance=LessonPage(title="新增课时", slug="lesson-4", body=[("paragraph", RichText("<p>新</p>"))])
    )
    html = client.get(first.url).content.decode()
    assert "1 / 4" in html


def test_a_view_restriction_added_to_a_lesson_applies_at_once(client, course, trainee):
    lesson = lessons_of(course)[1]
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="内部"))
    assert client.get(lesson.url).status_code == 302


def test_a_scenario_is_routed_as_a_scenario_from_the_cache(client, trainee):
    from tests.scenarios.factories import make_scenario

    scenario = make_scenario()
    services.enrolment_create(user=trainee, course=scenario.get_parent().specific)
    first = client.get(scenario.url)
    again = client.get(scenario.url)
    assert first.status_code == again.status_code == 200
    assert type(again.context["page"]).__name__ == "ScenarioPage"
    # The page's own template both times (the chrome's fragments come from their cache the second time).
    assert first.templates[0].name == again.templates[0].name == "scenarios/scenario_page.html"


def test_the_courses_own_sub_pages_come_before_a_lesson_of_the_same_slug(client, course, trainee):
    course.add_child(instance=LessonPage(title="反馈", slug="feedback", body=[("paragraph", RichText("<p>课</p>"))]))
    for _ in range(2):  # the second time with the lesson in the cache
        response = client.get(course.url + "feedback/")
        assert response.status_code == 302 and response["Location"] == course.url  # the feedback view's answer


def test_any_address_below_a_course_is_a_valid_cache_key(client, course, trainee):
    """Wagtail's routing takes any run of letters, digits and hyphens; the slug is hashed into the cache key, so a
    long one makes no key that memcached would refuse (Django's CacheKeyWarning, raised here as an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        assert client.get(course.url + "x" * 300 + "/").status_code == 404
        assert client.get(course.url.replace("fw-05", "y" * 300)).status_code == 404
