"""Builders for courses: a catalogue, competencies, courses with lessons and a quiz whose ids tests know."""

from decimal import Decimal

import factory
from wagtail.models import Site
from wagtail.rich_text import RichText

from courses.models import Competency, CourseIndexPage, CoursePage, Lecturer, LessonPage, Quiz


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Iterator(["DJ", "ZZ", "FG", "MD", "FW"])
    name = factory.LazyAttribute(
        lambda o: {"DJ": "党建引领", "ZZ": "组织管理", "FG": "法规运用", "MD": "矛盾调处", "FW": "服务提升"}.get(o.code, o.code)
    )
    colour = "#1d4ed8"
    order = factory.Sequence(lambda n: n)


class LecturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lecturer

    name = factory.Sequence(lambda n: f"讲师{n}")
    title = "高级讲师"
    organisation = "拱墅区三方学院"


def make_catalogue(**kwargs) -> CourseIndexPage:
    """A live catalogue under the default site's root page."""
    root = Site.objects.get(is_default_site=True).root_page
    existing = CourseIndexPage.objects.first()
    if existing is not None:
        return existing
    return root.add_child(instance=CourseIndexPage(title="课程中心", slug="courses", **kwargs))


def quiz_questions(prefix: str, count: int = 3) -> list[dict]:
    """Raw StreamField data: question ``{prefix}q{n}`` with options ``…a`` (correct) and ``…b``; question 1 is
    a multiple-choice question whose correct options are ``a`` and ``c``."""
    questions = []
    for number in range(1, count + 1):
        qid = f"{prefix}q{number}"
        if number == 1:
            kind, options = "multiple", [("a", "正确甲", True), ("b", "错误乙", False), ("c", "正确丙", True)]
        elif number == 2:
            kind, options = "truefalse", [("a", "对", True), ("b", "错", False)]
        else:
            kind, options = "single", [("a", f"答案{number}", True), ("b", f"干扰{number}", False)]
        questions.append(
            {
                "type": "question",
                "id": qid,
                "value": {
                    "kind": kind,
                    "text": f"第{number}题：问题内容",
                    "explanation": f"解析{number}",
                    "options": [
                        {"type": "item", "id": f"{qid}{key}", "value": {"text": text, "correct": correct}}
                        for key, text, correct in options
                    ],
                },
            }
        )
    return questions


def right_answers(course: CoursePage, count: int = 3) -> dict[str, list[str]]:
    prefix = f"c{course.pk}"
    answers = {f"{prefix}q{n}": [f"{prefix}q{n}a"] for n in range(1, count + 1)}
    answers[f"{prefix}q1"] = [f"{prefix}q1a", f"{prefix}q1c"]
    return answers


def wrong_answers(course: CoursePage, count: int = 3) -> dict[str, list[str]]:
    prefix = f"c{course.pk}"
    return {f"{prefix}q{n}": [f"{prefix}q{n}b"] for n in range(1, count + 1)}


def make_course(
    index: CourseIndexPage | None = None,
    *,
    code: str = "FG-01",
    title: str | None = None,
    competency: Competency | None = None,
    lessons: int = 2,
    quiz: bool = True,
    questions: int = 3,
    pass_mark: int = 60,
    max_attempts: int = 3,
    delivery_mode: str = "online",
    credits: str = "1.0",
    hours: str = "2.0",
    audiences: tuple[str, ...] = ("rc", "oc"),
    free_preview: bool = True,
    prerequisites: tuple[CoursePage, ...] = (),
    summary: str = "学习物业管理相关法规，提升依法协商能力。",
    min_reading_seconds: int | None = 0,
) -> CoursePage:
    """A live course with ``lessons`` live lessons (the first a free preview) and, if asked, a quiz.

    Lessons ask for no minimum time on task unless ``min_reading_seconds`` says otherwise (None: the default
    derived from the estimated minutes), so tests about other rules can mark them done at once."""
    index = index or make_catalogue()
    competency = competency or CompetencyFactory(code=code.split("-")[0])
    course = index.add_child(
        instance=CoursePage(
            title=title or f"课程{code}",
            slug=code.lower(),
            code=code,
            competency=competency,
            audiences=list(audiences),
            delivery_mode=delivery_mode,
            credits=Decimal(credits),
            hours=Decimal(hours),
            summary=summary,
            objectives="理解法规要点\n能够组织协商",
            body=[("paragraph", RichText("<p>课程介绍。</p>"))],
        )
    )
    if prerequisites:
        course.prerequisites.set(prerequisites)
        course.save_revision().publish()
    for number in range(1, lessons + 1):
        course.add_child(
            instance=LessonPage(
                title=f"{code} 第{number}课",
                slug=f"lesson-{number}",
                estimated_minutes=10,
                min_reading_seconds=min_reading_seconds,
                free_preview=free_preview and number == 1,
                body=[("paragraph", RichText(f"<p>第{number}课的正文。</p>"))],
            )
        )
    if quiz:
        Quiz.objects.create(
            course=course,
            pass_mark=pass_mark,
            max_attempts=max_attempts,
            questions=quiz_questions(f"c{course.pk}", questions),
        )
    return CoursePage.objects.get(pk=course.pk)
