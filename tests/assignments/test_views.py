"""Who sees what: the course page's 作业 section, the trainee's submission page, the files (404 for anyone but
the trainee, a lecturer of the course and registrars), the lecturers' queue and review screen, the learner API."""

import pytest
from django.urls import reverse

from assignments import services
from assignments.choices import SubmissionStatus
from assignments.models import Submission
from tests.courses.factories import make_course
from tests.factories import UserFactory, make_registrar

from .factories import TOP_LEVELS, enrolled_trainee, jpeg_bytes, make_assignment, make_lecturer_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    return make_assignment()


@pytest.fixture
def trainee(assignment):
    return enrolled_trainee(assignment, real_name="张晓明")


def handed_in(assignment, trainee):
    return services.submission_submit(
        user=trainee, assignment=assignment, text="方案正文", uploads=[upload("现场.jpg", jpeg_bytes())]
    )


def test_course_page_shows_the_assignment_with_due_date_and_form_to_the_enrolled(client, assignment, trainee):
    client.force_login(trainee)
    html = client.get(assignment.course.url).content.decode()
    assert "组织一次业主大会的方案" in html and 'data-testid="assignment-section"' in html
    assert 'name="files"' in html and 'capture="environment"' in html
    assert "image/jpeg" in html and "application/pdf" in html  # the accept attribute lists the kinds


def test_course_page_shows_the_brief_but_no_form_to_visitors(client, assignment):
    html = client.get(assignment.course.url).content.decode()
    assert "写出一次业主大会的组织方案" in html
    assert 'name="files"' not in html


def test_trainee_hands_in_through_the_form_and_sees_it(client, assignment, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("assignments_submit", args=[assignment.pk]),
        {"text": "我的方案", "files": [upload("现场.jpg", jpeg_bytes(), "image/jpeg")]},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(user=trainee)
    page = client.get(reverse("assignments_submission", args=[assignment.pk])).content.decode()
    assert "我的方案" in page and "现场.jpg" in page
    assert submission.status == SubmissionStatus.SUBMITTED


def test_renamed_program_is_refused_with_a_message_and_nothing_saved(client, assignment, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("assignments_submit", args=[assignment.pk]),
        {"text": "我的方案", "files": [upload("photo.jpg", b"MZ\x90\x00" + b"\0" * 500, "image/jpeg")]},
    )
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Submission.objects.exists()


def test_trainee_not_enrolled_is_sent_to_the_course(client, assignment):
    client.force_login(UserFactory())
    response = client.get(reverse("assignments_submission", args=[assignment.pk]))
    assert response.status_code == 302 and response.url == assignment.course.url


def test_file_is_served_to_its_trainee_the_lecturer_and_a_registrar(client, assignment, trainee):
    item = handed_in(assignment, trainee).files.get()
    url = reverse("assignments_file", args=[item.pk])
    for viewer in (trainee, make_lecturer_user(assignment.course), make_registrar()):
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200, viewer
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"


def test_another_trainee_and_another_courses_lecturer_get_404_on_a_file(client, assignment, trainee):
    item = handed_in(assignment, trainee).files.get()
    url = reverse("assignments_file", args=[item.pk])
    other_trainee = enrolled_trainee(assignment)
    other_lecturer = make_lecturer_user(make_course(code="FG-08", quiz=False))
    for viewer in (other_trainee, other_lecturer):
        client.force_login(viewer)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page


def test_lecturer_queue_lists_only_their_courses_oldest_first(client, assignment, trainee):
    other = make_assignment(make_course(code="FG-07", quiz=False))
    later = enrolled_trainee(assignment, real_name="李秀英")
    handed_in(assignment, trainee)
    handed_in(assignment, later)
    handed_in(other, enrolled_trainee(other, real_name="王建国"))
    client.force_login(make_lecturer_user(assignment.course))
    html = client.get(reverse("assignments_queue")).content.decode()
    assert html.index("张晓明") < html.index("李秀英")
    assert "王建国" not in html


def test_lecturer_of_course_a_gets_404_on_course_bs_submission(client, assignment, trainee):
    submission = handed_in(assignment, trainee)
    client.force_login(make_lecturer_user(make_course(code="FG-06", quiz=False)))
    assert client.get(reverse("assignments_review", args=[submission.pk])).status_code == 404
    response = client.post(
        reverse("assignments_review", args=[submission.pk]), {"outcome": "passed", "feedback": "好", "level-c-plan": 0}
    )
    assert response.status_code == 404
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_trainee_without_the_role_is_refused_the_queue(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("assignments_queue")).status_code in (302, 403)


def test_lecturer_reviews_in_the_admin_and_the_trainee_sees_scores_and_feedback(client, assignment, trainee):
    submission = handed_in(assignment, trainee)
    client.force_login(make_lecturer_user(assignment.course))
    page = client.get(reverse("assignments_review", args=[submission.pk])).content.decode()
    assert "方案正文" in page and reverse("assignments_file", args=[submission.files.get().pk]) in page
    response = client.post(
        reverse("assignments_review", args=[submission.pk]),
        {"outcome": "returned", "feedback": "请补充表决方式。", "level-c-plan": 1, "level-c-law": 0},
    )
    assert response.status_code == 302
    client.force_login(trainee)
    page = client.get(reverse("assignments_submission", args=[assignment.pk])).content.decode()
    assert "请补充表决方式。" in page and "方案完整性" in page and "11" in page


def test_review_form_without_every_criterion_is_shown_again(client, assignment, trainee):
    submission = handed_in(assignment, trainee)
    client.force_login(make_lecturer_user(assignment.course))
    response = client.post(reverse("assignments_review", args=[submission.pk]), {"outcome": "passed", "feedback": "好"})
    assert response.status_code == 400
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_api_gives_the_assignment_and_only_my_own_submission(client, assignment, trainee):
    handed_in(assignment, trainee)
    services.submission_review(
        reviewer=make_registrar(),
        submission=Submission.objects.get(),
        outcome="passed",
        levels=TOP_LEVELS,
        feedback="好",
    )
    client.force_login(trainee)
    body = client.get(f"/api/v1/assignments/courses/{assignment.course_id}").json()
    assert body["title"] == "组织一次业主大会的方案" and [c["name"] for c in body["rubric"]] == [
        "方案完整性",
        "依法依规",
    ]
    assert body["mine"]["status"] == "passed" and body["mine"]["review"]["points"] == 15
    client.force_login(enrolled_trainee(assignment))
    body = client.get(f"/api/v1/assignments/courses/{assignment.course_id}").json()
    assert body["mine"] is None and body["enrolled"] is True


def test_api_needs_a_signed_in_trainee(client, assignment):
    assert client.get(f"/api/v1/assignments/courses/{assignment.course_id}").status_code == 401


def test_course_page_seen_before_the_assignment_existed_shows_it_once_added(client):
    course = make_course(code="ZZ-05", quiz=False)
    assert "组织一次业主大会的方案" not in client.get(course.url).content.decode()
    make_assignment(course)
    assert "组织一次业主大会的方案" in client.get(course.url).content.decode()
