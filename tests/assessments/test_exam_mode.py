"""Exam mode on a drawn paper: a timed exam is started on purpose and its clock is the server's; answers are saved on
the server as the trainee goes, so a dropped connection or a second device resumes the same paper; a submission after
the deadline and its grace scores only the answers saved in time; a paper whose time ran out is submitted once, by
the periodic job or as the trainee comes back."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments import rules, services
from assessments.models import Blueprint, BlueprintPool, Paper
from courses import services as course_services
from courses.models import QuizAttempt
from tests.assessments.factories import make_question
from tests.courses.factories import make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = make_course(code="FG-01", title="业主大会", max_attempts=3, pass_mark=60, questions=3)
    for number in range(8):
        make_question(competency=course.competency, text=f"业主大会题{number}", explanation=f"解析{number}")
    blueprint = Blueprint.objects.create(quiz=course.quiz, time_limit=10)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=4)
    return course


def _trainee(course):
    user = UserFactory()
    course_services.enrolment_create(user=user, course=course)
    return user


def _url(course, name="take_quiz"):
    return course.url + course.reverse_subpage(name)


def _right(paper):
    return {question_id: list(entry["correct"]) for question_id, entry in paper.key.items()}


def _wrong(paper):
    return {qid: [t for t in entry["options"] if t not in entry["correct"]][:1] for qid, entry in paper.key.items()}


def _expire(paper, seconds_ago):
    Paper.objects.filter(pk=paper.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=seconds_ago))
    paper.refresh_from_db()


def test_a_timed_exam_is_started_on_purpose_and_the_page_shows_the_servers_time_left(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    page = client.get(_url(course)).content.decode()
    assert 'value="start"' in page and "业主大会题" not in page and not Paper.objects.exists()  # no clock yet
    before = timezone.now()
    assert client.post(_url(course), {"action": "start"}).status_code == 302
    paper = Paper.objects.get(user=trainee)
    assert before + datetime.timedelta(minutes=10) <= paper.deadline <= timezone.now() + datetime.timedelta(minutes=10)
    page = client.get(_url(course)).content.decode()
    left = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
    assert 590 <= left <= 600 and "业主大会题" in page and 'value="save"' in page


def test_an_untimed_paper_has_no_clock_but_saves_answers_too(client, course):
    Blueprint.objects.filter(quiz=course.quiz).update(time_limit=None)
    trainee = _trainee(course)
    client.force_login(trainee)
    page = client.get(_url(course)).content.decode()
    paper = Paper.objects.get(user=trainee)
    assert paper.deadline is None and "data-seconds-left" not in page and 'value="save"' in page


def test_resume_after_a_dropped_connection_shows_the_saved_answers_on_another_device(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    first, second = paper.questions[0], paper.questions[1]
    chosen = first["options"][2]["id"]
    response = client.post(_url(course), {"action": "save", f"q-{first['id']}": chosen})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.saved_answers == {first["id"]: [chosen]}
    # The page's script saves with fetch and gets JSON back.
    other = second["options"][0]["id"]
    response = client.post(
        _url(course),
        {"action": "save", f"q-{first['id']}": chosen, f"q-{second['id']}": other},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["saved"] == 2
    # Another device (a new session) opens the same paper with both answers ticked.
    client.logout()
    client.force_login(trainee)
    page = client.get(_url(course)).content.decode()
    assert Paper.objects.filter(user=trainee).count() == 1
    assert re.search(rf'value="{chosen}" checked', page) and re.search(rf'value="{other}" checked', page)
    # Un-ticking everything and saving clears the answer.
    client.post(_url(course), {"action": "save", f"q-{first['id']}": chosen})
    paper.refresh_from_db()
    assert paper.saved_answers == {first["id"]: [chosen]}


def test_a_second_start_or_tab_gets_the_same_open_paper(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    client.post(_url(course), {"action": "start"})
    client.get(_url(course))
    assert Paper.objects.filter(user=trainee).count() == 1


def test_two_concurrent_starts_give_one_paper(course, monkeypatch):
    """The second request arrives between the first's look for an open paper and its insert: the unique attempt
    number lets one insert win, and the loser returns the winner's paper."""
    trainee = _trainee(course)
    original, seen = rules.draw_questions, []

    def racing(*args, **kwargs):
        if not seen:
            seen.append(None)
            seen.append(services.paper_open(user=trainee, quiz=course.quiz).pk)  # the other request, in between
        return original(*args, **kwargs)

    monkeypatch.setattr(rules, "draw_questions", racing)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    assert paper.pk == seen[1] and Paper.objects.filter(user=trainee).count() == 1


def test_a_late_submission_scores_only_the_answers_saved_before_the_deadline(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    right, wrong = _right(paper), _wrong(paper)
    ids = [question["id"] for question in paper.questions]
    saved = {ids[0]: right[ids[0]], ids[1]: wrong[ids[1]]}  # one right, one wrong, two unanswered
    services.paper_answers_save(paper=paper, answers=saved)
    _expire(paper, rules.DEADLINE_GRACE_SECONDS + 5)
    # Answers saved after time ran out are refused and change nothing.
    with pytest.raises(rules.AnswerError):
        services.paper_answers_save(paper=paper, answers={ids[2]: right[ids[2]]})
    response = client.post(_url(course), {f"q-{qid}": tokens for qid, tokens in right.items()})
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=trainee)
    assert attempt.correct_count == 1 and attempt.score == 25 and not attempt.passed
    assert attempt.answers == saved
    paper.refresh_from_db()
    assert paper.attempt == attempt


def test_a_submission_within_the_grace_counts_what_was_sent_even_if_incomplete(course):
    trainee = _trainee(course)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    _expire(paper, 5)  # five seconds late: in flight as time ran out
    right = _right(paper)
    sent = dict(list(right.items())[:3])  # three of four answered
    attempt = course_services.quiz_attempt_submit(user=trainee, course=course, answers=sent)
    assert attempt.correct_count == 3 and attempt.score == 75


def test_within_time_every_question_must_be_answered_and_tampered_options_are_refused(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    first = paper.questions[0]
    # An option id of another question, and a made-up one: refused with a 400, nothing saved.
    foreign = paper.questions[1]["options"][0]["id"]
    for value in (foreign, "0" * 20):
        response = client.post(_url(course), {"action": "save", f"q-{first['id']}": value})
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    response = client.post(
        _url(course), {"action": "save", f"q-{first['id']}": foreign}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_answers"
    paper.refresh_from_db()
    assert paper.saved_answers == {}
    response = client.post(_url(course), {f"q-{first['id']}": first["options"][0]["id"]})
    assert response.status_code == 400 and not QuizAttempt.objects.exists()


def test_the_closing_job_scores_each_expired_paper_once(course):
    expired = [_trainee(course) for _ in range(2)]
    still_open = _trainee(course)
    for trainee in expired:
        paper = services.paper_open(user=trainee, quiz=course.quiz)
        first = paper.questions[0]["id"]
        services.paper_answers_save(paper=paper, answers={first: _right(paper)[first]})
        _expire(paper, rules.DEADLINE_GRACE_SECONDS + 60)
    services.paper_open(user=still_open, quiz=course.quiz)
    in_grace = services.paper_open(user=_trainee(course), quiz=course.quiz)
    _expire(in_grace, 5)  # a submission may still be on its way: left for it
    assert services.papers_close_expired() == 2
    call_command("close_expired_papers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert services.papers_close_expired() == 0
    attempts = QuizAttempt.objects.order_by("user_id")
    assert [attempt.user for attempt in attempts] == expired
    assert all(attempt.correct_count == 1 and attempt.score == 25 for attempt in attempts)
    assert Paper.objects.filter(attempt__isnull=True).count() == 2


def test_the_closing_task_runs_through_the_task_backend(course):
    from assessments.tasks import close_expired_papers

    paper = services.paper_open(user=_trainee(course), quiz=course.quiz)
    _expire(paper, rules.DEADLINE_GRACE_SECONDS + 1)
    assert close_expired_papers.enqueue().return_value == 1
    assert close_expired_papers.enqueue().return_value == 0
    assert QuizAttempt.objects.count() == 1


def test_coming_back_after_time_ran_out_submits_the_saved_answers_and_shows_the_result(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    first = paper.questions[0]["id"]
    services.paper_answers_save(paper=paper, answers={first: _right(paper)[first]})
    _expire(paper, 1)
    response = client.get(_url(course))
    attempt = QuizAttempt.objects.get(user=trainee)
    assert response.status_code == 302 and response["Location"].endswith(f"/quiz/attempts/{attempt.pk}/")
    assert attempt.correct_count == 1
    # The script's save after the deadline learns that the paper was submitted, and where the result is.
    assert client.get(response["Location"]).status_code == 200
    # A retake starts a new paper with a new clock.
    client.post(_url(course), {"action": "start"})
    assert Paper.objects.filter(user=trainee, attempt__isnull=True).get().number == 2


def test_a_save_from_the_page_after_time_ran_out_is_told_where_the_result_is(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    _expire(paper, rules.DEADLINE_GRACE_SECONDS + 1)
    question = paper.questions[0]
    response = client.post(
        _url(course),
        {"action": "save", f"q-{question['id']}": question["options"][0]["id"]},
        HTTP_ACCEPT="application/json",
    )
    attempt = QuizAttempt.objects.get(user=trainee)
    assert response.status_code == 409 and response.json()["result"].endswith(f"/quiz/attempts/{attempt.pk}/")
    assert attempt.answers == {}


def test_submitting_twice_records_one_attempt(client, course):
    """A double click, or the form sent again from a second tab: the paper is scored once; the second submission
    finds no open paper (tests/postgres/test_exam_concurrency.py sends them at the same moment)."""
    trainee = _trainee(course)
    client.force_login(trainee)
    client.post(_url(course), {"action": "start"})
    paper = Paper.objects.get(user=trainee)
    wrong = {f"q-{qid}": tokens for qid, tokens in _wrong(paper).items()}
    assert client.post(_url(course), wrong).status_code == 302
    again = client.post(_url(course), wrong)
    assert again.status_code == 400 and QuizAttempt.objects.filter(user=trainee).count() == 1
    assert Paper.objects.filter(user=trainee).count() == 1  # nor did the second submission draw a paper


def test_the_time_limit_is_off_by_default_and_its_help_says_why(client, staff_groups):
    from assessments.demo import seed_permissions
    from tests.factories import make_editor

    seed_permissions()
    client.force_login(make_editor())
    form = client.get(reverse("wagtailsnippets_assessments_blueprint:add")).content.decode()
    assert 'name="time_limit"' in form and "年长学员" in form  # the help text, in Chinese
    assert Blueprint().time_limit is None


def test_the_closing_job_scores_the_paper_of_a_trainee_who_left_the_course_and_completes_it_only_on_return(course):
    from courses import selectors as course_selectors
    from courses.models import CourseCompletion

    trainee = _trainee(course)
    for lesson in course_selectors.course_lessons(course):
        course_services.lesson_mark_done(user=trainee, lesson=lesson)
    paper = services.paper_open(user=trainee, quiz=course.quiz)
    services.paper_answers_save(paper=paper, answers=_right(paper))
    course_services.enrolment_delete(user=trainee, course=course)
    _expire(paper, rules.DEADLINE_GRACE_SECONDS + 60)

    # The trainee sat the paper and time ran out: leaving the course does not leave it open for ever.
    assert services.papers_close_expired() == 1
    assert services.papers_close_expired() == 0
    attempt = QuizAttempt.objects.get(user=trainee)
    paper.refresh_from_db()
    assert paper.attempt == attempt and attempt.passed and attempt.score == 100
    assert attempt.item_responses.count() == 4
    # A completion (and the credit it brings) needs the enrolment: none while the trainee is away...
    assert not CourseCompletion.objects.filter(user=trainee, course=course).exists()
    # ...and the work kept counts when they come back.
    course_services.enrolment_create(user=trainee, course=course)
    assert CourseCompletion.objects.filter(user=trainee, course=course).exists()
