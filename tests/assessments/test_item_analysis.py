"""Item analysis: the statistics match a hand calculation on a small fixture, the database sums give the same
figures from papers answered through the quiz, options are counted by authored option, and the report is for
editors, with a chart and an Excel download, in a constant number of queries."""

import io
import math
import random

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from assessments import rules, services
from assessments.demo import seed_permissions
from assessments.itemanalysis import queries, statistics
from assessments.itemanalysis.statistics import Flag, ReliabilitySums
from assessments.models import Blueprint, BlueprintPool, ItemChoice, ItemResponse, Paper
from courses import services as course_services
from courses.models import QuizAttempt
from tests.assessments.factories import make_question
from tests.courses.factories import make_course
from tests.factories import UserFactory, make_editor, make_registrar

# The fixture: one paper of three questions A, B, C answered by five attempts (1 right, 0 wrong).
#   attempt  A B C  total  score %
#      1     1 1 1    3     100
#      2     1 1 0    2      66
#      3     1 0 1    2      66
#      4     0 1 0    1      33
#      5     0 0 0    0       0
MATRIX = [[1, 1, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]]


def _rest_pairs(column):
    return [(bool(row[column]), (sum(row) - row[column]) / 2) for row in MATRIX]


def test_facility_and_discrimination_match_the_hand_calculation():
    """p = right ÷ attempts: A 3/5 = 0.6, B 3/5 = 0.6, C 2/5 = 0.4.

    Point-biserial of the item with the rest of the paper (population moments; the rest score as a share of the two
    other questions only rescales it, which leaves a correlation unchanged):
      A: x = 1 1 1 0 0, rest = B+C = 2 1 1 1 0, mean 1. E[xy] = (2+1+1)/5 = 0.8, cov = 0.8 − 0.6·1 = 0.2,
         var x = 0.6·0.4 = 0.24, var rest = (4+1+1+1+0)/5 − 1 = 0.4, r = 0.2/√(0.24·0.4) = 0.2/0.30984 = 0.6455.
      B: x = 1 1 0 1 0, rest = A+C = 2 1 2 0 0, mean 1. E[xy] = (2+1+0)/5 = 0.6, cov = 0.6 − 0.6·1 = 0: r = 0.
      C: x = 1 0 1 0 0, rest = A+B = 2 2 1 1 0, mean 1.2. E[xy] = (2+1)/5 = 0.6, cov = 0.6 − 0.4·1.2 = 0.12,
         var rest = (4+4+1+1+0)/5 − 1.44 = 0.56, r = 0.12/√(0.24·0.56) = 0.12/0.36661 = 0.3273."""
    expected = {0: (0.6, 0.2 / math.sqrt(0.24 * 0.4)), 1: (0.6, 0.0), 2: (0.4, 0.12 / math.sqrt(0.24 * 0.56))}
    for column, (p, r) in expected.items():
        sums = statistics.item_sums(_rest_pairs(column))
        assert statistics.facility(sums) == pytest.approx(p)
        assert statistics.point_biserial(sums) == pytest.approx(r, abs=1e-9)
    assert statistics.point_biserial(sums) == pytest.approx(0.3273, abs=1e-4)


def test_kr20_matches_the_hand_calculation_and_the_drawn_form_equals_it_on_a_fixed_paper():
    """Totals 3 2 2 1 0, mean 1.6, population variance (1.96+0.16+0.16+0.36+2.56)/5 = 1.04.
    Σpq = 0.24 + 0.24 + 0.24 = 0.72. KR-20 = 3/2 · (1 − 0.72/1.04) = 1.5 · 4/13 = 6/13 = 0.4615.

    Drawn form: every attempt's Σp = 0.6 + 0.6 + 0.4 = 1.6, so D = total − 1.6 = 1.4 0.4 0.4 −0.6 −1.6 and
    Σ D² = 1.96 + 0.16 + 0.16 + 0.36 + 2.56 = 5.2; Σ n·p·q = 5·0.72 = 3.6; Σ k(k − 1) = 5·6 = 30.
    c̄ = (5.2 − 3.6)/30 = 0.05333; v̄ = 3.6/15 = 0.24.
    α = 3·0.05333 / (0.24 + 2·0.05333) = 0.16 / 0.34667 = 0.4615: the same 6/13."""
    assert statistics.kr20(MATRIX) == pytest.approx(6 / 13)
    sums = ReliabilitySums(items=[(5, 3), (5, 3), (5, 2)], deviation_sq=5.2, pair_weight=30)
    assert statistics.kr20_drawn(sums, length=3) == pytest.approx(6 / 13)
    papers = [dict(enumerate(row)) for row in MATRIX]
    assert statistics.reliability_sums(papers) == ReliabilitySums([(5, 3), (5, 3), (5, 2)], pytest.approx(5.2), 30)


def test_kr20_of_randomly_drawn_papers_matches_the_hand_calculation():
    """Random papers of 2 from 3 items A B C, six attempts:
      attempt  paper  answers  right
         1      AB     1 1       2
         2      AB     0 1       1
         3      AC     0 1       1
         4      AC     1 1       2
         5      BC     0 0       0
         6      BC     1 1       2
    p: A 2/4 = 0.5, B 3/4 = 0.75, C 3/4 = 0.75; Σ n·p·q = 4·0.25 + 4·0.1875 + 4·0.1875 = 2.5, v̄ = 2.5/12.
    Σp of the paper: AB 1.25, AC 1.25, BC 1.5; D = 0.75 −0.25 −0.25 0.75 −1.5 0.5,
    Σ D² = 0.5625 + 0.0625 + 0.0625 + 0.5625 + 2.25 + 0.25 = 3.75; Σ k(k − 1) = 6·2 = 12.
    c̄ = (3.75 − 2.5)/12 = 1.25/12; α = 2·(1.25/12) / (2.5/12 + 1.25/12) = 2.5/3.75 = 2/3.
    Check of the identity, pair by pair around the items' p: AB (attempts 1, 2): 0.5·0.25 + (−0.5)·0.25 = 0;
    AC (3, 4): (−0.5)·0.25 + 0.5·0.25 = 0; BC (5, 6): (−0.75)(−0.75) + 0.25·0.25 = 0.625; Σ over ordered pairs
    2·0.625 = 1.25 = Σ D² − Σ n·p·q. (For comparison: centring each pair on its own two attempts gives c̄ = 0.5/6
    and α = 4/7; KR-20 on the totals 2 1 1 2 0 2, variance 5/9, gives 2·(1 − (2·2.5/12)/(5/9)) = 0.5, counting the
    papers' differences in difficulty as reliability.)"""
    papers = [
        {"A": 1, "B": 1},
        {"A": 0, "B": 1},
        {"A": 0, "C": 1},
        {"A": 1, "C": 1},
        {"B": 0, "C": 0},
        {"B": 1, "C": 1},
    ]
    sums = statistics.reliability_sums(papers)
    assert sorted(sums.items) == [(4, 2), (4, 3), (4, 3)]
    assert (sums.deviation_sq, sums.pair_weight) == (pytest.approx(3.75), 12)
    p = {"A": 0.5, "B": 0.75, "C": 0.75}
    pair_products = sum(
        (paper[i] - p[i]) * (paper[j] - p[j]) for paper in papers for i in paper for j in paper if i != j
    )
    assert pair_products == pytest.approx(sums.deviation_sq - 2.5)
    assert statistics.kr20_drawn(sums, length=2) == pytest.approx(2 / 3)
    assert statistics.kr20_drawn(ReliabilitySums([(4, 2)] * 3, 0.0, 0), length=2) is None
    assert statistics.kr20_drawn(sums, length=1) is None


def test_strong_group_flags_and_histogram_match_the_hand_calculation():
    """Scores 100 66 66 33 0: ⌈0.27·5⌉ = ⌈1.35⌉ = 2, the second best scores 66, so the strong group is every attempt
    scoring at least 66 (three of five: the tie is kept whole). Bands: 0–9: 1, 30–39: 1, 60–69: 2, 90–100: 1."""
    scores = {100: 1, 66: 2, 33: 1, 0: 1}
    assert statistics.upper_bar(scores) == 66
    histogram = dict(statistics.score_histogram(scores))
    assert histogram == {"0–9": 1, "10–19": 0, "20–29": 0, "30–39": 1, "40–49": 0, "50–59": 0, "60–69": 2,
                         "70–79": 0, "80–89": 0, "90–100": 1}  # fmt: skip
    mean, deviation = statistics.mean_and_deviation(scores)
    assert mean == pytest.approx(53.0) and deviation == pytest.approx(
        math.sqrt((47**2 + 2 * 13**2 + 20**2 + 53**2) / 5)
    )
    flags = statistics.item_flags
    assert flags(n=30, p=0.95, discrimination=0.3) == (Flag.TOO_EASY,)
    assert flags(n=30, p=0.1, discrimination=0.05) == (Flag.TOO_HARD, Flag.LOW_DISCRIMINATION)
    assert flags(n=30, p=0.5, discrimination=0.3, upper_right=4, upper_distractor=5) == (Flag.DISTRACTOR_BEATS_KEY,)
    assert flags(n=30, p=0.5, discrimination=0.3, upper_right=5, upper_distractor=5) == ()
    assert flags(n=19, p=0.99, discrimination=-0.5) == ()  # too few responses to judge


# Through the database ---------------------------------------------------------------------------------------------


@pytest.fixture
def answered(db):
    """The five attempts of MATRIX, answered through the quiz. A wrong answer chooses the question's second authored
    option (选项2), except attempt 4's wrong answer to A, which chooses 选项3."""
    course = make_course(code="FG-01", title="业主大会", max_attempts=5, pass_mark=60, questions=3)
    questions = [make_question(competency=course.competency, text=f"题{name}") for name in "ABC"]
    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=3)
    for number, row in enumerate(MATRIX, start=1):
        trainee = UserFactory()
        course_services.enrolment_create(user=trainee, course=course)
        paper = services.paper_open(user=trainee, quiz=course.quiz)
        answers = {}
        for token, entry in paper.key.items():
            column = [question.pk for question in questions].index(entry["question"])
            by_option = {option_id: t for t, option_id in entry["options"].items()}
            authored = list(questions[column].options.order_by("sort_order"))
            if row[column]:
                answers[token] = entry["correct"]
            else:
                wrong = authored[2] if (number, column) == (4, 0) else authored[1]
                answers[token] = [by_option[wrong.pk]]
        course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    return course, blueprint, questions


def test_a_submitted_paper_records_one_response_per_question_with_the_authored_option_chosen(answered):
    course, _blueprint, questions = answered
    assert ItemResponse.objects.count() == 15
    assert set(ItemResponse.objects.values_list("paper_size", flat=True)) == {3}
    first = questions[0]
    chosen = list(ItemChoice.objects.filter(response__question=first).values_list("option__text", flat=True))
    assert sorted(chosen) == ["选项1", "选项1", "选项1", "选项2", "选项3"]
    # Each choice carries its response's quiz, score and size (item analysis counts the options without a join).
    copies = ItemChoice.objects.values_list("quiz_id", "paper_score", "paper_size", "response__quiz_id",
                                            "response__paper_score", "response__paper_size")  # fmt: skip
    assert copies.count() == 15 and all(copy[:3] == copy[3:] for copy in copies)


def test_the_database_sums_give_the_hand_calculated_figures(answered, django_assert_max_num_queries):
    course, blueprint, questions = answered
    with django_assert_max_num_queries(9):
        analysis = queries.item_analysis(min_responses=1)
    items = {item.question_id: item for item in analysis.items}
    a, b, c = (items[question.pk] for question in questions)
    assert (a.p, b.p, c.p) == (pytest.approx(0.6), pytest.approx(0.6), pytest.approx(0.4))
    assert a.discrimination == pytest.approx(0.6455, abs=1e-4)
    assert b.discrimination == pytest.approx(0.0, abs=1e-9)
    assert c.discrimination == pytest.approx(0.3273, abs=1e-4)
    # Strong group = attempts 1-3. A: all right there; B: attempt 3 chose 选项2; C: attempt 2 chose 选项2.
    assert [(o.text, o.chosen, o.upper) for o in a.options] == [("选项1", 3, 3), ("选项2", 1, 0), ("选项3", 1, 0),
                                                                ("选项4", 0, 0)]  # fmt: skip
    assert a.options[0].share == pytest.approx(0.6)
    assert (b.upper, b.upper_right) == (3, 2)
    assert b.flags == (Flag.LOW_DISCRIMINATION,) and a.flags == () and c.flags == ()
    (paper,) = analysis.blueprints
    assert paper.attempts == 5 and paper.length == 3 and paper.upper_bar == 66
    assert paper.kr20 == pytest.approx(6 / 13)
    assert paper.mean == pytest.approx(53.0)


def test_a_distractor_chosen_by_more_strong_trainees_than_the_key_is_flagged(db):
    course = make_course(code="FG-02", max_attempts=5, questions=3)
    question = make_question(competency=course.competency, text="陷阱题")
    others = [make_question(competency=course.competency, text=f"易{n}") for n in range(2)]
    blueprint = Blueprint.objects.create(quiz=course.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, count=3)
    # Strong trainees (right on the two easy questions) choose 选项2 on the trap; weak ones get it right by chance.
    for strong in [True] * 4 + [False] * 4:
        trainee = UserFactory()
        course_services.enrolment_create(user=trainee, course=course)
        paper = services.paper_open(user=trainee, quiz=course.quiz)
        answers = {}
        for token, entry in paper.key.items():
            wrong = [t for t in entry["options"] if t not in entry["correct"]]
            if entry["question"] == question.pk:
                trap = next(t for t, pk in entry["options"].items() if pk == question.options.get(sort_order=1).pk)
                answers[token] = [trap] if strong else entry["correct"]
            else:
                answers[token] = entry["correct"] if strong else wrong[:1]
        course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    items = {item.question_id: item for item in queries.item_analysis(min_responses=1).items}
    assert Flag.DISTRACTOR_BEATS_KEY in items[question.pk].flags
    assert Flag.DISTRACTOR_BEATS_KEY not in items[others[0].pk].flags


def test_paper_item_answers_names_authored_options_not_shown_tokens():
    key = {"qa": {"question": 7, "kind": "single", "options": {"t1": 70, "t2": 71}, "correct": ["t2"]},
           "qb": {"question": 8, "kind": "blank", "options": {}, "correct": [], "answers": ["x"], "match": "listed"}}  # fmt: skip
    rows = rules.paper_item_answers(key, {"qa": ["t1"], "qb": ["x"]}, ["qa"])
    assert rows == [rules.ItemAnswer(7, False, (70,)), rules.ItemAnswer(8, True, ())]


# The report ---------------------------------------------------------------------------------------------------------

URL = "/admin/assessments/item-analysis/"


@pytest.fixture
def editor_client(client, staff_groups):
    seed_permissions()
    client.force_login(make_editor())
    return client


def test_the_report_is_for_editors_of_the_bank_only(client, staff_groups, answered):
    seed_permissions()
    assert reverse("assessments_item_analysis:index") == URL
    client.force_login(make_registrar())
    assert client.get(URL).status_code in (302, 403)
    admin_only = UserFactory()
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(admin_only)  # may open the admin, may not edit the bank: Wagtail sends them home
    refused = client.get(URL)
    assert (refused.status_code, refused.url) == (302, "/admin/")
    client.force_login(make_editor())
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-chart="scores"' in response.text and "<rect" in response.text


def test_the_report_filters_by_competency_and_blueprint(editor_client, answered):
    course, blueprint, questions = answered
    other = make_course(code="MD-01", max_attempts=5, questions=3)
    elsewhere = make_question(competency=other.competency, text="别处的题")
    page = editor_client.get(URL, {"competency": other.competency.pk}).text
    assert "题A" not in page and elsewhere.text not in page  # never answered: no figures to show
    page = editor_client.get(URL, {"competency": course.competency.pk, "blueprint": blueprint.pk}).text
    assert "题A" in page and "业主大会" in page
    flagged = editor_client.get(URL, {"flagged": "on"}).text
    assert "题B" not in flagged  # five responses are too few to flag


def test_the_excel_download_has_the_headings_and_the_figures_of_the_page(editor_client, answered):
    _course, _blueprint, questions = answered
    with translation.override("en"):
        response = editor_client.get(URL, {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="item-analysis-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Questions", "Options", "Papers"]
    rows = list(book["Questions"].values)
    assert rows[0][:8] == ("Question ID", "Question", "Competency", "Type", "Difficulty", "Responses",
                           "p (share correct)", "Discrimination (corrected point-biserial)")  # fmt: skip
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[questions[0].pk][5:8] == (5, 0.6, 0.645)
    assert by_id[questions[2].pk][6:8] == (0.4, 0.327)
    options = [row for row in book["Options"].values if row[0] == questions[0].pk]
    assert [(row[2], row[4], row[5], row[7]) for row in options] == [("A", "Yes", 3, 3), ("B", "No", 1, 0),
                                                                     ("C", "No", 1, 0), ("D", "No", 0, 0)]  # fmt: skip
    papers = list(book["Papers"].values)
    assert papers[1][1:7] == (5, 3, 53.0, 33.9, 0.462, 66)


def _many_attempts(course, questions, count, *, seed=7):
    """``count`` more submitted attempts on the fixture's blueprint, written in bulk (one trainee, numbered on)."""
    rng = random.Random(seed)
    trainee = UserFactory()
    attempts = QuizAttempt.objects.bulk_create(
        QuizAttempt(
            user=trainee,
            course=course,
            quiz=course.quiz,
            number=number,
            answers={},
            question_count=3,
            correct_count=0,
            score=0,
            passed=False,
        )  # fmt: skip
        for number in range(1, count + 1)
    )
    Paper.objects.bulk_create(
        Paper(user=trainee, quiz=course.quiz, number=attempt.number, questions=[], key={}, attempt=attempt)
        for attempt in attempts
    )
    options = {question.pk: list(question.options.values_list("pk", "correct")) for question in questions}
    responses, chosen = [], []
    for attempt in attempts:
        picks = {question.pk: rng.choice(options[question.pk]) for question in questions}
        right = sum(correct for _pk, correct in picks.values())
        for question_id, (option_id, correct) in picks.items():
            responses.append(ItemResponse(attempt=attempt, quiz=course.quiz, question_id=question_id, correct=correct,
                                          paper_correct=right, paper_score=right * 100 // 3, paper_size=3))  # fmt: skip
            chosen.append(option_id)
    ItemResponse.objects.bulk_create(responses)
    ItemChoice.objects.bulk_create(
        ItemChoice(
            response=response,
            option_id=option,
            quiz_id=response.quiz_id,
            paper_score=response.paper_score,
            paper_size=response.paper_size,
        )
        for response, option in zip(responses, chosen, strict=True)
    )


def test_the_report_asks_as_many_queries_with_hundreds_of_attempts_as_with_five(
    editor_client, answered, django_assert_max_num_queries
):
    course, _blueprint, questions = answered
    editor_client.get(URL)  # warm the session and the admin menu's caches
    with django_assert_max_num_queries(30) as few:
        assert editor_client.get(URL).status_code == 200
    _many_attempts(course, questions, 400)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = editor_client.get(URL)
    assert "405" in page.text  # the attempts counted
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert editor_client.get(URL, {"export": "xlsx"}).status_code == 200


def test_the_choice_backfill_migration_copies_what_a_submission_writes(answered):
    """``0009_item_choice_paper_copy`` fills the copies of choices recorded before they existed: run over choices
    whose copies are wrong, it writes exactly what ``item_responses_record`` writes at submission."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    course, _blueprint, _questions = answered
    other = make_course(code="FG-02", title="另一门课")
    written = sorted(ItemChoice.objects.values_list("pk", "quiz_id", "paper_score", "paper_size"))
    assert len({row[2] for row in written}) > 1  # the fixture's papers have different scores
    ItemChoice.objects.update(quiz=other.quiz, paper_score=0, paper_size=0)
    migration = importlib.import_module("assessments.migrations.0009_item_choice_paper_copy")
    migration.copy_from_responses(apps, SimpleNamespace(connection=connection))
    assert sorted(ItemChoice.objects.values_list("pk", "quiz_id", "paper_score", "paper_size")) == written
    assert {row[1] for row in written} == {course.quiz.pk}
