"""Builders for courses: a catalogue, competencies, courses with lessons and a quiz whose ids tests know."""

from datetime import timedelta
from decimal import Decimal

import factory
from wagtail.models import Site
from wagtail.rich_text import RichText

from courses import checkin, services
from courses.models import Competency, CourseIndexPage, CoursePage, Lecturer, LessonPage, Quiz


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Iterator(["DJ", "ZZ", "FG", "MD", "FW"])
    name = factory.LazyAttribute(
        lambda o: {"DJ": "党建引领", "ZZ": "组织管理", "FG": "法规运用", "MD": "矛盾调处", "FW": "服务提升"}.get(
            o.code, o.code
        )
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


def make_venue(name: str = "和畔里·三方协同中心"):
    from academy.models import Venue
    from tests.factories import DistrictFactory

    venue, _created = Venue.objects.get_or_create(
        name=name, defaults={"district": DistrictFactory(), "address": "小河街道和畔里社区服务中心二楼"}
    )
    return venue


def make_session(
    course: CoursePage | None = None,
    *,
    starts_in: timedelta | None = None,
    hours: float = 3,
    capacity: int = 30,
    title: str = "矛盾调处情景模拟（第2期）",
    registration_open: bool = True,
    **kwargs,
):
    """A scheduled session of an offline course starting ``starts_in`` from now (default: in one day), with the
    registration window open now unless ``registration_open`` is False (then it opened and closed in the past)."""
    from django.utils import timezone

    from courses.models import TrainingSession

    course = (
        course
        or CoursePage.objects.filter(code="MD-07").first()
        or make_course(code="MD-07", lessons=0, quiz=False, delivery_mode="offline", credits="1.0", hours="4.0")
    )
    now = timezone.now()
    start = now + (starts_in if starts_in is not None else timedelta(days=1))
    if registration_open:
        opens, closes = now - timedelta(days=7), min(start, now + timedelta(hours=2)) + timedelta(minutes=1)
    else:
        opens, closes = now - timedelta(days=14), now - timedelta(days=7)
    session = TrainingSession(
        course=course,
        title=title,
        start=start,
        end=start + timedelta(hours=hours),
        venue=kwargs.pop("venue", None) or make_venue(),
        capacity=capacity,
        registration_opens=kwargs.pop("registration_opens", opens),
        registration_closes=kwargs.pop("registration_closes", closes),
        **kwargs,
    )
    session.full_clean()
    session.save()
    return session


def presented(user, course: CoursePage, answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Authored answers as a trainee submits them on the page or through the API: each option by the token it has
    in that trainee's next attempt (an id that is no option of the quiz stays as it is, to be refused)."""
    from courses import selectors

    tokens = selectors.quiz_option_tokens(quiz=selectors.quiz_for(course), user=user)
    return {
        question: [tokens.get((question, option), option) for option in options]
        for question, options in answers.items()
    }


def complete(user, course: CoursePage) -> None:
    """Take ``user`` through ``course`` as a trainee would: enrol, mark every live lesson done, pass the quiz."""
    services.enrolment_create(user=user, course=course)
    for lesson in LessonPage.objects.child_of(course):
        services.lesson_mark_done(user=user, lesson=lesson)
    services.quiz_attempt_submit(user=user, course=course, answers=right_answers(course))


def wrong_code(session, *, also_not: str = "") -> str:
    """A well-formed six-digit code that is not valid for ``session`` now (nor in the next window)."""
    window = checkin.window_at()
    valid = {checkin.code_for(session.pk, w) for w in (window - 1, window, window + 1)} | {also_not}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in valid)
