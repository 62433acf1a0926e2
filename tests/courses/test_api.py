"""The learner API (/api/v1/) and Wagtail's content API (/api/v2/): every endpoint, bad input, no answers."""

import json

import pytest
from django.test import Client

from courses import services
from courses.models import CourseCompletion, Enrolment, LessonPage, LessonProgress, QuizAttempt
from tests.factories import UserFactory

from .factories import make_course, presented, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(code="FG-01", title="物业管理条例解读", lessons=2, max_attempts=2)


@pytest.fixture
def trainee():
    return UserFactory()


@pytest.fixture
def api(client, trainee):
    client.force_login(trainee)
    return client


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def assert_no_answer_flags(response):
    body = response.content.decode()
    assert '"correct"' not in body and "correct_option" not in body and "解析" not in body


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/courses/{course_id}/quiz/attempts" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_openapi_schema_documents_every_status_each_endpoint_returns(client):
    """Endpoints answer with ninja's Status (not deprecated tuples), and document every refusal they give: 401 not
    signed in, 403 a browser's write without its CSRF token, 404 no such object, 422 a value the schema refuses
    (issue 15; tests/test_api_schema.py has schemathesis check them against real answers)."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    write_by_id = {"400", "401", "403", "404", "422"}
    expected = {
        ("/api/v1/courses/", "get"): {"200", "422"},
        ("/api/v1/courses/{course_id}", "get"): {"200", "404", "422"},
        ("/api/v1/courses/{course_id}/enrolment", "post"): {"201", *write_by_id},
        ("/api/v1/courses/{course_id}/enrolment", "delete"): {"204", *write_by_id},
        ("/api/v1/courses/{course_id}/quiz", "get"): {"200", "400", "401", "404", "422"},
        ("/api/v1/courses/{course_id}/quiz/attempts", "post"): {"201", *write_by_id},
        ("/api/v1/lessons/{lesson_id}/done", "post"): {"200", *write_by_id},
        ("/api/v1/me/enrolments", "get"): {"200", "401"},
        ("/api/v1/eligibility/", "get"): {"200", "400", "401", "404", "422", "429"},
        ("/api/v1/certificates/{code}", "get"): {"200", "404", "429"},
    }
    for (path, method), statuses in expected.items():
        assert set(paths[path][method]["responses"]) == statuses, (path, method)
    created = paths["/api/v1/courses/{course_id}/enrolment"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/EnrolmentOut")
    refused = paths["/api/v1/eligibility/"]["get"]["responses"]["429"]
    assert refused["content"]["application/json"]["schema"]["$ref"].endswith("/ApiErrorOut")


def test_course_list_is_public_and_filters(client, course):
    make_course(code="MD-01", title="矛盾调处实务", audiences=("pc",))
    data = client.get("/api/v1/courses/").json()
    assert data["count"] == 2
    assert client.get("/api/v1/courses/", {"competency": "MD"}).json()["items"][0]["code"] == "MD-01"
    assert client.get("/api/v1/courses/", {"audience": "oc"}).json()["count"] == 1
    assert client.get("/api/v1/courses/", {"q": "调处"}).json()["count"] == 1
    assert client.get("/api/v1/courses/", {"audience": "xx"}).status_code == 422
    assert client.get("/api/v1/courses/", {"limit": 500}).status_code == 422


def test_course_detail_lists_lessons_and_quiz_rules_without_answers(client, course):
    response = client.get(f"/api/v1/courses/{course.pk}")
    data = response.json()
    assert data["code"] == "FG-01" and data["credits"] == "1.0" and len(data["lessons"]) == 2
    assert data["lessons"][0]["free_preview"] is True and data["quiz"]["questions"] == 3
    assert_no_answer_flags(response)
    assert client.get("/api/v1/courses/999999").status_code == 404


def test_learner_endpoints_need_authentication(client, course):
    assert client.get("/api/v1/me/enrolments").status_code == 401
    assert post_json(client, f"/api/v1/courses/{course.pk}/enrolment").status_code == 401
    assert not Enrolment.objects.exists()


def test_session_auth_requires_csrf(trainee, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    assert post_json(client, f"/api/v1/courses/{course.pk}/enrolment").status_code in (401, 403)
    assert not Enrolment.objects.exists()


def test_enrol_and_unenrol(api, trainee, course):
    response = post_json(api, f"/api/v1/courses/{course.pk}/enrolment")
    assert response.status_code == 201 and response.json()["lessons_total"] == 2
    assert api.delete(f"/api/v1/courses/{course.pk}/enrolment").status_code == 204
    assert not Enrolment.objects.exists()
    response = api.delete(f"/api/v1/courses/{course.pk}/enrolment")
    assert response.status_code == 400 and response.json()["code"] == "not_enrolled"


def test_enrol_with_missing_prerequisite_is_400_naming_it(api, course):
    advanced = make_course(code="FG-02", prerequisites=(course,))
    response = post_json(api, f"/api/v1/courses/{advanced.pk}/enrolment")
    assert response.status_code == 400 and "物业管理条例解读" in response.json()["detail"]
    assert not Enrolment.objects.exists()


def test_my_enrolments_show_progress_of_my_own_only(api, trainee, course):
    other = UserFactory()
    services.enrolment_create(user=other, course=make_course(code="ZZ-01"))
    services.enrolment_create(user=trainee, course=course)
    services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).first())
    rows = api.get("/api/v1/me/enrolments").json()
    assert [(row["code"], row["lessons_done"], row["percent"]) for row in rows] == [("FG-01", 1, 50)]


def test_mark_lesson_done(api, trainee, course):
    lesson = LessonPage.objects.child_of(course).first()
    response = post_json(api, f"/api/v1/lessons/{lesson.pk}/done")
    assert response.status_code == 400 and response.json()["code"] == "not_enrolled"
    services.enrolment_create(user=trainee, course=course)
    response = post_json(api, f"/api/v1/lessons/{lesson.pk}/done")
    assert response.status_code == 200 and response.json()["course_completed"] is False
    assert LessonProgress.objects.filter(user=trainee).count() == 1
    assert post_json(api, "/api/v1/lessons/999999/done").status_code == 404


def test_quiz_questions_never_include_answers(api, trainee, course):
    assert api.get(f"/api/v1/courses/{course.pk}/quiz").status_code == 400  # not enrolled
    services.enrolment_create(user=trainee, course=course)
    response = api.get(f"/api/v1/courses/{course.pk}/quiz")
    data = response.json()
    assert len(data["questions"]) == 3 and data["attempts_left"] == 2
    assert set(data["questions"][0]["options"][0]) == {"id", "text"}
    assert_no_answer_flags(response)


def test_submit_attempt_scores_on_the_server_and_completes_the_course(api, trainee, course):
    services.enrolment_create(user=trainee, course=course)
    for lesson in LessonPage.objects.child_of(course):
        services.lesson_mark_done(user=trainee, lesson=lesson)
    url = f"/api/v1/courses/{course.pk}/quiz/attempts"
    failed = post_json(api, url, {"answers": presented(trainee, course, wrong_answers(course))})
    assert failed.status_code == 201 and failed.json()["score"] == 0 and len(failed.json()["wrong_questions"]) == 3
    assert_no_answer_flags(failed)
    passed = post_json(api, url, {"answers": presented(trainee, course, right_answers(course))}).json()
    assert passed["passed"] and passed["course_completed"] and passed["attempts_left"] == 0
    assert CourseCompletion.objects.filter(user=trainee, course=course).count() == 1


@pytest.mark.parametrize(
    "answers",
    [
        {"unknown": ["x"]},
        "not-a-dict",
        None,
    ],
)
def test_malformed_attempt_is_refused_and_nothing_recorded(api, trainee, course, answers):
    services.enrolment_create(user=trainee, course=course)
    payload = {} if answers is None else {"answers": answers}
    response = post_json(api, f"/api/v1/courses/{course.pk}/quiz/attempts", payload)
    assert response.status_code in (400, 422)
    assert not QuizAttempt.objects.exists()


def test_attempt_with_unknown_option_missing_answer_or_not_enrolled_is_400(api, trainee, course):
    url = f"/api/v1/courses/{course.pk}/quiz/attempts"
    response = post_json(api, url, {"answers": presented(trainee, course, right_answers(course))})
    assert response.status_code == 400 and response.json()["code"] == "not_enrolled"
    services.enrolment_create(user=trainee, course=course)
    answers = right_answers(course)
    answers[f"c{course.pk}q3"] = ["forged-option"]
    response = post_json(api, url, {"answers": presented(trainee, course, answers)})
    assert response.status_code == 400 and response.json()["question"] == f"c{course.pk}q3"
    answers = right_answers(course)
    del answers[f"c{course.pk}q2"]
    response = post_json(api, url, {"answers": presented(trainee, course, answers)})
    assert response.status_code == 400 and response.json()["detail"]
    assert not QuizAttempt.objects.exists()


def test_attempt_after_the_last_allowed_is_400(api, trainee, course):
    services.enrolment_create(user=trainee, course=course)
    url = f"/api/v1/courses/{course.pk}/quiz/attempts"
    for _ in range(2):
        assert post_json(api, url, {"answers": presented(trainee, course, wrong_answers(course))}).status_code == 201
    response = post_json(api, url, {"answers": presented(trainee, course, right_answers(course))})
    assert response.status_code == 400 and response.json()["code"] == "no_attempts_left"
    assert QuizAttempt.objects.count() == 2


def test_errors_are_translated(api, trainee, course):
    response = api.delete(f"/api/v1/courses/{course.pk}/enrolment", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "未" in response.json()["detail"] or "没有" in response.json()["detail"]


def test_wagtail_api_exposes_course_facts_but_no_quiz(client, course):
    response = client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "*"})
    item = response.json()["items"][0]
    assert item["code"] == "FG-01" and item["competency"]["code"] == "FG"
    assert item["audiences"] == ["rc", "oc"] and item["delivery_mode"] == "online"
    assert item["credits"] == "1.0" and item["hours"] == "2.0" and item["lecturers"] == []
    assert "quizzes" not in item
    assert client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "quizzes"}).status_code == 400
    assert_no_answer_flags(response)


def test_wagtail_api_exposes_lesson_content(client, course):
    response = client.get("/api/v2/pages/", {"type": "courses.LessonPage", "fields": "body,estimated_minutes"})
    items = response.json()["items"]
    assert len(items) == 2 and "第1课的正文" in json.dumps(items[0]["body"], ensure_ascii=False)


@pytest.mark.parametrize("params", [{"q": "物业\x00"}, {"competency": "FG\x00"}, {"q": "x" * 201}])
def test_the_course_list_refuses_text_no_query_can_hold_with_a_documented_422(client, params):
    response = client.get("/api/v1/courses/", params)
    assert response.status_code == 422
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/courses/"]["get"]
    assert "422" in operation["responses"]
