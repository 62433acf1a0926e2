"""Views for trainees: the catalogue and course pages' context, lessons, quizzes and My learning.

Page models call into this module; every view decides here who may see what.
"""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.absolute import absolute_url

from . import documents, extensions, rules, selectors, services
from .choices import DeliveryMode, RegistrationStatus
from .forms import CatalogueFilterForm, CourseFeedbackForm
from .models import CourseIndexPage, CoursePage, LessonPage, QuizAttempt, TrainingSession

CACHE_SECONDS = 60 * 60


def _is_staff_viewer(user) -> bool:
    """Editors and other staff with admin access may read lessons to check them."""
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


# Catalogue ------------------------------------------------------------------------------------------------


def _catalogue_html(request, index_page: CourseIndexPage) -> str:
    form = CatalogueFilterForm(
        request.GET or None,
        competencies=list(selectors.competencies()),
        credit_values=selectors.catalogue_credit_values(index_page=index_page),
    )
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    facets = selectors.catalogue_competency_facets(index_page=index_page, filters=filters)
    paginator = Paginator(selectors.catalogue_courses(index_page=index_page, filters=filters), index_page.per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    kept = [(key, value) for key, value in request.GET.items() if key != "page" and value]
    facet_params = [(key, value) for key, value in kept if key != "competency"]
    return render_to_string(
        "courses/includes/catalogue.html",
        {
            "page": index_page,
            "form": form,
            "filters": filters,
            "facets": facets,
            "facet_query": urlencode(facet_params),
            "page_obj": page_obj,
            "courses": page_obj.object_list,
            "paginator": paginator,
            "query_without_page": urlencode(kept),
            "total": sum(facet.count for facet in facets) if not filters.competency else paginator.count,
        },
        request=None,
    )


def catalogue_context(*, request, index_page: CourseIndexPage) -> dict:
    """The catalogue's filtered, paginated results. They are public and the same for everyone, so the rendered
    fragment is cached per query string until editors publish a change (see receivers.py)."""
    params = sorted((key, value) for key, value in request.GET.items() if value)
    key = f"courses:catalogue:{selectors.catalogue_generation()}:{index_page.pk}:{get_language()}:{urlencode(params)}"
    html = cache.get(key)
    if html is None:
        html = _catalogue_html(request, index_page)
        cache.set(key, html, CACHE_SECONDS)
    return {"catalogue_html": html}


# Course ----------------------------------------------------------------------------------------------------


def course_public_data(course: CoursePage) -> dict:
    """What a course page shows to everyone: lessons, lecturers, prerequisites and the quiz's rules, cached."""
    key = f"courses:course:{selectors.catalogue_generation()}:{course.pk}"
    data = cache.get(key)
    if data is None:
        lessons = selectors.course_lessons(course)
        quiz = selectors.quiz_for(course)
        competency = course.competency
        data = {
            "competency": {"name": competency.name, "code": competency.code, "colour": competency.colour},
            "lessons": [
                {
                    "id": lesson.pk,
                    "title": lesson.title,
                    "url": lesson.url,
                    "minutes": lesson.estimated_minutes,
                    "required_seconds": lesson.required_seconds,
                    "required": lesson.required,
                    # Another kind of lesson (a scenario) is named on the course page; a plain lesson is not.
                    "kind": selectors.lesson_kind_label(lesson),
                    "preview": rules.free_preview_allowed(free_preview=lesson.free_preview, is_first_lesson=index == 0),
                }
                for index, lesson in enumerate(lessons)
            ],
            "lecturers": [
                {"name": lecturer.name, "title": lecturer.title, "organisation": lecturer.organisation}
                for lecturer in selectors.course_lecturers(course)
            ],
            "prerequisites": [
                {"title": prerequisite.title, "code": prerequisite.code, "url": prerequisite.url}
                for prerequisite in selectors.course_prerequisites(course).live()
            ],
            "quiz": {
                "questions": selectors.quiz_question_count(quiz),
                "pass_mark": quiz.pass_mark,
                "max_attempts": quiz.max_attempts,
            }
            if quiz
            else None,
        }
        data["required_seconds"] = sum(lesson["required_seconds"] for lesson in data["lessons"] if lesson["required"])
        data["estimated_minutes"] = sum(lesson["minutes"] for lesson in data["lessons"])
        cache.set(key, data, CACHE_SECONDS)
    # In words in this request's language: the data above is cached once for every language.
    return {**data, "required_time": rules.duration_words(data["required_seconds"])}


def _trainee_state(user, course: CoursePage, data: dict) -> dict:
    """The viewer's own enrolment, lesson progress, quiz attempts and completion on one course."""
    enrolment = selectors.enrolment_for(user=user, course=course)
    if enrolment is None:
        return {"enrolment": None, "done_ids": set(), "attempts": [], "completion": None, "feedback": None}
    done_ids = selectors.lessons_done_ids(user=user, course=course)
    attempts = selectors.quiz_attempts(user=user, course=course) if data["quiz"] else []
    completion = selectors.completion_for(user=user, course=course)
    lessons = data["lessons"]
    done_count = sum(1 for lesson in lessons if lesson["id"] in done_ids)
    next_lesson = next((lesson for lesson in lessons if lesson["id"] not in done_ids), None)
    passed = any(attempt.passed for attempt in attempts)
    attempts_left = (
        rules.attempts_left(max_attempts=data["quiz"]["max_attempts"], used=len(attempts), passed=passed)
        if data["quiz"]
        else 0
    )
    return {
        "enrolment": enrolment,
        "done_ids": done_ids,
        "done_count": done_count,
        "percent": rules.progress_percent(done=done_count, total=len(lessons)),
        "next_lesson": next_lesson,
        "attempts": attempts,
        "quiz_passed": passed,
        "attempts_left": attempts_left,
        "completion": completion,
        "offline": selectors.offline_progress(user=user, courses=[course]).get(course.pk),
        # Queried whenever the trainee is enrolled, so the page's query count does not depend on completion.
        "feedback": selectors.feedback_for(user=user, course=course),
    }


def course_context(*, request, course: CoursePage) -> dict:
    data = course_public_data(course)
    state = _trainee_state(request.user, course, data)
    return {
        "course_data": data,
        "state": state,
        # Sections the apps above courses add (a written assignment), drawn by those apps (extensions.py).
        "extra_sections": extensions.page_sections(request=request, course=course, enrolment=state["enrolment"]),
        "feedback_summary": selectors.course_feedback_summary(course),
        "cache_generation": selectors.catalogue_generation(),
        "sessions": selectors.course_sessions_upcoming(course) if course.delivery_mode != DeliveryMode.ONLINE else [],
    }


def course_enrol(request, *, course: CoursePage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        services.enrolment_create(user=request.user, course=course)
    except services.CourseActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are enrolled in 《%(title)s》.") % {"title": course.title})
    return redirect(course.url)


def course_unenrol(request, *, course: CoursePage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    try:
        services.enrolment_delete(user=request.user, course=course)
    except services.CourseActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You have left 《%(title)s》.") % {"title": course.title})
    return redirect(course.url)


# Lessons ---------------------------------------------------------------------------------------------------


def _lesson_place(request, lesson: LessonPage) -> dict:
    """The lesson's course, whether the viewer is enrolled in it and (when asked) its lessons, read once per request
    and kept on the request: the guard, the lesson's context and a scenario's pages all need them."""
    place = getattr(request, "_courses_lesson_place", None)
    if place is None or place["lesson_id"] != lesson.pk:
        # The catalogue's routing has usually just read the lesson's course (CourseIndexPage.route).
        course = getattr(request, "_courses_routed_course", None)
        if course is None or course.path != lesson.path[: -CoursePage.steplen]:
            course = selectors.lesson_course(lesson)
        standing = selectors.lesson_standing(user=request.user, course=course, lesson=lesson) if course else None
        place = {
            "lesson_id": lesson.pk,
            "course": course,
            "enrolled": standing is not None,
            "standing": standing,
            "lessons": None,
        }
        request._courses_lesson_place = place
    return place


def lesson_course_and_lessons(request, *, lesson: LessonPage) -> tuple[CoursePage | None, list[LessonPage]]:
    """The lesson's course and its live lessons in order, read once per request (see ``_lesson_place``)."""
    place = _lesson_place(request, lesson)
    if place["lessons"] is None:
        place["lessons"] = selectors.course_lessons_published(place["course"]) if place["course"] is not None else []
    return place["course"], place["lessons"]


def lesson_enrolled(request, *, lesson: LessonPage) -> bool:
    """Whether the viewer is enrolled in the lesson's course, read once per request (see ``_lesson_place``)."""
    return _lesson_place(request, lesson)["enrolled"]


def lesson_guard(request, *, lesson: LessonPage):
    """None when the viewer may read the lesson; otherwise the response that sends them where they can go.

    Enrolled trainees and free previews are let in before asking whether the viewer is staff: the answer is the
    same, and a trainee reading a lesson then costs no permission queries (Wagtail's ``has_perm`` reads the user's
    and the groups' permissions afresh on every request)."""
    place = _lesson_place(request, lesson)
    course = place["course"]
    if course is not None and place["enrolled"]:
        return None
    if course is not None and lesson.free_preview and selectors.lesson_is_first(lesson):
        return None
    if _is_staff_viewer(request.user):
        return None
    if course is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    messages.warning(request, _("Enrol in this course to read its lessons."))
    return redirect(course.url)


def lesson_context(*, request, lesson: LessonPage) -> dict:
    course, lessons = lesson_course_and_lessons(request, lesson=lesson)
    standing = _lesson_place(request, lesson)["standing"]
    enrolled = standing is not None
    position = next((index for index, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    is_done = enrolled and standing.done
    tracking = {}
    if enrolled and not is_done:
        required = lesson.required_seconds
        spent = standing.seconds_spent
        video = lesson.tracked_video
        progress = selectors.video_progress_for(user=request.user, lesson=lesson) if video else None
        tracking = {
            "token": services.lesson_visit_token_issue(user=request.user, lesson=lesson),
            "heartbeat_url": lesson.url + lesson.reverse_subpage("heartbeat"),
            "video_url": lesson.url + lesson.reverse_subpage("video_progress") if video else "",
            "interval": rules.HEARTBEAT_SECONDS,
            "required": required,
            "remaining": rules.seconds_remaining(required=required, spent=spent),
            "remaining_clock": rules.countdown_clock(rules.seconds_remaining(required=required, spent=spent)),
            "video_block_id": video.id if video else "",
            "video_required_percent": lesson.video_required_percent if video else 0,
            "video_percent": progress.percent if progress else 0,
            "video_position": progress.position if progress else 0,
            "video_furthest": progress.furthest if progress else 0,
            "no_skip_ahead": lesson.video_no_skip_ahead,
        }
    return {
        "tracking": tracking,
        "course": course,
        "lessons": lessons,
        "position": position + 1,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "enrolled": enrolled,
        "is_done": is_done,
    }


def lesson_mark_done_view(request, *, lesson: LessonPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url)
    course = selectors.lesson_course(lesson)
    already_complete = course is not None and selectors.completion_for(user=request.user, course=course) is not None
    try:
        services.lesson_mark_done(user=request.user, lesson=lesson)
    except services.CourseActionError as error:
        messages.error(request, error.message)
        if error.code in {"too_soon", "video_not_watched", "not_by_hand"}:
            return redirect(lesson.url)
        return redirect(course.url if course is not None else "/")
    if not already_complete and selectors.completion_for(user=request.user, course=course) is not None:
        messages.success(request, _("Congratulations: you have completed 《%(title)s》.") % {"title": course.title})
        return redirect(course.url)
    messages.success(request, _("Lesson marked as done."))
    done_ids = selectors.lessons_done_ids(user=request.user, course=course)
    upcoming = next((item for item in selectors.course_lessons(course) if item.pk not in done_ids), None)
    if upcoming is not None:
        return redirect(upcoming.url)
    return redirect(course.url)


def _json_body(request) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _progress_refusal(message: str, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "code": code, "message": message}, status=status)


def lesson_heartbeat_view(request, *, lesson: LessonPage):
    """POST while the lesson is visible: add server-measured time on task; reply with the seconds still needed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return _progress_refusal(_("Log in to take courses."), "login_required", 403)
    data = _json_body(request)
    if data is None:
        return _progress_refusal(_("The progress report is not in the expected form."), "bad_form")
    try:
        record = services.lesson_heartbeat_record(user=request.user, lesson=lesson, token=str(data.get("token", "")))
    except services.CourseActionError as error:
        return _progress_refusal(error.message, error.code, 409 if error.code == "faster_than_real_time" else 400)
    remaining = rules.seconds_remaining(required=lesson.required_seconds, spent=record.seconds)
    return JsonResponse(
        {
            "ok": True,
            "seconds": record.seconds,
            "remaining": remaining,
            "remaining_words": rules.duration_words(remaining),
        }
    )


def lesson_video_progress_view(request, *, lesson: LessonPage):
    """POST the intervals of the lesson's video played since the last report; reply with the share watched."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return _progress_refusal(_("Log in to take courses."), "login_required", 403)
    data = _json_body(request)
    if data is None:
        return _progress_refusal(_("The progress report is not in the expected form."), "bad_form")
    try:
        progress = services.lesson_video_report(
            user=request.user,
            lesson=lesson,
            token=str(data.get("token", "")),
            duration=data.get("duration"),
            played=data.get("played"),
            position=data.get("position"),
        )
    except services.CourseActionError as error:
        return _progress_refusal(error.message, error.code)
    return JsonResponse(
        {"ok": True, "percent": progress.percent, "furthest": progress.furthest, "position": progress.position}
    )


# Course feedback ---------------------------------------------------------------------------------------------


def course_feedback(request, *, course: CoursePage):
    """课程评价: a trainee who completed the course rates it (and may change the answer for 7 days)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if selectors.completion_for(user=request.user, course=course) is None:
        messages.warning(request, _("Complete the course before giving feedback."))
        return redirect(course.url)
    existing = selectors.feedback_for(user=request.user, course=course)
    form = CourseFeedbackForm(request.POST or None, instance=existing)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.course_feedback_save(user=request.user, course=course, **form.cleaned_data)
            except services.CourseActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect(course.url)
        status = 400
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "courses/feedback.html",
        {"page": course, "course": course, "form": form, "existing": existing, "edit_days": rules.FEEDBACK_EDIT_DAYS},
        status=status,
    )


# Quiz ------------------------------------------------------------------------------------------------------


def _answers_from_post(post, questions: list[dict]) -> dict[str, list[str]]:
    """Answers from the quiz form: field ``q-<question id>`` holds the chosen option ids. Any other ``q-`` field
    is passed on as an unknown question so that the service refuses it."""
    answers = {}
    for key in post:
        if key.startswith("q-"):
            answers[key[2:]] = post.getlist(key)
    return answers


def _wants_json(request) -> bool:
    """The quiz page's own script saves answers with ``fetch`` and asks for JSON; a form post gets a page."""
    return "application/json" in request.headers.get("Accept", "")


def _quiz_result_url(course: CoursePage, attempt) -> str:
    return course.url + course.reverse_subpage("quiz_result", kwargs={"attempt_id": attempt.pk})


def _time_ran_out(request, course: CoursePage, attempt):
    messages.info(request, _("Time ran out: your exam was submitted with the answers saved by then."))
    if _wants_json(request):
        return JsonResponse({"closed": True, "result": _quiz_result_url(course, attempt)}, status=409)
    return redirect(_quiz_result_url(course, attempt))


def _quiz_save(request, *, course: CoursePage, questions: list[dict], answers: dict[str, list[str]]):
    """Keep the answers on the server: every question of the paper is sent, so one left empty clears its saved
    answer. A form post (the Save button, without JavaScript) comes back to the page; the script gets JSON."""
    every = {question["id"]: [] for question in questions} | answers
    try:
        state = services.quiz_answers_save(user=request.user, course=course, answers=every)
    except services.CourseActionError as problem:
        closed = services.quiz_expired_close(user=request.user, course=course)
        if closed is not None:
            return _time_ran_out(request, course, closed)
        if _wants_json(request):
            return JsonResponse({"detail": problem.message, "code": problem.code}, status=400)
        return problem
    if _wants_json(request):
        # The time saved is the server's, in the site's time zone (the phone's clock may be wrong or elsewhere).
        saved_at = timezone.localtime().strftime("%H:%M:%S")
        return JsonResponse({"saved": len(state.saved), "seconds_left": state.seconds_left, "saved_at": saved_at})
    messages.success(
        request,
        _("Your answers are saved (%(time)s).") % {"time": timezone.localtime().strftime("%H:%M:%S")},
    )
    return redirect(course.url + course.reverse_subpage("take_quiz"))


def quiz_take(request, *, course: CoursePage):
    """Show the quiz to an enrolled trainee and take a submission; bad input re-shows the form with a 400.

    A drawn paper also saves answers as the trainee goes (the Save button, or the page's script on each change), so
    a dropped connection loses nothing; a timed one is started on purpose, shows the time left by the server's
    clock, and is submitted with the saved answers once its time is up (here as the trainee comes back, or by the
    periodic job)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    quiz = selectors.quiz_for(course)
    if quiz is None:
        raise Http404
    if not selectors.is_enrolled(user=request.user, course=course):
        messages.warning(request, _("Enrol in this course to take its quiz."))
        return redirect(course.url)
    if request.method == "GET":
        closed = services.quiz_expired_close(user=request.user, course=course)
        if closed is not None:
            return _time_ran_out(request, course, closed)
    elif request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    action = request.POST.get("action", "submit") if request.method == "POST" else ""
    if action == "start":
        try:
            services.quiz_paper_start(user=request.user, course=course)
        except services.CourseActionError as problem:
            messages.error(request, problem.message)
        return redirect(course.url + course.reverse_subpage("take_quiz"))
    questions = selectors.quiz_presented_questions(quiz=quiz, user=request.user)
    attempts = selectors.quiz_attempts(user=request.user, course=course)
    passed = any(attempt.passed for attempt in attempts)
    left = rules.attempts_left(max_attempts=quiz.max_attempts, used=len(attempts), passed=passed)
    paper = selectors.quiz_paper_state(quiz=quiz, user=request.user)
    error, status = None, 200
    chosen = dict(paper.saved) if paper is not None else {}
    if request.method == "POST":
        answers = _answers_from_post(request.POST, questions)
        if action == "save" and paper is not None:
            response = _quiz_save(request, course=course, questions=questions, answers=answers)
            if not isinstance(response, services.CourseActionError):
                return response
            error, chosen, status = response, answers, 400
        else:
            authored = selectors.quiz_answers_as_authored(quiz=quiz, user=request.user, answers=answers)
            try:
                attempt = services.quiz_attempt_submit(user=request.user, course=course, answers=authored)
            except services.CourseActionError as problem:
                error, chosen, status = problem, answers, 400
            else:
                if attempt.passed:
                    messages.success(request, _("You passed the quiz with %(score)d%%.") % {"score": attempt.score})
                return redirect(_quiz_result_url(course, attempt))
    return render(
        request,
        "courses/quiz.html",
        {
            "page": course,
            "course": course,
            "quiz": quiz,
            "questions": questions,
            "attempts": attempts,
            "attempts_left": left,
            "quiz_passed": passed,
            "paper": paper,
            "error": error,
            "chosen": chosen,
        },
        status=status,
    )


def quiz_result(request, *, course: CoursePage, attempt_id: int):
    """One attempt's score and which questions were wrong, for the trainee who made it only (anyone else's attempt
    is a 404). A drawn paper's review shows each question as shown, the trainee's answer, the correct answer, the
    explanation, the articles cited and the lesson that covers it: the attempt is submitted, and the next attempt
    draws a new paper, avoiding these questions where the pool allows."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attempt = QuizAttempt.objects.filter(pk=attempt_id, user=request.user, course=course).first()
    if attempt is None:
        raise Http404
    quiz = selectors.quiz_for(course)
    drawn = selectors.quiz_attempt_paper(attempt)
    questions = drawn if drawn is not None else selectors.quiz_public_questions(quiz) if quiz else []
    attempts = selectors.quiz_attempts(user=request.user, course=course)
    passed = any(item.passed for item in attempts)
    left = rules.attempts_left(max_attempts=quiz.max_attempts, used=len(attempts), passed=passed) if quiz else 0
    # A fixed quiz shows the same questions again, and its explanations can give an answer away, so they appear
    # only once no attempt is left to use them on.
    explanations = {}
    if left == 0 and drawn is None and quiz:
        explanations = selectors.quiz_explanations(quiz)
    wrong = set(attempt.wrong_questions)
    rows = (
        drawn
        if drawn is not None
        else [
            {
                "number": question["number"],
                "text": question["text"],
                "right": question["id"] not in wrong,
                "explanation": explanations.get(question["id"], "") if question["id"] in wrong else "",
            }
            for question in questions
        ]
    )
    return render(
        request,
        "courses/quiz_result.html",
        {
            "page": course,
            "course": course,
            "quiz": quiz,
            "attempt": attempt,
            "rows": rows,
            "review": drawn is not None,
            "attempts_left": left,
            "completion": selectors.completion_for(user=request.user, course=course),
        },
    )


# My learning -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_learning(request):
    """我的学习: the viewer's own courses in progress, where to continue, and completed courses."""
    in_progress, completed = selectors.my_learning(request.user)
    return render(request, "courses/my_learning.html", {"in_progress": in_progress, "completed": completed})


@require_GET
def catalogue_redirect(request):
    """A stable address for the catalogue, wherever editors put the CourseIndexPage in the page tree."""
    index_page = selectors.catalogue_page()
    if index_page is None:
        raise Http404
    return redirect(index_page.url)


# Offline training: 我的培训, session pages, registration, calendar, check-in ----------------------------------


def _session_or_404(session_id: int) -> TrainingSession:
    session = selectors.session_for_trainee(session_id)
    if session is None:
        raise Http404
    return session


@login_required
@require_GET
def my_training(request):
    """我的培训: the viewer's own upcoming sessions (with calendar files), sessions open for registration, and
    their attendance history."""
    return render(request, "courses/my_training.html", {"training": selectors.my_training(request.user)})


@require_GET
def session_detail(request, session_id: int):
    """A session's public facts; for the logged-in viewer, their own registration, check-in and attendance."""
    session = _session_or_404(session_id)
    now = timezone.now()
    registration = selectors.registration_for(user=request.user, session=session)
    attendance = selectors.attendance_for(user=request.user, session=session)
    return render(
        request,
        "courses/session_detail.html",
        {
            "session": session,
            "seats": selectors.session_seats(session),
            "registration": registration,
            "attendance": attendance,
            "registration_problem": rules.registration_problem(
                now=now, opens=session.registration_opens, closes=session.registration_closes, status=session.status
            ),
            "check_in_open": rules.check_in_problem(now=now, start=session.start, end=session.end) is None,
        },
    )


@login_required
@require_POST
def session_register_view(request, session_id: int):
    session = _session_or_404(session_id)
    try:
        registration = services.session_register(user=request.user, session=session)
    except services.CourseActionError as error:
        messages.error(request, error.message)
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You have a place at 《%(title)s》.") % {"title": session.title})
        else:
            messages.warning(
                request,
                _(
                    "The session is full. You are number %(position)d on the waiting list; we will text you if a place frees up."
                )
                % {"position": registration.position},
            )
    return redirect("courses_session", session_id=session.pk)


@login_required
@require_POST
def session_cancel_view(request, session_id: int):
    session = _session_or_404(session_id)
    try:
        services.session_registration_cancel(user=request.user, session=session)
    except services.CourseActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration for 《%(title)s》 is cancelled.") % {"title": session.title})
    return redirect("courses_session", session_id=session.pk)


@login_required
@require_GET
def session_calendar(request, session_id: int):
    """An .ics file for a session the viewer is registered for (or waiting for)."""
    session = _session_or_404(session_id)
    registration = selectors.registration_for(user=request.user, session=session)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise Http404
    url = absolute_url(reverse("courses_session", kwargs={"session_id": session.pk}), request)
    response = HttpResponse(
        documents.session_calendar(session=session, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@login_required
def session_check_in_view(request, session_id: int):
    """Scanning the projector's QR code opens this page with ``?t=<token>`` and checks the trainee in at once; the
    six-digit code is posted from the form here. A refusal says why and records nothing.

    Checking in on GET is deliberate: the token itself is the proof of being in the room, changes every 30 seconds
    and only ever marks the logged-in viewer present, so there is nothing for a cross-site request to gain."""
    session = _session_or_404(session_id)
    token = request.GET.get("t", "")
    code = request.POST.get("code", "") if request.method == "POST" else ""
    attendance = selectors.attendance_for(user=request.user, session=session)
    error = None
    status = 200
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if attendance is None and (token or request.method == "POST"):
        try:
            attendance = services.session_check_in(user=request.user, session=session, token=token, code=code)
        except services.CourseActionError as refusal:
            error = refusal.message
            status = 429 if refusal.code == "rate_limited" else 200
        else:
            return redirect(f"{reverse('courses_session_check_in', kwargs={'session_id': session.pk})}?done=1")
    return render(
        request,
        "courses/session_check_in.html",
        {
            "session": session,
            "attendance": attendance,
            "error": error,
            "just_checked_in": request.GET.get("done") == "1",
        },
        status=status,
    )
