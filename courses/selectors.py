"""Reads for courses. Every function issues a fixed number of queries, whatever the amount of data."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.crypto import salted_hmac

from . import papers, rules
from .choices import DeliveryMode, RegistrationStatus, SessionStatus
from .models import (
    Competency,
    CourseCompletion,
    CourseFeedback,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    Lecturer,
    LessonPage,
    LessonProgress,
    LessonTime,
    Quiz,
    QuizAttempt,
    SessionAttendance,
    SessionRegistration,
    TrainingSession,
    VideoLength,
    VideoProgress,
)

CATALOGUE_GENERATION_KEY = "courses:catalogue:generation"


def catalogue_generation() -> str:
    """The current generation of published course content; cached fragments include it in their keys. It carries
    the site's content generation too (academy/page_cache.py), which every worker sees at once even with the
    per-process cache."""
    from academy.page_cache import content_generation

    generation = cache.get(CATALOGUE_GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(CATALOGUE_GENERATION_KEY, generation, timeout=None)
    return f"{generation}.{content_generation()}"


def catalogue_generation_bump() -> None:
    """Make every cached catalogue and course fragment stale (called when editors change course content)."""
    try:
        cache.incr(CATALOGUE_GENERATION_KEY)
    except ValueError:
        cache.set(CATALOGUE_GENERATION_KEY, 2, timeout=None)


@dataclass(frozen=True)
class CatalogueFilters:
    """What a trainee chose in the catalogue's filter form (all optional)."""

    competency: str = ""
    audience: str = ""
    delivery_mode: str = ""
    credits: Decimal | None = None
    query: str = ""


def _live_lesson_count():
    lessons = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
        .order_by()
        .values("depth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lessons, output_field=IntegerField()), 0)


def courses_live(index_page: CourseIndexPage | None = None) -> QuerySet[CoursePage]:
    """Live courses (under one catalogue when given), with competency and a live-lesson count."""
    courses = CoursePage.objects.live().select_related("competency")
    if index_page is not None:
        courses = courses.child_of(index_page)
    return courses.annotate(lesson_count=_live_lesson_count())


def filter_courses(
    courses: QuerySet[CoursePage], filters: CatalogueFilters, *, with_competency: bool = True
) -> QuerySet:
    """Apply the catalogue's filters to a queryset of courses."""
    if with_competency and filters.competency:
        courses = courses.filter(competency__code=filters.competency)
    if filters.audience:
        courses = courses.filter(audiences__contains=filters.audience)
    if filters.delivery_mode:
        courses = courses.filter(delivery_mode=filters.delivery_mode)
    if filters.credits is not None:
        courses = courses.filter(credits=filters.credits)
    if filters.query:
        words = filters.query.split()
        for word in words:
            courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(code__icontains=word))
    return courses


def catalogue_courses(*, index_page: CourseIndexPage, filters: CatalogueFilters) -> QuerySet[CoursePage]:
    """The catalogue's courses after filtering, ordered by competency then code."""
    courses = filter_courses(courses_live(index_page), filters, with_competency=True)
    return courses.order_by("competency__order", "code")


@dataclass
class CompetencyFacet:
    """A competency with the number of courses the other filters leave in it."""

    competency: Competency
    count: int


def catalogue_competency_facets(*, index_page: CourseIndexPage, filters: CatalogueFilters) -> list[CompetencyFacet]:
    """Every competency with its course count under the current filters other than competency (two queries)."""
    base = filter_courses(CoursePage.objects.live().child_of(index_page), filters, with_competency=False)
    counts = dict(base.order_by().values_list("competency_id").annotate(n=Count("pk")))
    return [CompetencyFacet(competency, counts.get(competency.pk, 0)) for competency in Competency.objects.all()]


def catalogue_credit_values(*, index_page: CourseIndexPage) -> list[Decimal]:
    """The distinct credit values among live courses, for the credit filter."""
    values = CoursePage.objects.live().child_of(index_page).order_by("credits").values_list("credits", flat=True)
    return list(dict.fromkeys(values))


def catalogue_page() -> CourseIndexPage | None:
    """The first live catalogue page (the site has one)."""
    return CourseIndexPage.objects.live().order_by("path").first()


def competencies() -> QuerySet[Competency]:
    return Competency.objects.all()


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The live lessons of a course, in order."""
    return list(
        course.get_lessons().only(
            "id",
            "title",
            "slug",
            "url_path",
            "path",
            "depth",
            "estimated_minutes",
            "min_reading_seconds",
            "required",
            "free_preview",
            "live",
            "content_type",
        )
    )


def course_lessons_published(course: CoursePage) -> list[LessonPage]:
    """``course_lessons``, cached under the content generation for the pages that show them (a lesson's place in its
    course and its neighbours): any lesson saved, published, unpublished, moved or deleted makes the entry stale in
    every worker at once. Services read ``course_lessons`` afresh."""
    key = f"courses:lessons:{catalogue_generation()}:{course.pk}"
    lessons = cache.get(key)
    if lessons is None:
        lessons = course_lessons(course)
        cache.set(key, lessons, 60 * 60)
    return lessons


def lesson_marked_done_by_hand(lesson: LessonPage) -> bool:
    """Whether the trainee marks this lesson done themselves (not a kind that completes by its own activity, such as
    a scenario). Asks the page's specific class, so a plain ``LessonPage`` row of a scenario answers rightly."""
    return getattr(lesson.specific_class or type(lesson), "marked_done_by_hand", True)


def lesson_kind_label(lesson: LessonPage):
    """The name of a lesson's kind when it is not a plain lesson (e.g. "情景演练"), else ''. Lazy, so a cached course
    page shows it in the language of each request."""
    model = lesson.specific_class
    if model is None or model is LessonPage:
        return ""
    return model._meta.verbose_name


def course_prerequisites(course: CoursePage) -> QuerySet[CoursePage]:
    """The courses to complete before this one, as saved (not an unsaved in-memory edit of the page)."""
    return CoursePage.objects.filter(required_by__pk=course.pk).order_by("code")


def course_lecturers(course: CoursePage) -> QuerySet[Lecturer]:
    return Lecturer.objects.filter(courses__pk=course.pk).order_by("name")


def course_ids_taught_by(user) -> set[int]:
    """The courses whose lecturers include the Lecturer linked to ``user``'s account (Lecturer.user)."""
    if not user.is_authenticated:
        return set()
    return set(CoursePage.lecturers.through.objects.filter(lecturer__user=user).values_list("coursepage_id", flat=True))


def lesson_is_first(lesson: LessonPage) -> bool:
    """Whether no live lesson comes before this one in its course."""
    return not LessonPage.objects.live().sibling_of(lesson).filter(path__lt=lesson.path).exists()


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    """The course a lesson belongs to."""
    return CoursePage.objects.filter(depth=lesson.depth - 1, path=lesson.path[: -CoursePage.steplen]).first()


def enrolment_for(*, user, course: CoursePage) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def is_enrolled(*, user, course: CoursePage) -> bool:
    return user.is_authenticated and Enrolment.objects.filter(user=user, course=course).exists()


@dataclass(frozen=True)
class LessonStanding:
    """Where a trainee enrolled in a lesson's course stands on that lesson."""

    done: bool
    seconds_spent: int


def lesson_standing(*, user, course: CoursePage, lesson: LessonPage) -> LessonStanding | None:
    """Whether the viewer is enrolled in the course (None when not), and if so whether the lesson is done and the
    accepted time on task so far: one query, as the lesson page asks all three of every trainee on every visit.

    Written as SQL because compiling it is most of its cost: the same query through the ORM (``Exists`` and
    ``Subquery`` annotations) took longer to compile than the three simple queries it replaces took to run
    (docs/performance.md, issue 22, section 6)."""
    if not user.is_authenticated:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            _lesson_standing_sql(connection.vendor),
            [user.pk, course.pk, lesson.pk, user.pk, lesson.pk, user.pk, course.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return LessonStanding(done=bool(row[0]), seconds_spent=row[1] or 0)


@functools.cache
def _lesson_standing_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    enrolment, progress, time = (quote(model._meta.db_table) for model in (Enrolment, LessonProgress, LessonTime))
    # Parameters: user, course, lesson (done); user, lesson (time on task); user, course (enrolled).
    # The table names are ours; the values are parameters.
    return (
        f"SELECT EXISTS(SELECT 1 FROM {progress} WHERE user_id = %s AND course_id = %s AND lesson_id = %s), "  # noqa: S608
        f"(SELECT seconds FROM {time} WHERE user_id = %s AND lesson_id = %s) "
        f"FROM {enrolment} WHERE user_id = %s AND course_id = %s"
    )


def lessons_done_ids(*, user, course: CoursePage) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(LessonProgress.objects.filter(user=user, course=course).values_list("lesson_id", flat=True))


def completion_for(*, user, course: CoursePage) -> CourseCompletion | None:
    if not user.is_authenticated:
        return None
    return CourseCompletion.objects.filter(user=user, course=course).first()


def quiz_for(course: CoursePage) -> Quiz | None:
    return Quiz.objects.filter(course=course).first()


def quiz_attempts(*, user, course: CoursePage) -> list[QuizAttempt]:
    """A trainee's attempts at a course's quiz, newest first."""
    if not user.is_authenticated:
        return []
    return list(QuizAttempt.objects.filter(user=user, course=course).order_by("-number"))


def quiz_question_specs(quiz: Quiz) -> list[rules.QuestionSpec]:
    """The quiz's questions as scoring sees them (server side only: includes which options are correct)."""
    specs = []
    for child in quiz.questions:
        if child.block_type != "question":
            continue
        options = child.value["options"].bound_blocks
        specs.append(
            rules.QuestionSpec(
                id=child.id,
                kind=child.value["kind"],
                option_ids=tuple(option.id for option in options),
                correct_option_ids=frozenset(option.id for option in options if option.value["correct"]),
            )
        )
    return specs


def quiz_public_questions(quiz: Quiz) -> list[dict]:
    """The quiz's questions as a trainee may see them: text and options, never which options are correct."""
    questions = []
    for number, child in enumerate((c for c in quiz.questions if c.block_type == "question"), start=1):
        questions.append(
            {
                "id": child.id,
                "number": number,
                "kind": child.value["kind"],
                "text": child.value["text"],
                "options": [
                    {"id": option.id, "text": option.value["text"]} for option in child.value["options"].bound_blocks
                ],
            }
        )
    return questions


def _quiz_presentation_seed(*, quiz: Quiz, user) -> str:
    """This trainee's next attempt at this quiz: its options' tokens and its order are derived from it."""
    attempt_number = QuizAttempt.objects.filter(user=user, course_id=quiz.course_id).count() + 1
    return f"{user.pk}:{quiz.pk}:{attempt_number}"


def quiz_option_tokens(*, quiz: Quiz, user) -> dict[tuple[str, str], str]:
    """(question id, authored option id) → the opaque token that stands for that option in this trainee's next
    attempt. Authored ids can give the answer away (the demo's ``fg-01-q1-o1`` names its position, and the
    correct option was always first); a token is an HMAC under the site's secret key, different for each trainee
    and attempt, and says nothing about the option. The server maps tokens back before scoring."""
    seed = _quiz_presentation_seed(quiz=quiz, user=user)
    return {
        (spec.id, option_id): rules.quiz_option_token(
            salted_hmac("courses.quiz.option", f"{seed}|{spec.id}|{option_id}").hexdigest()
        )
        for spec in quiz_question_specs(quiz)
        for option_id in spec.option_ids
    }


def quiz_presented_questions(*, quiz: Quiz, user) -> list[dict]:
    """The quiz as this trainee's next attempt shows it, on the page and in the API alike: options named by their
    tokens and, when the quiz shuffles, questions and options in an order drawn from those tokens, so the same
    for every request until the attempt is submitted, and new for the next one."""
    source = papers.source_for(quiz)
    if source is not None:  # a paper drawn for this attempt: the source shows it as it was drawn
        return source.presented(quiz=quiz, user=user)
    tokens = quiz_option_tokens(quiz=quiz, user=user)
    questions = quiz_public_questions(quiz)
    for question in questions:
        question["options"] = [
            {"id": tokens[(question["id"], option["id"])], "text": option["text"]} for option in question["options"]
        ]
    if quiz.shuffle:
        questions = rules.shuffled_by_token(questions, lambda question: question["options"][0]["id"])
        for question in questions:
            question["options"] = rules.shuffled_by_token(question["options"], lambda option: option["id"])
    return questions


def quiz_answers_as_authored(*, quiz: Quiz, user, answers):
    """Answers given with option tokens, as the scoring service takes them (authored option ids). A value that is
    no token of this trainee's attempt (an authored id guessed from its pattern, a token of an earlier attempt)
    becomes an empty id, which the service refuses as an option not in the question. Answers that are not
    {question id: [token, ...]} at all are passed on unchanged for the service to refuse."""
    if not isinstance(answers, dict) or papers.source_for(quiz) is not None:
        return answers  # a drawn paper's option ids are its own tokens: its source maps them when scoring
    by_token = {token: option_id for (_question, option_id), token in quiz_option_tokens(quiz=quiz, user=user).items()}
    translated = {}
    for question_id, chosen in answers.items():
        values = [chosen] if isinstance(chosen, str) else chosen
        if not isinstance(values, list | tuple) or not all(isinstance(value, str) for value in values):
            translated[question_id] = chosen
            continue
        translated[question_id] = [by_token.get(value, "") for value in values]
    return translated


def quiz_attempt_paper(attempt: QuizAttempt) -> list[dict] | None:
    """The questions a submitted attempt was shown, with their explanations, when it answered a drawn paper; None
    for an attempt at a quiz's fixed questions."""
    source = papers.source_for(attempt.quiz) if attempt.quiz_id else None
    return source.attempt_questions(attempt) if source is not None else None


def quiz_paper_state(*, quiz: Quiz, user) -> "papers.PaperState | None":
    """The trainee's drawn paper for this quiz as exam mode sees it (time limit, deadline and seconds left by the
    server's clock, answers saved so far); None for a quiz with fixed questions."""
    source = papers.source_for(quiz)
    return source.state(quiz=quiz, user=user) if source is not None and user.is_authenticated else None


def quiz_for_trainee(*, quiz: Quiz, user) -> dict:
    """What a trainee may see of a quiz before submitting, for the learner API and the Wagtail API alike: its rules,
    their attempts, the questions of their open attempt (option ids only, never which is correct, no explanation),
    and for a drawn paper its time limit, deadline and seconds left by the server's clock and the answers saved."""
    attempts = quiz_attempts(user=user, course=quiz.course)
    passed = any(attempt.passed for attempt in attempts)
    paper = quiz_paper_state(quiz=quiz, user=user)
    return {
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "attempts_used": len(attempts),
        "attempts_left": rules.attempts_left(max_attempts=quiz.max_attempts, used=len(attempts), passed=passed),
        "passed": passed,
        "questions": quiz_presented_questions(quiz=quiz, user=user),
        "time_limit": paper.time_limit if paper else None,
        "started": paper.started if paper else False,
        "deadline": paper.deadline if paper else None,
        "seconds_left": paper.seconds_left if paper else None,
        "saved_answers": paper.saved if paper else {},
    }


def quiz_attempt_review(attempt: QuizAttempt) -> dict:
    """A submitted attempt as its own trainee may review it (the caller checks whose it is): the score, and for a
    drawn paper each question as shown with the answer given, whether it was right, the correct answer, the
    explanation, the articles cited and the lesson that covers it."""
    return {
        "id": attempt.pk,
        "number": attempt.number,
        "score": attempt.score,
        "passed": attempt.passed,
        "question_count": attempt.question_count,
        "correct_count": attempt.correct_count,
        "submitted_at": attempt.submitted_at,
        "questions": quiz_attempt_paper(attempt) or [],
    }


def quiz_question_count(quiz: Quiz) -> int:
    """How many questions an attempt at this quiz has: its fixed questions, or its drawn paper's length."""
    source = papers.source_for(quiz)
    return source.question_count(quiz) if source is not None else len(quiz_question_specs(quiz))


def quiz_explanations(quiz: Quiz) -> dict[str, str]:
    """Each question's explanation, shown after an attempt next to a wrong answer (it never names the option)."""
    return {child.id: child.value["explanation"] for child in quiz.questions if child.block_type == "question"}


@dataclass(frozen=True)
class OfflineProgress:
    """Where a trainee stands on the class part of an offline or blended course, which completes by attendance:
    the session they attended, else their current place at one (a seat, or on the waiting list), else nothing."""

    attendance: SessionAttendance | None = None
    registration: SessionRegistration | None = None


def offline_progress(*, user, courses: list[CoursePage]) -> dict[int, OfflineProgress]:
    """For each offline or blended course among ``courses``: the trainee's attendance or current registration
    (two queries, none when there is no such course). A registration for a session that has ended or was
    cancelled is not a current place; of several, the soonest session wins, a seat before the waiting list."""
    from django.utils import timezone

    ids = [course.pk for course in courses if course.delivery_mode in (DeliveryMode.OFFLINE, DeliveryMode.BLENDED)]
    if not ids or not user.is_authenticated:
        return {}
    attended = {}
    for attendance in (
        SessionAttendance.objects.filter(user=user, session__course_id__in=ids)
        .select_related("session")
        .order_by("-checked_in_at")
    ):
        attended.setdefault(attendance.session.course_id, attendance)
    places = {}
    for registration in (
        SessionRegistration.objects.active()
        .filter(
            user=user,
            session__course_id__in=ids,
            session__status=SessionStatus.SCHEDULED,
            session__end__gte=timezone.now(),
        )
        .select_related("session")
        .order_by("status", "session__start")  # "registered" sorts before "waitlisted"
    ):
        places.setdefault(registration.session.course_id, registration)
    return {
        course_id: OfflineProgress(attendance=attended.get(course_id), registration=places.get(course_id))
        for course_id in ids
    }


@dataclass
class LearningRow:
    """One enrolled course on My learning; ``offline`` is set for an offline or blended course."""

    course: CoursePage
    enrolment: Enrolment
    lessons_total: int
    lessons_done: int
    percent: int
    next_lesson: LessonPage | None
    completion: CourseCompletion | None
    lessons: list = field(default_factory=list)
    offline: OfflineProgress | None = None


def my_learning(user) -> tuple[list[LearningRow], list[LearningRow]]:
    """A trainee's courses in progress (most recently active first) and completed courses (four queries, six with
    an offline or blended course)."""
    enrolments = list(Enrolment.objects.filter(user=user).select_related("course", "course__competency"))
    if not enrolments:
        return [], []
    courses = [enrolment.course for enrolment in enrolments]
    lessons_by_course: dict[str, list[LessonPage]] = defaultdict(list)
    lesson_filter = reduce(or_, (Q(path__startswith=course.path, depth=course.depth + 1) for course in courses))
    for lesson in (
        LessonPage.objects.live()
        .filter(lesson_filter)
        .order_by("path")
        .only("id", "title", "path", "depth", "url_path", "required")
    ):
        lessons_by_course[lesson.path[: -LessonPage.steplen]].append(lesson)
    done: dict[int, dict[int, object]] = defaultdict(dict)
    for course_id, lesson_id, when in LessonProgress.objects.filter(user=user).values_list(
        "course_id", "lesson_id", "completed_at"
    ):
        done[course_id][lesson_id] = when
    completions = {c.course_id: c for c in CourseCompletion.objects.filter(user=user)}
    offline = offline_progress(user=user, courses=courses)

    in_progress, completed = [], []
    for enrolment, course in zip(enrolments, courses, strict=True):
        lessons = lessons_by_course.get(course.path, [])
        done_ids = done.get(course.pk, {})
        done_count = sum(1 for lesson in lessons if lesson.pk in done_ids)
        next_lesson = next((lesson for lesson in lessons if lesson.pk not in done_ids), None)
        row = LearningRow(
            course=course,
            enrolment=enrolment,
            lessons_total=len(lessons),
            lessons_done=done_count,
            percent=rules.progress_percent(done=done_count, total=len(lessons)),
            next_lesson=next_lesson,
            completion=completions.get(course.pk),
            lessons=lessons,
            offline=offline.get(course.pk),
        )
        (completed if row.completion else in_progress).append(row)
    last_active = {course_id: max(times.values()) for course_id, times in done.items() if times}
    in_progress.sort(key=lambda row: last_active.get(row.course.pk, row.enrolment.enrolled_at), reverse=True)
    completed.sort(key=lambda row: row.completion.completed_at, reverse=True)
    return in_progress, completed


# Offline training ------------------------------------------------------------------------------------------


def attended_course_session(*, user, course: CoursePage) -> bool:
    """Whether the trainee attended any session of the course (what completes its offline part)."""
    return user.is_authenticated and SessionAttendance.objects.filter(user=user, session__course=course).exists()


def session_for_trainee(session_id: int) -> TrainingSession | None:
    """A session a trainee may look at: scheduled or cancelled, never a draft."""
    return (
        TrainingSession.objects.exclude(status=SessionStatus.DRAFT)
        .select_related("course", "course__competency", "venue", "venue__district", "lecturer")
        .filter(pk=session_id)
        .first()
    )


def session_seats(session: TrainingSession) -> dict:
    """Seats taken and left, and the length of the waiting list (one query)."""
    counts = dict(
        SessionRegistration.objects.filter(session=session).order_by().values_list("status").annotate(n=Count("pk"))
    )
    taken = counts.get(RegistrationStatus.REGISTERED, 0)
    return {
        "taken": taken,
        "left": max(session.capacity - taken, 0),
        "waiting": counts.get(RegistrationStatus.WAITLISTED, 0),
    }


def registration_for(*, user, session: TrainingSession) -> SessionRegistration | None:
    if not user.is_authenticated:
        return None
    return SessionRegistration.objects.filter(user=user, session=session).first()


def attendance_for(*, user, session: TrainingSession) -> SessionAttendance | None:
    if not user.is_authenticated:
        return None
    return SessionAttendance.objects.filter(user=user, session=session).first()


def _sessions_with_place():
    return TrainingSession.objects.select_related(
        "course", "course__competency", "venue", "venue__district", "lecturer"
    )


@dataclass
class MyTraining:
    """我的培训: what a trainee has coming up, what they may still sign up for, and what they attended."""

    upcoming: list[SessionRegistration]
    open_sessions: list[TrainingSession]
    history: list[SessionAttendance]
    missed: list[SessionRegistration]


def my_training(user, *, now=None) -> MyTraining:
    """A trainee's own sessions (four queries)."""
    from django.utils import timezone

    now = now or timezone.now()
    registrations = list(
        SessionRegistration.objects.active()
        .filter(user=user)
        .select_related("session", "session__course", "session__venue", "session__venue__district", "session__lecturer")
        .order_by("session__start")
    )
    attended_ids = set(SessionAttendance.objects.filter(user=user).values_list("session_id", flat=True))
    upcoming = [
        r
        for r in registrations
        if r.session.end >= now and r.session.status != SessionStatus.DRAFT and r.session_id not in attended_ids
    ]
    missed = [
        r
        for r in registrations
        if r.session.end < now and r.session_id not in attended_ids and r.status == RegistrationStatus.REGISTERED
    ]
    mine = {r.session_id for r in registrations}
    open_sessions = [
        session
        for session in _sessions_with_place().filter(
            status=SessionStatus.SCHEDULED, registration_opens__lte=now, registration_closes__gte=now
        )
        if session.pk not in mine
    ]
    history = list(
        SessionAttendance.objects.filter(user=user)
        .select_related("session", "session__course", "session__venue")
        .order_by("-checked_in_at")
    )
    return MyTraining(upcoming=upcoming, open_sessions=open_sessions, history=history, missed=list(reversed(missed)))


def course_sessions_upcoming(course: CoursePage, *, now=None) -> list[TrainingSession]:
    """A course's scheduled sessions that have not ended, soonest first."""
    from django.utils import timezone

    now = now or timezone.now()
    return list(
        _sessions_with_place().filter(course=course, status=SessionStatus.SCHEDULED, end__gte=now).order_by("start")
    )


def sessions_for_offline_hours(user, *, now=None, audience: str = "") -> list[TrainingSession]:
    """The sessions that could still add to a trainee's offline hours, soonest first (one query).

    Two kinds: sessions the trainee holds a seat at that have not ended and that they have not attended yet, and
    sessions open to them now: scheduled, not started, registration window open, a free place, no registration
    of theirs (a seat or the waiting list; a cancelled one does not count), of a live course (for ``audience``
    when given) none of whose sessions they have attended before (the same class twice teaches nothing new).
    Each carries ``places_left`` and ``my_status`` (their registration's status, or None).
    """
    from django.utils import timezone

    now = now or timezone.now()
    mine = SessionRegistration.objects.active().filter(session=OuterRef("pk"), user=user).values("status")[:1]
    taken = (
        SessionRegistration.objects.filter(session=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sessions = TrainingSession.objects.filter(status=SessionStatus.SCHEDULED, end__gte=now, course__live=True).annotate(
        my_status=Subquery(mine),
        places_left=F("capacity") - Coalesce(Subquery(taken, output_field=IntegerField()), 0),
        attended=Exists(SessionAttendance.objects.filter(user=user, session=OuterRef("pk"))),
        course_attended=Exists(SessionAttendance.objects.filter(user=user, session__course=OuterRef("course_id"))),
    )
    open_to_them = Q(
        my_status__isnull=True,
        course_attended=False,
        start__gt=now,
        registration_opens__lte=now,
        registration_closes__gte=now,
        places_left__gt=0,
    )
    if audience:
        open_to_them &= Q(course__audiences__contains=audience)
    held = Q(my_status=RegistrationStatus.REGISTERED, attended=False)
    # Only what a recommendation shows: a session's course and venue rows are wide and the list is read on every
    # 我的学分 of a trainee short of offline hours.
    return list(
        sessions.filter(held | open_to_them)
        .select_related("venue")
        .only("id", "course", "title", "start", "end", "hours", "capacity", "status", "venue__name")
        .order_by("start", "pk")
    )


def sessions_for_offline_hours_change_at(*, now):
    """The next moment after ``now`` at which ``sessions_for_offline_hours`` could answer differently with no row
    changed, time alone passing a scheduled session's registration opening or closing, start or end; None when
    nothing is ahead (one query). A cached answer read at ``now`` holds until then, and until a session or a
    registration changes (which the content generation follows)."""
    bounds = TrainingSession.objects.filter(
        status=SessionStatus.SCHEDULED, end__gte=now, course__live=True
    ).values_list("registration_opens", "registration_closes", "start", "end")
    return min((moment for row in bounds for moment in row if moment is not None and moment > now), default=None)


def session_roster(session: TrainingSession, *, viewer) -> list[dict]:
    """A session's registrations that ``viewer`` may see (registrars all, street administrators their street's),
    each with the trainee's attendance (two queries)."""
    from academy.selectors import users_visible_to

    registrations = list(
        SessionRegistration.objects.filter(session=session, user__in=users_visible_to(viewer))
        .select_related("user", "user__street", "registered_by")
        .order_by("status", "position", "user__real_name", "pk")
    )
    attendance = {
        a.user_id: a
        for a in SessionAttendance.objects.filter(session=session, user__in=[r.user_id for r in registrations])
    }
    return [{"registration": r, "user": r.user, "attendance": attendance.get(r.user_id)} for r in registrations]


# Time on task, video progress and feedback ------------------------------------------------------------------


def lesson_seconds_spent(*, user, lesson: LessonPage) -> int:
    """Seconds of accepted time on task a trainee has on one lesson."""
    if not user.is_authenticated:
        return 0
    return LessonTime.objects.filter(user=user, lesson=lesson).values_list("seconds", flat=True).first() or 0


def video_progress_for(*, user, lesson: LessonPage) -> VideoProgress | None:
    if not user.is_authenticated:
        return None
    return VideoProgress.objects.filter(user=user, lesson=lesson).first()


def feedback_for(*, user, course: CoursePage) -> CourseFeedback | None:
    if not user.is_authenticated:
        return None
    return CourseFeedback.objects.filter(user=user, course=course).first()


def feedback_summary_key(course_id: int) -> str:
    return f"courses:feedback-summary:{course_id}"


@dataclass(frozen=True)
class FeedbackSummary:
    """How many trainees rated a course and their average ratings (None until there are enough to show)."""

    count: int
    content: float | None = None
    lecturer: float | None = None
    usefulness: float | None = None

    @property
    def visible(self) -> bool:
        return rules.feedback_summary_visible(self.count)


def _feedback_aggregate(feedback: QuerySet[CourseFeedback]) -> dict:
    return feedback.aggregate(
        count=Count("pk"),
        content=Avg("content_rating"),
        lecturer=Avg("lecturer_rating"),
        usefulness=Avg("usefulness_rating"),
    )


def course_feedback_summary(course: CoursePage) -> FeedbackSummary:
    """A course's feedback count and averages in one aggregate query, cached until the next answer is saved."""
    key = feedback_summary_key(course.pk)
    summary = cache.get(key)
    if summary is None:
        row = _feedback_aggregate(CourseFeedback.objects.filter(course=course))
        summary = FeedbackSummary(
            count=row["count"],
            **{
                name: round(row[name], 1) if row[name] is not None else None
                for name in ("content", "lecturer", "usefulness")
            },
        )
        cache.set(key, summary, 60 * 60)
    return summary


def feedback_for_course(course: CoursePage) -> QuerySet[CourseFeedback]:
    """Every answer about one course, newest first, for staff."""
    return CourseFeedback.objects.filter(course=course).select_related("user", "course").order_by("-created_at")


def feedback_for_lecturer(lecturer: Lecturer) -> QuerySet[CourseFeedback]:
    """Every answer about the courses a lecturer teaches, for staff."""
    return (
        CourseFeedback.objects.filter(course__lecturers=lecturer)
        .select_related("user", "course")
        .order_by("course__code", "-created_at")
        .distinct()
    )


@dataclass(frozen=True)
class FeedbackRow:
    """One course or lecturer on the staff feedback overview."""

    pk: int
    name: str
    count: int
    content: float | None
    lecturer: float | None
    usefulness: float | None


def feedback_overview() -> tuple[list[FeedbackRow], list[FeedbackRow]]:
    """Per course and per lecturer: number of answers and average ratings (two grouped queries)."""
    averages = {
        "count": Count("feedback_answers", distinct=True),
        "content": Avg("feedback_answers__content_rating"),
        "lecturer": Avg("feedback_answers__lecturer_rating"),
        "usefulness": Avg("feedback_answers__usefulness_rating"),
    }

    def rows(queryset, label):
        return [
            FeedbackRow(
                item.pk,
                label(item),
                item.count,
                *(round(v, 1) if v is not None else None for v in (item.content, item.lecturer, item.usefulness)),
            )
            for item in queryset.annotate(**averages).filter(count__gt=0)
        ]

    courses = rows(CoursePage.objects.order_by("code"), lambda course: f"{course.code} {course.title}")
    lecturer_averages = {
        "count": Count("courses__feedback_answers", distinct=True),
        "content": Avg("courses__feedback_answers__content_rating"),
        "lecturer": Avg("courses__feedback_answers__lecturer_rating"),
        "usefulness": Avg("courses__feedback_answers__usefulness_rating"),
    }
    lecturers = [
        FeedbackRow(
            item.pk,
            str(item),
            item.count,
            *(round(v, 1) if v is not None else None for v in (item.content, item.lecturer, item.usefulness)),
        )
        for item in Lecturer.objects.order_by("name").annotate(**lecturer_averages).filter(count__gt=0)
    ]
    return courses, lecturers


def video_length_seconds(*, document) -> float | None:
    """The stored length of a video document's current file (tasks.video_length_task), or None when it has not
    been measured yet, could not be read (WebM), or was measured from a file since replaced."""
    return (
        VideoLength.objects.filter(document_id=document.pk, file_name=document.file.name)
        .values_list("seconds", flat=True)
        .first()
    )
