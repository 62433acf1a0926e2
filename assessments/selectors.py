"""Reads for the question bank."""

import json
from dataclasses import dataclass

from django.db.models import QuerySet

from courses.models import CoursePage, LessonPage, Quiz

from . import rules
from .choices import QuestionStatus, QuestionType
from .models import BankQuestion, LegalArticle


def drawable_questions() -> QuerySet[BankQuestion]:
    """The questions a random paper may draw: live, and not waiting for review after a change in a law they cite.
    The one place this rule is written; every draw starts here."""
    return BankQuestion.objects.filter(status=QuestionStatus.LIVE, needs_review=False)


@dataclass(frozen=True)
class DrawablePools:
    """What a blueprint's paper is drawn from: for each pool, its count and the drawable questions it holds, and the
    case each of those questions is on (questions on one case are drawn together)."""

    pools: list[tuple[int, list[int]]]
    cases: dict[int, int]


def blueprint_pools(blueprint) -> DrawablePools:
    """The drawable questions of each of the blueprint's pools (by competency, and tag and difficulty if given)."""
    drawable = drawable_questions()
    pools, cases = [], {}
    for pool in blueprint.pools.all():
        candidates = drawable.filter(competency_id=pool.competency_id)
        if pool.tag:
            candidates = candidates.filter(tags__name=pool.tag)
        if pool.difficulty:
            candidates = candidates.filter(difficulty=pool.difficulty)
        rows = sorted(set(candidates.values_list("pk", "case_id")))
        pools.append((pool.count, [pk for pk, _case in rows]))
        cases.update((pk, case) for pk, case in rows if case is not None)
    return DrawablePools(pools=pools, cases=cases)


def questions_awaiting_review() -> QuerySet[BankQuestion]:
    """Questions flagged by a new version of a law they cite, oldest flag first, with what flagged them."""
    return (
        BankQuestion.objects.filter(needs_review=True)
        .select_related("competency", "review_version__law")
        .prefetch_related("citations__law")
        .order_by("review_version__recorded_at", "pk")
    )


@dataclass(frozen=True)
class CitingCourse:
    """A course that cites an article in a lesson or in its quiz, and where."""

    course: CoursePage
    lessons: tuple[LessonPage, ...]
    in_quiz: bool


def _page_text(value) -> str:
    # StreamField JSON escapes Chinese by default; read it back as text so that 《民法典》 can be found.
    return json.dumps(value, ensure_ascii=False)


def courses_citing(articles: list[LegalArticle]) -> list[CitingCourse]:
    """The courses whose lessons or fixed quizzes cite any of the articles in their text (《民法典》第二百七十八条),
    as lessons and quizzes cite laws in prose. Reads every lesson once: an editor's screen, run when a law changes,
    not a page trainees load."""
    if not articles:
        return []
    targets = [(article.law.short_name, article.number) for article in articles]

    def cites(text: str) -> bool:
        return any(rules.cites_article(text, short_name=name, number=number) for name, number in targets)

    lessons: dict[int, list[LessonPage]] = {}
    for lesson in LessonPage.objects.live().only("id", "title", "path", "depth", "body").order_by("path"):
        if cites(_page_text(lesson.body.get_prep_value())):
            parent = lesson.get_parent()
            lessons.setdefault(parent.pk, []).append(lesson)
    quizzes = {
        quiz.course_id
        for quiz in Quiz.objects.only("id", "course_id", "questions")
        if cites(_page_text(quiz.questions.get_prep_value()))
    }
    courses = CoursePage.objects.filter(pk__in=set(lessons) | quizzes).order_by("title")
    return [
        CitingCourse(course=course, lessons=tuple(lessons.get(course.pk, ())), in_quiz=course.pk in quizzes)
        for course in courses
    ]


def course_lessons_citing(course: CoursePage, articles: list[LegalArticle]) -> dict[int, LessonPage]:
    """For each article, the first live lesson of the course (in course order) whose text cites it as lessons cite
    laws (《民法典》第二百七十八条): the lesson a question citing that article links to in the trainee's review. Editors
    control the link by citing the article in a lesson. One query for the course's lessons."""
    if not articles:
        return {}
    found: dict[int, LessonPage] = {}
    for lesson in course.get_lessons().only("id", "title", "url_path", "path", "depth", "body"):
        text = _page_text(lesson.body.get_prep_value())
        for article in articles:
            if article.pk not in found and rules.cites_article(
                text, short_name=article.law.short_name, number=article.number
            ):
                found[article.pk] = lesson
    return found


def paper_review(*, paper, attempt) -> list[dict]:
    """The learner's review of a submitted paper, question by question as shown: the trainee's answer, whether it was
    right, the correct options (or accepted answers), the explanation, the articles cited as they stood when the paper
    was drawn (law, version, number, text, link: kept in the paper's key, so a later version of the law does not
    rewrite an old attempt) and the lesson of the course that covers it. Only for after submission, and only for the
    attempt's own trainee (the view checks): it names the correct answers."""
    entries = paper.key
    cited_ids = {snapshot["article"] for entry in entries.values() for snapshot in entry.get("articles", ())}
    articles = LegalArticle.objects.filter(pk__in=cited_ids).select_related("law") if cited_ids else []
    lessons = course_lessons_citing(paper.quiz.course, list(articles)) if cited_ids else {}
    wrong = set(attempt.wrong_questions)
    rows = []
    for question in paper.questions:
        entry = entries[question["id"]]
        given = [value for value in attempt.answers.get(question["id"], []) if isinstance(value, str)]
        cited = entry.get("articles", [])
        lesson = next((lessons[article["article"]] for article in cited if article["article"] in lessons), None)
        if question["kind"] == QuestionType.FILL_BLANK:
            your_answer = [value for value in given if value.strip()]
            correct_answer = list(entry["answers"])
        else:
            texts = {option["id"]: option["text"] for option in question["options"]}
            your_answer = [texts[value] for value in given if value in texts]
            correct_answer = [texts[token] for token in entry["correct"] if token in texts]
        rows.append(
            {
                **question,
                "options": [
                    {**option, "chosen": option["id"] in given, "correct": option["id"] in entry["correct"]}
                    for option in question["options"]
                ],
                "right": question["id"] not in wrong,
                "your_answer": your_answer,
                "correct_answer": correct_answer,
                "explanation": entry["explanation"],
                "citations": entry["citations"],
                "articles": [
                    {
                        **{name: article[name] for name in ("law", "short_name", "version", "number", "text", "link")},
                        # In the reader's language (第二百七十八条 / Art. 278), not as the paper stored it in Chinese.
                        "label": rules.article_display_label(article["number"]),
                    }
                    for article in cited
                ],
                "lesson": {"id": lesson.pk, "title": lesson.title, "url": lesson.url} if lesson else None,
            }
        )
    return rows
