"""The demo bank: its questions are well formed and cite articles that exist, the correct options are spread evenly
over the positions, seeding twice adds nothing, and the simulated attempts give item analysis realistic figures
(easy questions answered right more often than hard ones, discrimination mostly positive)."""

from collections import Counter
from statistics import mean

import pytest

from academy.demo_files import demo_content
from assessments import demo, rules
from assessments.choices import Difficulty, QuestionType
from assessments.itemanalysis import queries
from assessments.itemanalysis.statistics import MIN_RESPONSES
from assessments.models import BankQuestion, Blueprint, Case, ItemResponse, LegalArticle
from courses.demo import demo_courses
from courses.models import QuizAttempt
from tests.courses.factories import CompetencyFactory, make_catalogue, make_course

BANK = demo._own_questions()
LAWS = demo_content(demo.__file__, "laws")
CASES = demo._case_groups()
CASE_ITEMS = [item for group in CASES for item in group["items"]]


def test_every_demo_question_is_well_formed_and_cites_an_article_of_the_demo_laws():
    articles = {(law["short_name"], number) for law in LAWS for number in law["articles"]}
    for item in demo._bank_items() + CASE_ITEMS:
        problems = rules.question_problems(
            kind={"truefalse": QuestionType.TRUE_FALSE}.get(item["kind"], item["kind"]),
            options=[tuple(option) for option in item.get("options") or []],
            answers=item.get("answers", []),
            match="listed",
        )
        assert problems == [], item["text"]
        assert item["difficulty"] in Difficulty.values
        assert all(tuple(cite) in articles for cite in item["cites"]), item["text"]
    # Seeding finds a question again by competency and text: two with the same text would be one question.
    texts = Counter((item["competency"], item["text"]) for item in demo._bank_items() + CASE_ITEMS)
    assert [key for key, count in texts.items() if count > 1] == []
    assert {law for law, _number in articles} >= {"民法典", "物业管理条例", "人民调解法"}
    assert set(range(937, 951)) <= {number for law, number in articles if law == "民法典"}
    cited = {tuple(cite) for item in BANK for cite in item["cites"]}
    assert {("民法典", number) for number in range(937, 951)} <= cited  # every article of the chapter is asked about


def test_the_demo_has_six_cases_or_more_of_two_to_four_questions_each_drawn_by_a_course_pool():
    courses = {course["code"]: course for course in demo_courses() if course["quiz"]}
    assert len(CASES) >= 6
    assert len({(group["competency"], group["title"]) for group in CASES}) == len(CASES)
    for group in CASES:
        assert 2 <= len(group["items"]) <= 4, group["title"]
        assert len(group["text"]) >= 60, group["title"]
        # Tagged with a course of its competency whose pool (COURSE_POOL questions) can hold the whole case.
        codes = [tag for tag in group["tags"] if tag in courses]
        assert codes and all(courses[code]["competency"] == group["competency"] for code in codes), group["title"]
        assert len(group["items"]) <= demo.COURSE_POOL
    # Rotated among themselves, the correct options of the cases' four-option questions use every position.
    positions = Counter()
    for item in CASE_ITEMS:
        if item["kind"] == "single" and len(item["options"]) == 4:
            options = item["options"][item["shift"] :] + item["options"][: item["shift"]]
            positions[[correct for _text, correct in options].index(True)] += 1
    assert len(positions) == 4 and max(positions.values()) - min(positions.values()) <= 1, positions


def test_the_bank_has_ten_questions_a_course_on_average_and_eight_for_each_quiz_course_pool():
    courses = demo_courses()
    items = demo._bank_items()
    assert len(items) >= 10 * len(courses), (len(items), len(courses))
    # A quiz's blueprint draws from its course's tag within the course's competency: count only those.
    drawn = Counter((item["competency"], tag) for item in items for tag in dict.fromkeys(item["tags"]))
    short = {course["code"]: drawn[(course["competency"], course["code"])] for course in courses if course["quiz"]}
    assert min(short.values()) >= 8, sorted(short.items(), key=lambda pair: pair[1])[:5]


def test_correct_options_are_spread_evenly_over_the_positions():
    positions = Counter()
    for item in demo._bank_items():
        if item["kind"] == "single" and len(item["options"]) == 4:
            options = item["options"][item["shift"] :] + item["options"][: item["shift"]]
            positions[[correct for _text, correct in options].index(True)] += 1
    assert len(positions) == 4
    assert max(positions.values()) - min(positions.values()) <= 2, positions
    true_false = Counter(dict(item["options"])["正确"] for item in demo._bank_items() if item["kind"] == "truefalse")
    assert min(true_false.values()) >= 0.3 * sum(true_false.values())


def test_the_bank_has_questions_of_every_difficulty_with_explanations():
    assert Counter(item["difficulty"] for item in BANK).keys() == {"easy", "medium", "hard"}
    assert all(item["explanation"] for item in BANK)
    assert min(Counter(item["difficulty"] for item in BANK).values()) >= 8


@pytest.mark.django_db
def test_seeding_twice_adds_nothing_and_the_simulated_attempts_look_like_real_ones(monkeypatch, client):
    for code, name in [
        ("DJ", "党建引领"),
        ("ZZ", "组织管理"),
        ("FG", "法规运用"),
        ("MD", "矛盾调处"),
        ("FW", "服务提升"),
    ]:
        CompetencyFactory(code=code, name=name)
    index = make_catalogue()
    from courses.models import Competency

    for code in ("FG-04", "MD-05"):
        make_course(index, code=code, competency=Competency.objects.get(code=code[:2]), questions=3)
    monkeypatch.setattr(demo, "SIMULATED_TRAINEES", 120)
    demo.seed()
    demo.finish()
    counts = (BankQuestion.objects.count(), LegalArticle.objects.count(), Blueprint.objects.count(),
              QuizAttempt.objects.count(), ItemResponse.objects.count())  # fmt: skip
    made_cases = [group for group in CASES if group["competency"] in {"DJ", "ZZ", "FG", "MD", "FW"}]
    assert counts[0] == len(demo._bank_items()) + sum(len(group["items"]) for group in made_cases)
    assert counts[2] == 2 and counts[3] == 240
    assert Case.objects.count() == len(made_cases) >= 6
    assert all(case.questions.count() >= 2 for case in Case.objects.all())
    demo.seed()
    demo.finish()
    assert (BankQuestion.objects.count(), LegalArticle.objects.count(), Blueprint.objects.count(),
            QuizAttempt.objects.count(), ItemResponse.objects.count()) == counts  # fmt: skip
    assert Case.objects.count() == len(made_cases)
    assert BankQuestion.objects.get(text__startswith="合同终止后、新物业公司进场前").citations.get().number == 950

    analysis = queries.item_analysis(min_responses=1)
    by_difficulty = {}
    for item in analysis.items:
        by_difficulty.setdefault(item.difficulty, []).append(item.p)
    assert mean(by_difficulty["easy"]) > mean(by_difficulty["hard"])
    # A point-biserial on a few responses is noise: judge the questions answered often enough to be flagged (each
    # course's own pool is drawn four times a paper; the competency's pool, now large, is spread thin).
    measured = [item for item in analysis.items if item.discrimination is not None and item.responses >= MIN_RESPONSES]
    assert len(measured) >= 10
    assert mean(item.discrimination for item in measured) > 0.1
    assert all(paper.attempts == 120 and paper.length == 6 for paper in analysis.blueprints)

    # A paper drawn from a pool of the seeded cases shows the case's text above its questions, when taking the quiz
    # and in the review after it.
    from assessments.models import BlueprintPool
    from courses import services as course_services
    from tests.factories import UserFactory

    course = Blueprint.objects.get(quiz__course__code="FG-04").quiz.course
    blueprint = course.quiz.blueprint
    blueprint.pools.all().delete()
    BlueprintPool.objects.create(blueprint=blueprint, competency=course.competency, tag="案例分析", count=3)
    trainee = UserFactory()
    course_services.enrolment_create(user=trainee, course=course)
    client.force_login(trainee)
    url = course.url + course.reverse_subpage("take_quiz")
    html = client.get(url).content.decode()
    paper = course.quiz.papers.get(user=trainee)
    [case] = {question["case"]["title"] for question in paper.questions}  # one case of three questions, whole
    group = next(group for group in CASES if group["title"] == case)
    first_line = group["text"].splitlines()[0]
    assert html.count(first_line) == 1 and html.index(first_line) < html.index(paper.questions[0]["text"])
    answers = {question_id: entry["correct"] or ["30"] for question_id, entry in paper.key.items()}
    review = client.get(client.post(url, {f"q-{qid}": values for qid, values in answers.items()})["Location"])
    assert review.content.decode().count(first_line) == 1
