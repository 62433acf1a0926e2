"""Reads for the question bank."""

import json
from dataclasses import dataclass

from django.db.models import QuerySet

from courses.models import CoursePage, LessonPage, Quiz

from . import rules
from .choices import QuestionStatus
from .models import BankQuestion, LegalArticle


def drawable_questions() -> QuerySet[BankQuestion]:
    """The questions a random paper may draw: live, and not waiting for review after a change in a law they cite.
    The one place this rule is written; every draw starts here."""
    return BankQuestion.objects.filter(status=QuestionStatus.LIVE, needs_review=False)


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
