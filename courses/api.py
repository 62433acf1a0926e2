"""The learner API at /api/v1/ (django-ninja). Higher apps add their own routers to ``api``:

    # credits/apps.py, in CreditsConfig.ready() (runs before the URLconf is loaded):
    from courses.api import api
    from .api import router
    api.add_router("/credits/", router)

Authentication: the session cookie with a CSRF token (browsers), or allauth's headless session token in the
``X-Session-Token`` header (apps).
"""

from datetime import datetime
from decimal import Decimal

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Path, Query, Router, Schema, Status
from ninja.security import SessionAuth

from academy.choices import Party
from academy.converters import MAX_ID
from academy.middleware import staff_second_factor_missing

from . import rules, selectors, services
from .choices import DeliveryMode
from .models import CoursePage, LessonPage, QuizAttempt


class DocumentedXSessionTokenAuth(XSessionTokenAuth):
    """allauth's app-session token, declared in the OpenAPI schema as the header it is (allauth's class declares
    an apiKey without ``in`` and ``name``, which is not valid OpenAPI; schemathesis refused the schema).

    Staff MFA holds here as in the browser: a registrar, street administrator, lecturer or superuser whose app session was
    not authenticated with TOTP (none set up, or a log-in that skipped it) is not let in (401), whatever the
    password. allauth's own app endpoints (/_allauth/app/v1/) stay open to them, so an app can set TOTP up."""

    openapi_in = "header"
    openapi_name = "X-Session-Token"

    def __call__(self, request):
        user = super().__call__(request)
        if user is not None and getattr(user, "is_academy_staff", False):
            result = authenticate_by_x_session_token(self.get_session_token(request))
            if result is None or staff_second_factor_missing(user=user, session=result.session):
                request.user = AnonymousUser()  # nor may the session-cookie check after this one see them
                return None
        return user


session_auth = SessionAuth(csrf=True)
LEARNER_AUTH = [DocumentedXSessionTokenAuth(), session_auth]

api = NinjaAPI(
    title="三方学院 learner API",
    version="1",
    description="Courses, enrolment, lesson progress and quizzes for trainees. Correct answers are never sent.",
    urls_namespace="api-v1",
    auth=LEARNER_AUTH,
)


@api.exception_handler(services.CourseActionError)
def course_action_error(request, error: services.CourseActionError):
    body = {"detail": error.message, "code": error.code}
    if error.question_id:
        body["question"] = error.question_id
    if error.remaining_seconds is not None:
        body["remaining_seconds"] = error.remaining_seconds
    return api.create_response(request, body, status=400)


class ErrorOut(Schema):
    """A refusal: 400 (the action does not fit the state), 401 (not signed in), 403 (a browser's write without its
    CSRF token), 404 (no such object), 429 (too many requests)."""

    detail: str
    code: str = ""
    question: str | None = None
    remaining_seconds: int | None = None


class ValidationErrorOut(Schema):
    """422: a path, query or body value does not fit this schema; one entry per wrong value (django-ninja's form)."""

    detail: list[dict]


# What each kind of operation may answer besides its success, so that the OpenAPI document names every status the
# API returns (issue 15; schemathesis checks it). Combine them in ``response={...}``.
INVALID = {422: ValidationErrorOut}  # any operation with a parameter or a body
BY_ID = {404: ErrorOut, **INVALID}  # an operation on /…/{id}: the id names nothing (or is out of range: 422)
SIGNED_IN = {401: ErrorOut}  # a trainee's session (cookie or X-Session-Token)
SIGNED_IN_WRITE = {401: ErrorOut, 403: ErrorOut}  # a browser's write also needs its CSRF token


# A path id: a positive 64-bit integer, as every id column holds; anything else is a 422 before any query runs.
ObjectId = Path(..., ge=1, le=MAX_ID, description="The object's id.")


class CompetencyOut(Schema):
    id: int
    code: str
    name: str
    colour: str


class CourseOut(Schema):
    id: int
    code: str
    title: str
    summary: str
    competency: CompetencyOut
    audiences: list[str]
    delivery_mode: str
    credits: Decimal
    hours: Decimal
    lesson_count: int
    url: str


class LessonOut(Schema):
    id: int
    title: str
    estimated_minutes: int
    required: bool
    free_preview: bool
    marked_done_by_hand: bool = Field(
        description="False for a lesson that completes by its own activity (a scenario): POST …/done refuses it."
    )
    url: str


class QuizRulesOut(Schema):
    questions: int
    pass_mark: int
    max_attempts: int


class CourseDetailOut(CourseOut):
    objectives: list[str]
    lecturers: list[str]
    prerequisites: list[str] = Field(description="Codes of courses to complete first.")
    lessons: list[LessonOut]
    quiz: QuizRulesOut | None


class CourseListOut(Schema):
    count: int
    items: list[CourseOut]


class EnrolmentOut(Schema):
    course: int
    code: str
    title: str
    enrolled_at: datetime
    lessons_total: int
    lessons_done: int
    percent: int
    next_lesson: int | None
    completed_at: datetime | None


class LessonDoneOut(Schema):
    lesson: int
    course: int
    completed_at: datetime
    course_completed: bool


class OptionOut(Schema):
    id: str = Field(description="An opaque id for this option in this trainee's next attempt only.")
    text: str


class CaseOut(Schema):
    title: str
    text: str


class QuestionOut(Schema):
    id: str
    number: int
    kind: str = Field(description="single, multiple, truefalse, or blank (answer with one typed text).")
    text: str
    case: CaseOut | None = Field(None, description="The case a group of questions asks about, if any.")
    options: list[OptionOut]


class QuizOut(Schema):
    title: str
    pass_mark: int
    max_attempts: int
    attempts_used: int
    attempts_left: int
    passed: bool
    questions: list[QuestionOut] = Field(
        description="The open attempt's questions; empty for a timed exam until it is started (POST …/quiz/start)."
    )
    time_limit: int | None = Field(None, description="Minutes a timed exam allows from its start; null: no limit.")
    started: bool = Field(False, description="Whether a drawn paper is open (its answers can be saved).")
    deadline: datetime | None = Field(None, description="When a started timed exam's time runs out (server clock).")
    seconds_left: int | None = Field(None, description="Seconds until the deadline, by the server's clock.")
    saved_answers: dict[str, list[str]] = Field(
        default_factory=dict, description="Question id → the answer saved on the server so far (resume from here)."
    )
    closed_attempt: int | None = Field(
        None, description="The attempt the server has just submitted because the exam's time ran out, if any."
    )


class AnswersIn(Schema):
    answers: dict[str, list[str]] = Field(
        description="Question id → the chosen option ids (or the one typed answer of a blank); an empty list clears "
        "that question's saved answer. Questions not named keep their saved answer."
    )


class AnswersSavedOut(Schema):
    saved: int = Field(description="How many questions have a saved answer.")
    seconds_left: int | None


class ReviewArticleOut(Schema):
    law: str
    version: str
    number: int
    label: str
    text: str
    link: str


class ReviewLessonOut(Schema):
    id: int
    title: str
    url: str


class ReviewOptionOut(OptionOut):
    chosen: bool
    correct: bool


class ReviewQuestionOut(QuestionOut):
    options: list[ReviewOptionOut]
    right: bool
    your_answer: list[str]
    correct_answer: list[str]
    explanation: str
    articles: list[ReviewArticleOut]
    lesson: ReviewLessonOut | None


class ReviewOut(Schema):
    id: int
    number: int
    score: int
    passed: bool
    question_count: int
    correct_count: int
    submitted_at: datetime
    questions: list[ReviewQuestionOut] = Field(
        description="A drawn paper's questions as shown, with the answer given and the correct one (after "
        "submission only); empty for a quiz with fixed questions."
    )


class AttemptIn(Schema):
    answers: dict[str, list[str]] = Field(
        description="Question id → the ids of the chosen options, as GET …/quiz gave them for this attempt."
    )


class AttemptOut(Schema):
    id: int
    number: int
    score: int
    passed: bool
    question_count: int
    correct_count: int
    wrong_questions: list[str]
    attempts_left: int
    course_completed: bool


router = Router(tags=["courses"])

# Text that reaches a query may hold no NUL character: PostgreSQL refuses it in any string parameter (a 500 that
# schemathesis found on the PostgreSQL run), and Django's own form fields refuse it the same way (a 422 here).
NO_NUL = r"^[^\x00]*$"


def _live_course(course_id: int) -> CoursePage:
    return get_object_or_404(selectors.courses_live(), pk=course_id)


@router.get("/courses/", response={200: CourseListOut, **INVALID}, auth=None, summary="List courses")
def course_list(
    request,
    competency: str = Query("", pattern=NO_NUL, max_length=50, description="A competency's code."),
    audience: Party | None = None,
    mode: DeliveryMode | None = None,
    q: str = Query("", pattern=NO_NUL, max_length=200, description="Words to look for in titles and summaries."),
    offset: int = Query(0, ge=0, le=100_000),  # a bound: a 35-digit offset made SQLite fail (schemathesis)
    limit: int = Query(20, ge=1, le=100),
):
    filters = selectors.CatalogueFilters(
        competency=competency, audience=audience or "", delivery_mode=mode or "", query=q.strip()
    )
    courses = selectors.filter_courses(selectors.courses_live(), filters).order_by("competency__order", "code")
    return {"count": courses.count(), "items": list(courses[offset : offset + limit])}


@router.get(
    "/courses/{course_id}", response={200: CourseDetailOut, **BY_ID}, auth=None, summary="One course with its lessons"
)
def course_detail(request, course_id: int = ObjectId):
    course = _live_course(course_id)
    lessons = selectors.course_lessons(course)
    quiz = selectors.quiz_for(course)
    return {
        **{name: getattr(course, name) for name in CourseOut.model_fields},
        "objectives": course.objective_list,
        "lecturers": [lecturer.name for lecturer in selectors.course_lecturers(course)],
        "prerequisites": list(selectors.course_prerequisites(course).values_list("code", flat=True)),
        "lessons": [
            {
                "id": lesson.pk,
                "title": lesson.title,
                "estimated_minutes": lesson.estimated_minutes,
                "required": lesson.required,
                "free_preview": rules.free_preview_allowed(
                    free_preview=lesson.free_preview, is_first_lesson=index == 0
                ),
                "marked_done_by_hand": selectors.lesson_marked_done_by_hand(lesson),
                "url": lesson.url,
            }
            for index, lesson in enumerate(lessons)
        ],
        "quiz": {
            "questions": selectors.quiz_question_count(quiz),
            "pass_mark": quiz.pass_mark,
            "max_attempts": quiz.max_attempts,
        }
        if quiz
        else None,
    }


def _enrolment_rows(user, course_id: int | None = None) -> list[dict]:
    in_progress, completed = selectors.my_learning(user)
    return [
        {
            "course": row.course.pk,
            "code": row.course.code,
            "title": row.course.title,
            "enrolled_at": row.enrolment.enrolled_at,
            "lessons_total": row.lessons_total,
            "lessons_done": row.lessons_done,
            "percent": row.percent,
            "next_lesson": row.next_lesson.pk if row.next_lesson else None,
            "completed_at": row.completion.completed_at if row.completion else None,
        }
        for row in in_progress + completed
        if course_id is None or row.course.pk == course_id
    ]


@router.post(
    "/courses/{course_id}/enrolment",
    response={201: EnrolmentOut, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Enrol in a course",
)
def enrol(request, course_id: int = ObjectId):
    course = _live_course(course_id)
    services.enrolment_create(user=request.auth, course=course)
    return Status(201, _enrolment_rows(request.auth, course.pk)[0])


@router.delete(
    "/courses/{course_id}/enrolment",
    response={204: None, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Leave a course",
)
def unenrol(request, course_id: int = ObjectId):
    course = _live_course(course_id)
    services.enrolment_delete(user=request.auth, course=course)
    return Status(204, None)


@router.get("/me/enrolments", response={200: list[EnrolmentOut], **SIGNED_IN}, summary="My enrolments with progress")
def my_enrolments(request):
    return _enrolment_rows(request.auth)


@router.post(
    "/lessons/{lesson_id}/done",
    response={200: LessonDoneOut, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Mark a lesson done",
)
def lesson_done(request, lesson_id: int = ObjectId):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    progress = services.lesson_mark_done(user=request.auth, lesson=lesson)
    completion = selectors.completion_for(user=request.auth, course=progress.course)
    return {
        "lesson": lesson.pk,
        "course": progress.course_id,
        "completed_at": progress.completed_at,
        "course_completed": completion is not None,
    }


@router.get(
    "/courses/{course_id}/quiz",
    response={200: QuizOut, 400: ErrorOut, **SIGNED_IN, **BY_ID},
    summary="Quiz questions",
)
def quiz_questions(request, course_id: int = ObjectId):
    course = _live_course(course_id)
    quiz = selectors.quiz_for(course)
    if quiz is None:
        raise services.CourseActionError(_("This course has no quiz."), code="no_quiz")
    if not selectors.is_enrolled(user=request.auth, course=course):
        raise services.CourseActionError(_("Enrol in this course to take its quiz."), code="not_enrolled")
    closed = services.quiz_expired_close(user=request.auth, course=course)  # time ran out while away: submit it
    return {
        **selectors.quiz_for_trainee(quiz=quiz, user=request.auth),
        "closed_attempt": closed.pk if closed is not None else None,
    }


@router.post(
    "/courses/{course_id}/quiz/start",
    response={200: QuizOut, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Start the quiz's paper (a timed exam's clock starts now)",
)
def quiz_start(request, course_id: int = ObjectId):
    course = _live_course(course_id)
    services.quiz_expired_close(user=request.auth, course=course)
    services.quiz_paper_start(user=request.auth, course=course)
    return selectors.quiz_for_trainee(quiz=selectors.quiz_for(course), user=request.auth)


@router.put(
    "/courses/{course_id}/quiz/answers",
    response={200: AnswersSavedOut, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Save answers so far on the server",
)
def quiz_answers_save(request, payload: AnswersIn, course_id: int = ObjectId):
    course = _live_course(course_id)
    state = services.quiz_answers_save(user=request.auth, course=course, answers=payload.answers)
    return {"saved": len(state.saved), "seconds_left": state.seconds_left}


@router.get(
    "/courses/{course_id}/quiz/attempts/{attempt_id}",
    response={200: ReviewOut, **SIGNED_IN, **BY_ID},
    summary="Review a submitted attempt of mine",
)
def quiz_attempt_review(request, course_id: int = ObjectId, attempt_id: int = ObjectId):
    course = _live_course(course_id)
    attempt = get_object_or_404(QuizAttempt, pk=attempt_id, course=course, user=request.auth)
    return selectors.quiz_attempt_review(attempt)


@router.post(
    "/courses/{course_id}/quiz/attempts",
    response={201: AttemptOut, 400: ErrorOut, **SIGNED_IN_WRITE, **BY_ID},
    summary="Submit a quiz attempt",
)
def quiz_attempt(request, payload: AttemptIn, course_id: int = ObjectId):
    course = _live_course(course_id)
    quiz = selectors.quiz_for(course)
    answers = selectors.quiz_answers_as_authored(quiz=quiz, user=request.auth, answers=payload.answers) if quiz else {}
    attempt = services.quiz_attempt_submit(user=request.auth, course=course, answers=answers)
    return Status(
        201,
        {
            "id": attempt.pk,
            "number": attempt.number,
            "score": attempt.score,
            "passed": attempt.passed,
            "question_count": attempt.question_count,
            "correct_count": attempt.correct_count,
            "wrong_questions": attempt.wrong_questions,
            "attempts_left": rules.attempts_left(
                max_attempts=quiz.max_attempts, used=attempt.number, passed=attempt.passed
            ),
            "course_completed": selectors.completion_for(user=request.auth, course=course) is not None,
        },
    )


api.add_router("/", router)
