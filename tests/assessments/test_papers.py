"""Papers drawn at random from the bank for a course quiz with a blueprint: each attempt draws its own paper, a
retake avoids questions already shown, the paper shown is the paper scored, option ids and order say nothing about
the answer, flagged questions stay out, and a course with a fixed quiz keeps working."""

import json

import pytest
from django.urls import reverse

from assessments import rules, services
from assessments.choices import Difficulty, QuestionStatus, QuestionType
from assessments.models import Blueprint, BlueprintPool, LegalArticle, LegalReference, Paper
from courses import services as course_services
from courses.models import QuizAttempt
from tests.assessments.factories import make_question
from tests.courses.factories import CompetencyFactory, make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bank(competency, count, **kwargs):
    # The authored order always puts the correct option first: the worst case for a paper that showed it as written.
    return [make_question(competency=competency, text=f"题{index}", correct=(0,), **kwargs) for index in range(count)]


@pytest.fixture
def course():
    return make_course(code="FG-01", title="业主大会", max_attempts=5, pass_mark=60, questions=3)


@pytest.fixture
def blueprint(course):
    competency = course.competency
    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=competency, count=5)
    return blueprint


def _trainee(course):
    user = UserFactory()
    course_services.enrolment_create(user=user, course=course)
    return user


def _right(paper: Paper) -> dict[str, list[str]]:
    return {
        question_id: (entry["answers"][:1] if entry["kind"] == QuestionType.FILL_BLANK else entry["correct"])
        for question_id, entry in paper.key.items()
    }


def _bank_ids(paper: Paper) -> set[int]:
    return {entry["question"] for entry in paper.key.values()}


def test_two_attempts_draw_different_papers_and_a_retake_repeats_no_question(course, blueprint):
    _bank(course.competency, 40)
    trainee = _trainee(course)
    first = services.paper_open(user=trainee, quiz=course.quiz)
    assert len(first.questions) == 5
    assert services.paper_open(user=trainee, quiz=course.quiz).pk == first.pk  # a reload shows the same paper
    wrong = {qid: [t for t in entry["options"] if t not in entry["correct"]][:1] for qid, entry in first.key.items()}
    attempt = course_services.quiz_attempt_submit(user=trainee, course=course, answers=wrong)
    assert not attempt.passed
    second = services.paper_open(user=trainee, quiz=course.quiz)
    assert second.pk != first.pk and second.number == 2
    assert not _bank_ids(first) & _bank_ids(second)


def test_two_trainees_draw_different_papers_from_a_large_pool(course, blueprint):
    _bank(course.competency, 40)
    papers = [_bank_ids(services.paper_open(user=_trainee(course), quiz=course.quiz)) for _ in range(3)]
    assert len({frozenset(paper) for paper in papers}) > 1


def test_a_retake_repeats_questions_only_when_the_pool_runs_out(course, blueprint):
    _bank(course.competency, 7)
    trainee = _trainee(course)
    first = services.paper_open(user=trainee, quiz=course.quiz)
    QuizAttempt.objects.create(
        user=trainee, course=course, quiz=course.quiz, number=1, answers={}, question_count=5, correct_count=0,
        score=0, passed=False,
    )  # fmt: skip
    second = services.paper_open(user=trainee, quiz=course.quiz)
    # 7 questions, 5 shown before: the two new ones are certainly drawn, three shown ones fill the paper.
    assert len(_bank_ids(second)) == 5 and len(_bank_ids(second) - _bank_ids(first)) == 2


def test_the_paper_shown_by_the_api_is_the_paper_scored(client, course, blueprint):
    _bank(course.competency, 12)
    trainee = _trainee(course)
    client.force_login(trainee)
    shown = client.get(f"/api/v1/courses/{course.pk}/quiz").json()["questions"]
    paper = Paper.objects.get(user=trainee)
    assert [question["id"] for question in shown] == [question["id"] for question in paper.questions]
    assert [[o["id"] for o in q["options"]] for q in shown] == [
        [o["id"] for o in q["options"]] for q in paper.questions
    ]
    body = json.dumps(shown)
    assert '"correct"' not in body and all(set(option) == {"id", "text"} for q in shown for option in q["options"])
    answers = _right(paper)
    response = client.post(
        f"/api/v1/courses/{course.pk}/quiz/attempts", json.dumps({"answers": answers}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["score"] == 100
    paper.refresh_from_db()
    assert paper.attempt_id == response.json()["id"]
    after = client.get(f"/api/v1/courses/{course.pk}/quiz").json()
    assert after["passed"] and after["questions"] == [] and Paper.objects.count() == 1  # passed: nothing drawn


def test_answers_to_another_paper_are_refused_and_record_nothing(client, course, blueprint):
    _bank(course.competency, 12)
    trainee, other = _trainee(course), _trainee(course)
    services.paper_open(user=trainee, quiz=course.quiz)
    others = services.paper_open(user=other, quiz=course.quiz)
    client.force_login(trainee)
    response = client.post(
        f"/api/v1/courses/{course.pk}/quiz/attempts",
        json.dumps({"answers": _right(others)}),
        content_type="application/json",
    )
    assert response.status_code == 400 and not QuizAttempt.objects.exists()


def test_always_choosing_the_first_option_passes_no_more_often_than_chance(course, blueprint):
    """Every question has four options and its correct one authored first. A trainee who always takes the first
    option the API lists, or the option with the smallest id, is right about one time in four."""
    _bank(course.competency, 30)
    first_right = smallest_right = total = 0
    for _ in range(80):
        paper = services.paper_open(user=_trainee(course), quiz=course.quiz)
        for question in paper.questions:
            correct = set(paper.key[question["id"]]["correct"])
            first_right += question["options"][0]["id"] in correct
            smallest_right += min(option["id"] for option in question["options"]) in correct
            total += 1
    # 400 answers at p = 1/4: mean 100, standard deviation about 8.7; 140 is more than four deviations above.
    assert total == 400
    assert 60 < first_right < 140 and 60 < smallest_right < 140


def test_a_question_flagged_by_a_new_version_of_a_law_is_not_drawn(course, blueprint, staff_groups):
    from assessments.demo import seed_permissions
    from tests.factories import make_editor

    seed_permissions()
    law = LegalReference.objects.create(
        name="中华人民共和国民法典", short_name="民法典", issuer="全国人大", version="2021"
    )
    article = LegalArticle.objects.create(law=law, number=278, text="旧文")
    questions = _bank(course.competency, 6)
    for question in questions[:3]:
        question.citations.set([article])
        question.save()
    services.legal_version_record(actor=make_editor(), law=law, version="2025", in_force_on=None, texts={278: "新文"})
    paper = services.paper_open(user=_trainee(course), quiz=course.quiz)
    assert _bank_ids(paper) == {question.pk for question in questions[3:]}  # 3 drawable of the 5 asked for


def test_pools_draw_by_tag_and_difficulty_and_a_blank_is_scored_from_the_typed_answer(client, course):
    competency = course.competency
    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(
        blueprint=blueprint, competency=competency, tag="维修资金", difficulty=Difficulty.HARD, count=1
    )
    wanted = make_question(competency=competency, text="维修资金难题", kind=QuestionType.FILL_BLANK,
                           accepted_answers="业主共有\n全体业主共有", difficulty=Difficulty.HARD)  # fmt: skip
    wanted.tags.add("维修资金")
    wanted.save()
    easy = make_question(competency=competency, text="维修资金易题", difficulty=Difficulty.EASY)
    easy.tags.add("维修资金")
    easy.save()
    make_question(competency=competency, text="别的难题", difficulty=Difficulty.HARD)
    make_question(competency=CompetencyFactory(code="FW"), text="别的能力", difficulty=Difficulty.HARD)
    make_question(competency=competency, text="草稿", difficulty=Difficulty.HARD, status=QuestionStatus.DRAFT)
    trainee = _trainee(course)
    client.force_login(trainee)
    url = course.url + course.reverse_subpage("take_quiz")
    page = client.get(url)
    html = page.content.decode()
    assert "维修资金难题" in html and 'type="text"' in html
    paper = Paper.objects.get(user=trainee)
    question_id = paper.questions[0]["id"]
    response = client.post(url, {f"q-{question_id}": " 全体业主 共有 "})
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(user=trainee)
    assert attempt.score == 100 and attempt.passed
    result = client.get(response["Location"]).content.decode()
    assert "维修资金难题" in result


def test_a_course_without_a_blueprint_keeps_its_fixed_quiz(client, course):
    trainee = _trainee(course)
    client.force_login(trainee)
    shown = client.get(f"/api/v1/courses/{course.pk}/quiz").json()["questions"]
    assert len(shown) == 3 and not Paper.objects.exists()


def test_draw_rule_prefers_unseen_questions_and_never_repeats_across_pools():
    import random

    rng = random.Random(7)
    drawn = rules.draw_questions([(3, [1, 2, 3, 4, 5]), (2, [4, 5, 6])], seen={1, 2}, rng=rng)
    # The first pool takes its three unseen questions; the second has only 6 left (4 and 5 are taken) and gives it.
    assert set(drawn[:3]) == {3, 4, 5} and drawn[3:] == [6]
    refill = rules.draw_questions([(4, [1, 2, 3])], seen={1, 2, 3}, rng=rng)
    assert sorted(refill) == [1, 2, 3]  # all seen before: repeated rather than a short paper


def test_draw_rule_takes_a_cases_questions_together_and_only_when_they_fit():
    import random

    cases = {10: 1, 11: 1, 12: 1, 20: 2, 21: 2}  # case 1 has three questions here, case 2 two
    for seed in range(40):
        drawn = rules.draw_questions(
            [(4, [1, 2, 10, 11, 12, 20, 21])], seen=set(), rng=random.Random(seed), cases=cases
        )
        assert len(drawn) == 4  # singles fill what a case leaves, so the paper keeps its size
        for members in ({10, 11, 12}, {20, 21}):
            assert len(members & set(drawn)) in (0, len(members)), (seed, drawn)
    # A case already shown to the trainee comes after new questions, as a single question does.
    for seed in range(20):
        drawn = rules.draw_questions([(2, [1, 2, 20, 21])], seen={20}, rng=random.Random(seed), cases=cases)
        assert sorted(drawn) == [1, 2]
    # A pool too small for any case gives its singles: never half a case.
    assert sorted(rules.draw_questions([(2, [1, 10, 11, 12])], seen=set(), rng=random.Random(1), cases=cases)) == [1]


def test_a_case_is_drawn_whole_and_shown_once_above_its_questions_when_taking_and_reviewing(client, course):
    from assessments.models import Case

    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=4)
    case = Case.objects.create(competency=course.competency, title="电梯停运", text="3号楼电梯突发故障停运。")
    on_case = [make_question(competency=course.competency, text=f"案例题{n}", case=case) for n in range(3)]
    single = make_question(competency=course.competency, text="单独的题")
    trainee = _trainee(course)
    client.force_login(trainee)
    url = course.url + course.reverse_subpage("take_quiz")
    html = client.get(url).content.decode()
    paper = Paper.objects.get(user=trainee)
    assert _bank_ids(paper) == {question.pk for question in [*on_case, single]}
    texts = [question["text"] for question in paper.questions]
    first = min(texts.index(question.text) for question in on_case)
    assert sorted(texts[first : first + 3]) == ["案例题0", "案例题1", "案例题2"]  # together, in one run
    assert html.count("3号楼电梯突发故障停运。") == 1
    assert html.index("3号楼电梯突发故障停运。") < html.index(texts[first])
    response = client.post(url, {f"q-{question_id}": values for question_id, values in _right(paper).items()})
    review = client.get(response["Location"]).content.decode()
    assert review.count("3号楼电梯突发故障停运。") == 1
    assert review.index("3号楼电梯突发故障停运。") < review.index(texts[first])


def test_editor_turns_a_course_quiz_into_a_blueprint_in_the_admin(client, course, staff_groups):
    from assessments.demo import seed_permissions
    from tests.factories import make_editor

    seed_permissions()
    client.force_login(make_editor())
    add = reverse("wagtailsnippets_assessments_blueprint:add")
    form = client.get(add).content.decode()
    assert "业主大会 · " in form  # quizzes are named by their course
    data = {
        "quiz": course.quiz.pk, "pools-TOTAL_FORMS": "1", "pools-INITIAL_FORMS": "0", "pools-MIN_NUM_FORMS": "1",
        "pools-MAX_NUM_FORMS": "1000", "pools-0-competency": course.competency_id, "pools-0-tag": "",
        "pools-0-difficulty": "", "pools-0-count": "4", "pools-0-ORDER": "1", "pools-0-id": "", "pools-0-DELETE": "",
    }  # fmt: skip
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Blueprint.objects.get().pools.get().count == 4
