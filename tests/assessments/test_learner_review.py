"""The learner's side of a drawn paper: after submitting, the trainee reviews each question as shown with their answer,
whether it was right, the correct answer, the explanation, the article cited and the lesson that covers it; before
submitting, no page and no API response (learner API or Wagtail API v2) says which option is correct or explains
anything; and nobody reviews someone else's attempt."""

import json

import pytest
from wagtail.rich_text import RichText

from assessments import services
from assessments.choices import QuestionType
from assessments.models import Blueprint, BlueprintPool, LegalArticle, LegalReference, Paper
from courses import services as course_services
from courses.models import LessonPage, QuizAttempt
from tests.assessments.factories import make_question
from tests.courses.factories import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARTICLE_TEXT = "下列事项由业主共同决定：（一）制定和修改业主大会议事规则。"
SECRET_ANSWER = "业主共有ZZ"


@pytest.fixture
def course():
    course = make_course(code="FG-01", title="业主大会", max_attempts=3, pass_mark=60, lessons=2)
    law = LegalReference.objects.create(
        name="中华人民共和国民法典",
        short_name="民法典",
        issuer="全国人民代表大会",
        version="2021年1月1日起施行",
        link="https://flk.npc.gov.cn/detail.html?civil-code",
    )
    article = LegalArticle.objects.create(law=law, number=278, text=ARTICLE_TEXT)
    cited = make_question(competency=course.competency, text="业主共同决定的事项", explanation="解析：业主共同决定")
    cited.citations.set([article])
    cited.save()
    for number in range(2):
        make_question(competency=course.competency, text=f"其他题{number}", explanation=f"解析：其他{number}")
    make_question(
        competency=course.competency,
        kind=QuestionType.FILL_BLANK,
        text="专项维修资金属于____。",
        accepted_answers=SECRET_ANSWER,
        explanation="解析：填空",
    )
    # The second lesson cites the article as lessons cite laws: the review links the question to it.
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    lesson.body = [("paragraph", RichText("<p>依照《民法典》第二百七十八条，下列事项由业主共同决定。</p>"))]
    lesson.save()
    blueprint = Blueprint.objects.create(quiz=course.quiz, time_limit=20)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=4)
    return course


def _trainee(course):
    user = UserFactory()
    course_services.enrolment_create(user=user, course=course)
    return user


def _wrong_answers(paper):
    answers = {}
    for question_id, entry in paper.key.items():
        if entry["kind"] == QuestionType.FILL_BLANK:
            answers[question_id] = ["不知道"]
        else:
            answers[question_id] = [token for token in entry["options"] if token not in entry["correct"]][:1]
    return answers


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


LEAKY_KEYS = {"correct", "correct_answer", "explanation", "answers", "accepted_answers", "key", "right", "articles"}
LEAKY_TEXT = ("解析", SECRET_ANSWER, ARTICLE_TEXT)


def test_no_api_response_says_which_option_is_correct_before_submission(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    quiz = course.quiz
    responses = {}

    def dump(name, response, status=200):
        assert response.status_code == status, (name, response.content[:500])
        responses[name] = response.json()

    dump("v1 quiz before start", client.get(f"/api/v1/courses/{course.pk}/quiz"))
    assert (
        responses["v1 quiz before start"]["questions"] == [] and responses["v1 quiz before start"]["time_limit"] == 20
    )
    dump("v1 start", client.post(f"/api/v1/courses/{course.pk}/quiz/start"))
    paper = Paper.objects.get(user=trainee)
    first = paper.questions[0]
    chosen = first["options"][0]["id"] if first["options"] else "草稿答案"
    dump(
        "v1 save",
        client.put(
            f"/api/v1/courses/{course.pk}/quiz/answers",
            json.dumps({"answers": {first["id"]: [chosen]}}),
            content_type="application/json",
        ),
    )
    dump("v1 quiz open", client.get(f"/api/v1/courses/{course.pk}/quiz"))
    dump("v1 course", client.get(f"/api/v1/courses/{course.pk}"))
    dump("v1 courses", client.get("/api/v1/courses/"))
    dump("v1 enrolments", client.get("/api/v1/me/enrolments"))
    dump("v2 quizzes", client.get("/api/v2/quizzes/"))
    dump("v2 quiz", client.get(f"/api/v2/quizzes/{quiz.pk}/"))
    dump("v2 attempts", client.get("/api/v2/quiz-attempts/"))
    dump("v2 course pages", client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": "*"}))
    dump("v2 course page", client.get(f"/api/v2/pages/{course.pk}/"))
    for lesson in LessonPage.objects.child_of(course):
        dump(f"v2 lesson {lesson.pk}", client.get(f"/api/v2/pages/{lesson.pk}/"))

    opened = responses["v1 quiz open"]
    assert opened["started"] and 1190 <= opened["seconds_left"] <= 1200
    assert opened["saved_answers"] == {first["id"]: [chosen]}
    assert [q["id"] for q in opened["questions"]] == [q["id"] for q in paper.questions]
    assert responses["v2 quiz"]["questions"] == opened["questions"]
    assert responses["v2 quiz"]["saved_answers"] == opened["saved_answers"]
    for name, body in responses.items():
        assert not LEAKY_KEYS & _keys(body), (name, LEAKY_KEYS & _keys(body))
        text = json.dumps(body, ensure_ascii=False)
        assert not [leak for leak in LEAKY_TEXT if leak in text], name
    for question in opened["questions"]:
        assert all(set(option) == {"id", "text"} for option in question["options"])
    # Nor does the quiz page itself.
    page = client.get(course.url + course.reverse_subpage("take_quiz")).content.decode()
    assert not [leak for leak in LEAKY_TEXT if leak in page]


def test_after_submission_the_trainee_reviews_each_question_with_article_and_lesson(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    url = course.url + course.reverse_subpage("take_quiz")
    client.post(url, {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    response = client.post(url, {f"q-{qid}": values for qid, values in _wrong_answers(paper).items()})
    attempt = QuizAttempt.objects.get(user=trainee)
    assert response.status_code == 302 and attempt.score == 0
    html = client.get(response["Location"]).content.decode()
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    for expected in (
        "业主共同决定的事项",  # the question as shown
        "解析：业主共同决定",  # its explanation
        "《中华人民共和国民法典》第二百七十八条",  # law and article number
        "2021年1月1日起施行",  # the law's version
        ARTICLE_TEXT,
        'href="https://flk.npc.gov.cn/detail.html?civil-code"',
        f'href="{lesson.url}"',  # the lesson that cites the same article
        SECRET_ANSWER,  # the accepted answer of the blank, now that it is submitted
        "不知道",  # the trainee's own typed answer
    ):
        assert expected in html, expected
    assert html.count("result-list__item--wrong") == 4
    # In English the article is numbered as the interface numbers it, not as the paper stored it in Chinese.
    english = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "《中华人民共和国民法典》Art. 278" in english and "第二百七十八条" not in english
    # The same review through both APIs.
    review = client.get(f"/api/v1/courses/{course.pk}/quiz/attempts/{attempt.pk}").json()
    cited = next(q for q in review["questions"] if q["text"] == "业主共同决定的事项")
    assert not cited["right"] and cited["explanation"] == "解析：业主共同决定"
    assert cited["correct_answer"] == ["选项1"] and cited["your_answer"] != ["选项1"]
    assert cited["articles"][0]["label"] == "第二百七十八条" and cited["articles"][0]["text"] == ARTICLE_TEXT
    assert cited["lesson"]["id"] == lesson.pk
    assert sum(option["correct"] for option in cited["options"]) == 1
    v2 = client.get(f"/api/v2/quiz-attempts/{attempt.pk}/").json()
    assert [q["correct_answer"] for q in v2["questions"]] == [q["correct_answer"] for q in review["questions"]]


def test_a_question_no_lesson_cites_has_no_lesson_link(course):
    trainee = _trainee(course)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    course_services.quiz_attempt_submit(user=trainee, course=course, answers=_wrong_answers(paper))
    from courses.selectors import quiz_attempt_review

    rows = quiz_attempt_review(QuizAttempt.objects.get())["questions"]
    assert [row["lesson"] is not None for row in rows] == [row["text"] == "业主共同决定的事项" for row in rows]


def test_nobody_reviews_someone_elses_attempt(client, course):
    owner, other = _trainee(course), _trainee(course)
    paper = services.paper_open(user=owner, quiz=course.quiz)
    attempt = course_services.quiz_attempt_submit(user=owner, course=course, answers=_wrong_answers(paper))
    client.force_login(other)
    result_url = course.url + course.reverse_subpage("quiz_result", kwargs={"attempt_id": attempt.pk})
    assert client.get(result_url).status_code == 404
    assert client.get(f"/api/v1/courses/{course.pk}/quiz/attempts/{attempt.pk}").status_code == 404
    assert client.get(f"/api/v2/quiz-attempts/{attempt.pk}/").status_code == 404
    assert client.get("/api/v2/quiz-attempts/").json()["items"] == []
    client.logout()
    assert client.get(f"/api/v2/quiz-attempts/{attempt.pk}/").status_code == 403
    assert client.get(f"/api/v1/courses/{course.pk}/quiz/attempts/{attempt.pk}").status_code == 401
    client.force_login(owner)
    assert client.get(result_url).status_code == 200


NEW_TEXT = "下列事项由业主共同决定：（一）制定和修改业主大会议事规则；（二）新版本增加的事项。"


def _record_new_version_of_278():
    law = LegalReference.objects.get(short_name="民法典")
    services.legal_version_record(
        actor=UserFactory(is_superuser=True), law=law, version="2030年修订", in_force_on=None, texts={278: NEW_TEXT}
    )


def _cited_article(rows):
    return next(row for row in rows if row["text"] == "业主共同决定的事项")["articles"][0]


def test_the_review_shows_the_article_as_in_force_when_the_paper_was_drawn(client, course):
    from courses.selectors import quiz_attempt_review

    trainee = _trainee(course)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    assert "业主共同决定的事项" in [question["text"] for question in paper.questions]
    first = course_services.quiz_attempt_submit(user=trainee, course=course, answers=_wrong_answers(paper))
    _record_new_version_of_278()

    old = _cited_article(quiz_attempt_review(first)["questions"])
    assert (old["text"], old["version"]) == (ARTICLE_TEXT, "2021年1月1日起施行")
    client.force_login(trainee)
    html = client.get(course.url + course.reverse_subpage("quiz_result", kwargs={"attempt_id": first.pk})).content
    assert ARTICLE_TEXT in html.decode() and NEW_TEXT not in html.decode() and "2030年修订" not in html.decode()
    api = client.get(f"/api/v1/courses/{course.pk}/quiz/attempts/{first.pk}").json()
    assert _cited_article(api["questions"])["text"] == ARTICLE_TEXT
    assert _cited_article(api["questions"])["version"] == "2021年1月1日起施行"

    # The flagged question is checked by an editor and drawn again: the next paper cites the new version.
    question = LegalArticle.objects.get(number=278).questions.get()
    services.question_review_clear(actor=UserFactory(is_superuser=True), question=question)
    second_paper = services.paper_open(user=trainee, quiz=course.quiz)
    assert "业主共同决定的事项" in [q["text"] for q in second_paper.questions]  # a pool of 4 draws all 4
    second = course_services.quiz_attempt_submit(user=trainee, course=course, answers=_wrong_answers(second_paper))
    new = _cited_article(quiz_attempt_review(second)["questions"])
    assert (new["text"], new["version"]) == (NEW_TEXT, "2030年修订")
    assert _cited_article(quiz_attempt_review(first)["questions"])["text"] == ARTICLE_TEXT


def test_papers_drawn_before_the_snapshot_get_the_version_in_force_when_migrating(course):
    import importlib

    from django.apps import apps

    from courses.selectors import quiz_attempt_review

    trainee = _trainee(course)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    attempt = course_services.quiz_attempt_submit(user=trainee, course=course, answers=_wrong_answers(paper))
    paper.refresh_from_db()
    expected = _cited_article(quiz_attempt_review(attempt)["questions"])
    for entry in paper.key.values():  # as a paper drawn before papers kept their articles
        del entry["articles"]
    paper.save(update_fields=["key"])
    rows = quiz_attempt_review(attempt)["questions"]
    assert next(row for row in rows if row["text"] == "业主共同决定的事项")["articles"] == []
    migration = importlib.import_module("assessments.migrations.0011_paper_cited_article_versions")
    migration.backfill(apps, None)
    paper.refresh_from_db()
    assert all("articles" in entry for entry in paper.key.values())
    assert _cited_article(quiz_attempt_review(attempt)["questions"]) == expected
