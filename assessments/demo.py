"""Demo data for the question bank: editors' permissions, the laws and articles questions cite, the bank itself,
blueprints for the demo courses' quizzes, and a few hundred simulated attempts so that the item analysis shows
something.

The content is in ``assessments/demo_content/`` (laws.yaml, bank.yaml and bank_<competency>.yaml, and cases.yaml: case
questions, a short case with several questions on it). The bank also takes in each demo course's
own quiz questions (``courses/demo_content/``), tagged with the course's code, so that every demo quiz with a
blueprint draws from questions about its own course. Idempotent: laws are found again by name, articles by number,
questions by competency and text, blueprints by quiz; simulated attempts are made only once."""

import random
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from taggit.models import Tag

from academy.demo_files import demo_content
from academy.models import User
from academy.roles import EDITORS
from courses.demo import _option_rotations, demo_courses
from courses.models import Competency, Quiz, QuizAttempt

from .choices import BlankMatch, Difficulty, QuestionStatus, QuestionType
from .models import (
    BankOption,
    BankQuestion,
    Blueprint,
    BlueprintPool,
    Case,
    LegalArticle,
    LegalReference,
    QuestionTag,
)
from .simulation import PaperSimulator

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("bankquestion", "case", "legalreference", "blueprint")
]
# A demo course quiz's questions carry no difficulty; the kind is the author's best hint of it.
KIND_DIFFICULTY = {"truefalse": Difficulty.EASY, "single": Difficulty.MEDIUM, "multiple": Difficulty.HARD}
COURSE_POOL = 4  # questions drawn from the course's own tag
COMPETENCY_POOL = 2  # and from its competency at large
SIMULATION_SEED = 20261207
SIMULATED_TRAINEES = 150  # enough for most questions of each course pool to reach the 20 responses the flags need
SIMULATED_COURSES = ["FG-03", "FG-04", "FG-06", "MD-01", "MD-05", "ZZ-02", "ZZ-07", "ZZ-12"]


def seed_permissions() -> None:
    """Editors write the bank (questions, cases, laws and their articles) and import questions from Excel."""
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="assessments", codename__in=EDITOR_PERMISSIONS)
        )


def seed_laws() -> dict[tuple[str, int], LegalArticle]:
    """The laws and articles of laws.yaml; (short name, article number) → article."""
    articles = {}
    for item in demo_content(__file__, "laws"):
        law, _created = LegalReference.objects.get_or_create(
            name=item["name"],
            defaults={
                "short_name": item["short_name"],
                "issuer": item["issuer"],
                "version": item["version"],
                "in_force_on": item.get("in_force_on"),
                "link": item.get("link", ""),
            },
        )
        existing = {article.number: article for article in law.articles.all()}
        for number, text in item["articles"].items():
            if number not in existing:
                existing[number] = LegalArticle.objects.create(law=law, number=number, text=text)
        for number, article in existing.items():
            articles[(law.short_name, number)] = article
    return articles


def _own_questions() -> list[dict]:
    """The questions written for the bank: bank.yaml, then each competency's bank_<code>.yaml in name order (a new
    file's questions come after the old ones, so the options already seeded keep their rotation)."""
    folder = Path(__file__).resolve().parent / "demo_content"
    names = ["bank", *sorted(path.stem for path in folder.glob("bank_*.yaml"))]
    return [question for name in names for question in demo_content(__file__, name)]


def _bank_items() -> list[dict]:
    """Every demo question as one shape: the bank's own (bank*.yaml), then each demo course's quiz questions,
    with its options already rotated (so the correct ones are spread over the positions)."""
    items = []
    own = _own_questions()
    # A blank has no options to rotate: it stands in as a question the rotation skips, keeping the numbering.
    choice_only = [question if question.get("options") else {"kind": "truefalse"} for question in own]
    rotations = _option_rotations([{"code": "bank", "quiz": {"questions": choice_only}}])
    for number, question in enumerate(own, start=1):
        items.append({**question, "shift": rotations.get(("bank", number), 0)})
    courses = demo_courses()
    rotations = _option_rotations(courses)
    for course in courses:
        for number, question in enumerate((course["quiz"] or {}).get("questions", ()), start=1):
            items.append(
                {
                    **question,
                    "competency": course["competency"],
                    "tags": [course["code"]],
                    "difficulty": KIND_DIFFICULTY.get(question["kind"], Difficulty.MEDIUM),
                    "cites": [],
                    "shift": rotations.get((course["code"], number), 0),
                }
            )
    return items


@transaction.atomic
def seed_bank(articles: dict[tuple[str, int], LegalArticle]) -> int:
    """The demo bank, live; returns how many questions were added (none on a second run)."""
    competencies = {competency.code: competency for competency in Competency.objects.all()}
    existing = set(BankQuestion.objects.values_list("competency__code", "text"))
    items = [
        item
        for item in _bank_items()
        if item["competency"] in competencies and (item["competency"], item["text"]) not in existing
    ]
    return _questions_create(items, competencies=competencies, articles=articles)


def _case_groups() -> list[dict]:
    """The cases of cases.yaml, each question in the bank's item shape (competency and tags from its case), with its
    options' rotation: the case questions are rotated among themselves, in the order of the file."""
    groups = demo_content(__file__, "cases")
    questions = [question for group in groups for question in group["questions"]]
    choice_only = [question if question.get("options") else {"kind": "truefalse"} for question in questions]
    rotations = _option_rotations([{"code": "cases", "quiz": {"questions": choice_only}}])
    number, shaped = 0, []
    for group in groups:
        items = []
        for question in group["questions"]:
            number += 1
            items.append(
                {**question, "competency": group["competency"], "tags": group["tags"],
                 "shift": rotations.get(("cases", number), 0)}
            )  # fmt: skip
        shaped.append({**group, "items": items})
    return shaped


@transaction.atomic
def seed_cases(articles: dict[tuple[str, int], LegalArticle]) -> int:
    """The demo cases (cases.yaml) and their questions, live; a case is found again by competency and title, a
    question by competency and text. Returns how many questions were added (none on a second run)."""
    competencies = {competency.code: competency for competency in Competency.objects.all()}
    existing = set(BankQuestion.objects.values_list("competency__code", "text"))
    items = []
    for group in _case_groups():
        if group["competency"] not in competencies:
            continue
        case, _created = Case.objects.get_or_create(
            competency=competencies[group["competency"]], title=group["title"], defaults={"text": group["text"]}
        )
        items.extend(
            {**item, "case": case} for item in group["items"] if (item["competency"], item["text"]) not in existing
        )
    return _questions_create(items, competencies=competencies, articles=articles)


def _questions_create(items: list[dict], *, competencies, articles: dict[tuple[str, int], LegalArticle]) -> int:
    """Bank questions for demo items, in bulk, with their options (rotated by each item's ``shift``), tags and
    citations; an item may name its ``case``."""
    kinds = {"single": QuestionType.SINGLE, "multiple": QuestionType.MULTIPLE, "truefalse": QuestionType.TRUE_FALSE,
             "blank": QuestionType.FILL_BLANK}  # fmt: skip
    questions = BankQuestion.objects.bulk_create(
        BankQuestion(
            competency=competencies[item["competency"]],
            case=item.get("case"),
            kind=kinds[item["kind"]],
            text=item["text"],
            difficulty=item["difficulty"],
            explanation=item.get("explanation", ""),
            status=QuestionStatus.LIVE,
            accepted_answers="\n".join(item.get("answers", ())),
            blank_match=BlankMatch.LISTED,
        )
        for item in items
    )
    options = []
    for question, item in zip(questions, items, strict=True):
        authored = item.get("options") or []
        shift = item["shift"]
        for order, (text, correct) in enumerate(authored[shift:] + authored[:shift]):
            options.append(BankOption(question=question, text=text, correct=correct, sort_order=order))
    BankOption.objects.bulk_create(options)
    names = {name for item in items for name in item["tags"]}
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - set(tags)):
        tags[name] = Tag.objects.create(name=name)
    QuestionTag.objects.bulk_create(
        QuestionTag(content_object=question, tag=tags[name])
        for question, item in zip(questions, items, strict=True)
        for name in dict.fromkeys(item["tags"])
    )
    citation = BankQuestion.citations.through
    citation.objects.bulk_create(
        citation(bankquestion_id=question.pk, legalarticle_id=articles[(law, number)].pk)
        for question, item in zip(questions, items, strict=True)
        for law, number in item["cites"]
        if (law, number) in articles
    )
    return len(questions)


def seed_blueprints() -> list[Blueprint]:
    """A blueprint for every demo course's quiz: four questions from the course's own tag and two more from its
    competency (a retake, or the next trainee, draws another paper). Written in bulk, like the bank."""
    taken = set(Blueprint.objects.values_list("quiz_id", flat=True))
    quizzes = [
        quiz
        for quiz in Quiz.objects.select_related("course__competency").order_by("course__code")
        if quiz.pk not in taken
    ]
    blueprints = Blueprint.objects.bulk_create(Blueprint(quiz=quiz) for quiz in quizzes)
    BlueprintPool.objects.bulk_create(
        pool
        for blueprint, quiz in zip(blueprints, quizzes, strict=True)
        for pool in (
            BlueprintPool(
                blueprint=blueprint,
                competency=quiz.course.competency,
                tag=quiz.course.code,
                count=COURSE_POOL,
                sort_order=0,
            ),
            BlueprintPool(blueprint=blueprint, competency=quiz.course.competency, count=COMPETENCY_POOL, sort_order=1),
        )
    )
    return blueprints


def seed_simulated_attempts() -> int:
    """Simulated trainees (inactive accounts, 模拟学员) each answer a drawn paper of a few courses' quizzes, with
    abilities from a fixed seed; made once (a second run finds them and adds nothing)."""
    if QuizAttempt.objects.filter(user__username__startswith="sim-trainee-").exists():
        return 0
    rng = random.Random(SIMULATION_SEED)  # noqa: S311 (a simulation, not a secret)
    names = [f"sim-trainee-{number:02d}" for number in range(1, SIMULATED_TRAINEES + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        User(username=name, real_name=f"模拟学员{name[-2:]}", is_active=False) for name in names if name not in existing
    )
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    trainees = [(users[name], rng.gauss(0.0, 1.0), 1) for name in names]
    made = 0
    quizzes = Quiz.objects.filter(course__code__in=SIMULATED_COURSES, blueprint__isnull=False).order_by("course__code")
    for quiz in quizzes:
        made += PaperSimulator(quiz=quiz, rng=rng).submit(trainees)
    return made


def seed() -> None:
    seed_permissions()
    articles = seed_laws()
    seed_bank(articles)
    seed_cases(articles)


def finish() -> None:
    """Once every app is seeded: the demo trainees have finished their courses on the fixed quizzes (credits.demo
    submits the quizzes' written answers), so the quizzes may now draw from the bank."""
    seed_blueprints()
    seed_simulated_attempts()
