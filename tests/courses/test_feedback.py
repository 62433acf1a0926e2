"""Course feedback (课程评价): survey rules, one answer per trainee, the 7-day edit window, averages from five
answers on the course page, and staff-only comments and Excel exports."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from courses import rules, services
from courses.models import CourseFeedback
from tests.factories import UserFactory, make_registrar

from .factories import LecturerFactory, complete, make_course

pytestmark = pytest.mark.django_db


def rate(user, course, ratings=(5, 4, 3), comment="", now=None):
    return services.course_feedback_save(
        user=user,
        course=course,
        content_rating=ratings[0],
        lecturer_rating=ratings[1],
        usefulness_rating=ratings[2],
        comment=comment,
        now=now,
    )


@pytest.fixture
def course():
    course = make_course(code="FG-01", title="物业管理条例解读", lessons=1)
    course.lecturers.add(LecturerFactory(name="王老师"))
    course.save_revision().publish()
    return course


@pytest.mark.parametrize(
    ("ratings", "completed", "age", "refused"),
    [
        ({"a": 3}, True, None, False),
        ({"a": 0}, True, None, True),
        ({"a": 6}, True, None, True),
        ({"a": "5"}, True, None, True),
        ({"a": True}, True, None, True),
        ({"a": 3}, False, None, True),
        ({"a": 3}, True, 6.9, False),
        ({"a": 3}, True, 7.1, True),
    ],
)
def test_feedback_rules(ratings, completed, age, refused):
    problem = rules.feedback_problem(ratings=ratings, completed=completed, existing_age_days=age)
    assert (problem is not None) == refused


def test_feedback_needs_a_completed_course(course):
    user = UserFactory()
    services.enrolment_create(user=user, course=course)
    with pytest.raises(services.CourseActionError, match="学完本课程后才能评价"):
        rate(user, course)
    assert not CourseFeedback.objects.exists()


def test_out_of_range_rating_is_refused_and_nothing_saved(course):
    user = UserFactory()
    complete(user, course)
    with pytest.raises(services.CourseActionError, match="1 到 5"):
        rate(user, course, ratings=(6, 4, 3))
    assert not CourseFeedback.objects.exists()


def test_one_answer_per_trainee_editable_for_seven_days_then_refused(course):
    user = UserFactory()
    complete(user, course)
    first = rate(user, course, ratings=(3, 3, 3), comment="一般")
    changed = rate(user, course, ratings=(5, 5, 5), comment="改为满意", now=timezone.now() + timedelta(days=6))
    assert changed.pk == first.pk and CourseFeedback.objects.count() == 1
    with pytest.raises(services.CourseActionError, match="7 天内"):
        rate(user, course, ratings=(1, 1, 1), now=timezone.now() + timedelta(days=8))
    assert CourseFeedback.objects.get().content_rating == 5


def test_course_page_shows_averages_only_from_five_answers(client, course):
    users = [UserFactory() for _ in range(5)]
    for user in users:
        complete(user, course)
    for user, score in zip(users[:4], (5, 4, 4, 3), strict=True):
        rate(user, course, ratings=(score, 4, 5))
    assert 'data-testid="feedback-summary"' not in client.get(course.url).content.decode()
    rate(users[4], course, ratings=(4, 4, 5))
    html = client.get(course.url).content.decode()
    assert 'data-testid="feedback-summary"' in html and "4.0 / 5" in html and "5.0 / 5" in html


def test_survey_form_for_a_trainee_who_completed_the_course(client, course):
    user = UserFactory()
    complete(user, course)
    client.force_login(user)
    assert "评价本课程" in client.get(course.url).content.decode()
    bad = client.post(
        course.url + "feedback/", {"content_rating": "9", "lecturer_rating": "4", "usefulness_rating": "4"}
    )
    assert bad.status_code == 400 and not CourseFeedback.objects.exists()
    good = client.post(
        course.url + "feedback/",
        {"content_rating": "5", "lecturer_rating": "4", "usefulness_rating": "4", "comment": "好"},
    )
    assert good.status_code == 302 and CourseFeedback.objects.get().comment == "好"


def test_survey_form_sends_a_trainee_who_has_not_completed_back(client, course):
    client.force_login(UserFactory())
    assert client.get(course.url + "feedback/").status_code == 302


def test_registrar_sees_comments_and_exports_per_course_and_lecturer_with_formulas_neutralised(
    client, course, staff_groups
):
    user = UserFactory(real_name="张晓明")
    complete(user, course)
    rate(user, course, comment='=HYPERLINK("http://evil")')
    client.force_login(make_registrar())
    overview = client.get("/admin/courses/feedback/")
    assert overview.status_code == 200 and "FG-01" in overview.content.decode()
    comments = client.get(f"/admin/courses/feedback/?course={course.pk}").content.decode()
    assert "HYPERLINK" in comments
    for url in (
        f"/admin/courses/feedback/course/{course.pk}.xlsx",
        f"/admin/courses/feedback/lecturer/{course.lecturers.get().pk}.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[2][2] == "张晓明" and rows[2][6].startswith("'=")


def test_trainees_may_not_see_feedback_admin(client, course, staff_groups):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/courses/feedback/").status_code in {302, 403}
    assert client.get(f"/admin/courses/feedback/course/{course.pk}.xlsx").status_code in {302, 403}
