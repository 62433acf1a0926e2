"""Demo data for courses: the five competencies, lecturers, 60 courses with lessons and quizzes, the catalogue,
the course moderation workflow, offline sessions, and the six demo trainees part-way through or finished.

The content is in ``courses/demo_content/`` (competencies.yaml, lecturers.yaml, one courses-<code>.yaml per
competency, sessions.yaml); this module reads it and creates the rows.

Idempotent: everything is looked up by its natural key (competency code, lecturer name, course code, lesson
slug) and created only when missing. Finished courses go through the completion service so that
``course_completed`` fires exactly as in real use.
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask
from wagtail.rich_text import RichText

from academy.demo_files import demo_content
from academy.models import User, Venue
from academy.roles import EDITORS, REGISTRARS

from . import rules, selectors, services
from .choices import SessionStatus
from .models import Competency, CourseIndexPage, CoursePage, Lecturer, LessonPage, LessonProgress, Quiz, TrainingSession

COURSE_REVIEWERS = "课程审核员"
WORKFLOW_NAME = "课程审核"
TASK_NAME = "学院审核"


def demo_competencies() -> list[dict]:
    """The five competencies, in catalogue order: code, name, colour, order, description."""
    return demo_content(__file__, "competencies")


def demo_lecturers() -> list[dict]:
    """The demo lecturers: key (what courses name them by), name, title, organisation, bio."""
    return demo_content(__file__, "lecturers")


def demo_courses(competency_codes: list[str] | None = None) -> list[dict]:
    """The demo courses with their lessons and quizzes, competency by competency in catalogue order (the order
    decides how the quiz options are rotated, so it must not change)."""
    codes = competency_codes or [item["code"] for item in demo_competencies()]
    return [course for code in codes for course in demo_content(__file__, f"courses-{code.lower()}")]


def _cover(competency: Competency) -> Image:
    """A plain cover in the competency's colour, drawn with Pillow (the machines have no internet)."""
    title = f"课程封面 {competency.code}"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PillowImage.new("RGB", (1200, 560), competency.colour)
    draw = ImageDraw.Draw(picture)
    for offset in range(0, 1200, 80):
        draw.line([(offset, 560), (offset + 280, 0)], fill=(255, 255, 255), width=2)
    draw.rectangle([(60, 380), (420, 500)], fill=(255, 255, 255))
    draw.text((90, 410), competency.code, fill=competency.colour, font_size=72)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"cover-{competency.code.lower()}.png"))


def _site_home() -> Page:
    """The page the catalogue sits under: the default site's root page (seed_demo seeds the home page first)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else Page.get_first_root_node()


def seed_catalogue() -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = _site_home().add_child(
            instance=CourseIndexPage(
                title="课程中心",
                slug="courses",
                intro="<p>五大能力模块、60门课程，手机随时学。完成课程即可获得学分。</p>",
            )
        )
    return index


def _lesson_body(lesson: dict) -> list:
    body = [("paragraph", RichText("".join(f"<p>{escape(text)}</p>" for text in lesson["paragraphs"])))]
    if lesson.get("case_study"):
        case = lesson["case_study"]
        body.append(("case_study", {"title": case["title"], "text": RichText(f"<p>{escape(case['text'])}</p>")}))
    if lesson.get("callout"):
        body.append(("callout", {"kind": "tip", "text": RichText(f"<p>{escape(lesson['callout'])}</p>")}))
    return body


def _option_rotations(courses: list[dict]) -> dict[tuple[str, int], int]:
    """(course code, question number) → how far to rotate that question's options.

    The demo data is written the way authors write, with the correct option(s) first; a trainee who always picked
    the first option passed 36 of 40 quizzes. Rotating each choice question by one more place than the last one
    of its kind and size, in the order of the data, spreads the correct options evenly over the positions, and
    the same way on every run (so seed_demo stays idempotent). True-or-false questions keep 正确 before 错误:
    their answers are already mixed (40 true, 52 false)."""
    turns: dict[tuple[str, int], int] = {}
    rotations = {}
    for course in courses:
        for number, question in enumerate((course["quiz"] or {}).get("questions", ()), start=1):
            if question["kind"] == "truefalse":
                continue
            size = len(question["options"])
            turn = turns.get((question["kind"], size), 0)
            turns[(question["kind"], size)] = turn + 1
            rotations[(course["code"], number)] = turn % size
    return rotations


def _quiz_questions(code: str, quiz: dict, rotations: dict[tuple[str, int], int]) -> list[dict]:
    key = code.lower()
    questions = []
    for number, question in enumerate(quiz["questions"], start=1):
        shift = rotations.get((code, number), 0)
        options = question["options"][shift:] + question["options"][:shift]
        questions.append(
            {
                "type": "question",
                "id": f"{key}-q{number}",
                "value": {
                    "kind": question["kind"],
                    "text": question["text"],
                    "explanation": question.get("explanation", ""),
                    "options": [
                        {"type": "item", "id": f"{key}-q{number}-o{index}", "value": {"text": text, "correct": correct}}
                        for index, (text, correct) in enumerate(options, start=1)
                    ],
                },
            }
        )
    return questions


def seed_courses(index: CourseIndexPage) -> dict[str, CoursePage]:
    competency_items = demo_competencies()
    course_items = demo_courses([item["code"] for item in competency_items])
    rotations = _option_rotations(course_items)
    competencies = {}
    for item in competency_items:
        competency, _created = Competency.objects.get_or_create(
            code=item["code"],
            defaults={k: item[k] for k in ("name", "colour", "order", "description")},
        )
        competencies[item["code"]] = competency
    covers = {code: _cover(competency) for code, competency in competencies.items()}
    lecturers = {}
    for item in demo_lecturers():
        lecturers[item["key"]], _created = Lecturer.objects.get_or_create(
            name=item["name"], defaults={k: item[k] for k in ("title", "organisation", "bio")}
        )

    courses = {course.code: course for course in CoursePage.objects.all()}
    for item in course_items:
        course = courses.get(item["code"])
        if course is None:
            course = index.add_child(
                instance=CoursePage(
                    title=item["title"],
                    slug=item["code"].lower(),
                    code=item["code"],
                    competency=competencies[item["competency"]],
                    audiences=item["audiences"],
                    delivery_mode=item["delivery_mode"],
                    credits=Decimal(item["credits"]),
                    hours=Decimal(item["hours"]),
                    summary=item["summary"],
                    objectives="\n".join(item["objectives"]),
                    cover_image=covers[item["competency"]],
                )
            )
            course.lecturers.set([lecturers[key] for key in item["lecturers"]])
            course.save_revision().publish()
            courses[item["code"]] = course
        existing_slugs = set(LessonPage.objects.child_of(course).values_list("slug", flat=True))
        for number, lesson in enumerate(item["lessons"], start=1):
            slug = f"lesson-{number}"
            if slug not in existing_slugs:
                course.add_child(
                    instance=LessonPage(
                        title=lesson["title"],
                        slug=slug,
                        estimated_minutes=lesson["minutes"],
                        free_preview=bool(lesson.get("free_preview")) and number == 1,
                        body=_lesson_body(lesson),
                    )
                )
        if item["quiz"] and not Quiz.objects.filter(course=course).exists():
            Quiz.objects.create(
                course=course,
                pass_mark=item["quiz"]["pass_mark"],
                max_attempts=item["quiz"]["max_attempts"],
                shuffle=item["quiz"]["shuffle"],
                questions=_quiz_questions(item["code"], item["quiz"], rotations),
            )
    for item in course_items:
        if item["prerequisites"]:
            course = courses[item["code"]]
            if not course.prerequisites.exists():
                course.prerequisites.set([courses[code] for code in item["prerequisites"]])
                course.save_revision().publish()
    return courses


def seed_workflow(index: CourseIndexPage) -> None:
    """Course pages go through 课程审核: an editor submits, a course reviewer (学院审核) approves."""
    reviewers, _created = Group.objects.get_or_create(name=COURSE_REVIEWERS)
    reviewers.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=reviewers, page=index, permission=Permission.objects.get(codename=codename)
        )
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=editors, page=index, permission=Permission.objects.get(codename=codename)
            )
    registrar = User.objects.filter(username="registrar").first()
    if registrar is not None:
        registrar.groups.add(reviewers)
    registrars = Group.objects.filter(name=REGISTRARS).first()
    if registrars is not None:
        registrars.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="courses", codename__in=["view_enrolment", "view_coursecompletion"]
            )
        )

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})


# (phone, courses finished, {course: lessons done} part-way)
LEARNERS = [
    ("+8613900000001", ["DJ-01", "ZZ-01", "FG-01"], {"DJ-02": 1, "MD-01": 1}),
    ("+8613900000002", ["DJ-01"], {"FW-01": 1, "ZZ-01": 0}),
    ("+8613900000003", ["FG-01", "FG-02"], {"FG-03": 1}),
    ("+8613900000004", [], {"MD-01": 1, "DJ-01": 2}),
    ("+8613900000005", ["FW-01"], {"FG-01": 1}),
    ("+8613900000006", [], {"FW-01": 1, "MD-01": 0}),
]


def read_lesson(user: User, lesson: LessonPage) -> None:
    """Spend the lesson's minimum time on it through the heartbeat service, on a clock set back in time (the
    demo trainees read earlier), then mark it done: the demo earns credit the same way trainees do."""
    if LessonProgress.objects.filter(user=user, lesson=lesson).exists():
        return
    required = lesson.required_seconds
    if required:
        interval = rules.HEARTBEAT_SECONDS
        start = timezone.now() - timedelta(seconds=required + 10 * interval)
        token = services.lesson_visit_token_issue(user=user, lesson=lesson, now=start)
        for beat in range(required // interval + 2):
            services.lesson_heartbeat_record(
                user=user, lesson=lesson, token=token, now=start + timedelta(seconds=beat * interval)
            )
    services.lesson_mark_done(user=user, lesson=lesson)


FEEDBACK = [(5, 4, 5, "案例贴近小区实际，很实用。"), (4, 5, 4, "讲师讲得清楚，希望多些问答。"), (4, 4, 5, "")]


def _finish(user: User, course: CoursePage) -> None:
    services.enrolment_create(user=user, course=course)
    for lesson in course.get_lessons():
        read_lesson(user, lesson)
    quiz = selectors.quiz_for(course)
    if quiz is not None and not any(a.passed for a in selectors.quiz_attempts(user=user, course=course)):
        answers = {spec.id: sorted(spec.correct_option_ids) for spec in selectors.quiz_question_specs(quiz)}
        services.quiz_attempt_submit(user=user, course=course, answers=answers)
    if selectors.completion_for(user=user, course=course) and selectors.feedback_for(user=user, course=course) is None:
        content, lecturer, usefulness, comment = FEEDBACK[(user.pk + course.pk) % len(FEEDBACK)]
        services.course_feedback_save(
            user=user,
            course=course,
            content_rating=content,
            lecturer_rating=lecturer,
            usefulness_rating=usefulness,
            comment=comment,
        )


def seed_learners(courses: dict[str, CoursePage]) -> None:
    for phone, finished, partway in LEARNERS:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            continue
        for code in finished:
            _finish(user, courses[code])
        for code, lessons_done in partway.items():
            course = courses[code]
            try:
                services.enrolment_create(user=user, course=course)
            except services.CourseActionError:
                continue  # a prerequisite not finished in the demo: leave the course alone
            for lesson in list(course.get_lessons())[:lessons_done]:
                read_lesson(user, lesson)


@transaction.atomic
def seed() -> None:
    """Create the catalogue, its 60 courses, the workflow and the demo trainees' progress."""
    index = seed_catalogue()
    courses = seed_courses(index)
    seed_workflow(index)
    seed_learners(courses)
    seed_sessions()
    selectors.catalogue_generation_bump()


def seed_sessions() -> dict[str, TrainingSession]:
    """Past and coming sessions at the demo venues (sessions.yaml), found again by title on later runs."""
    items = demo_content(__file__, "sessions")
    venues = {venue.name: venue for venue in Venue.objects.all()}
    lecturers = list(Lecturer.objects.order_by("pk"))
    courses = {course.code: course for course in CoursePage.objects.filter(code__in=[row["course"] for row in items])}
    today = timezone.localdate()
    sessions = {}
    for item in items:
        title, code, venue_name = item["title"], item["course"], item["venue"]
        days, hour, hours = item["days_from_today"], item["start_hour"], item["hours"]
        capacity, lecturer_number = item["capacity"], item["lecturer_number"]
        existing = TrainingSession.objects.filter(title=title).first()
        if existing is not None:
            sessions[title] = existing
            continue
        if code not in courses or venue_name not in venues:
            continue
        start = timezone.make_aware(datetime.combine(today + timedelta(days=days), time(hour)))
        end = start + timedelta(hours=hours)
        session = TrainingSession(
            course=courses[code],
            title=title,
            start=start,
            end=end,
            venue=venues[venue_name],
            lecturer=lecturers[lecturer_number % len(lecturers)] if lecturers else None,
            capacity=capacity,
            # The last session opens for registration later, so the demo shows a window not yet open.
            registration_opens=start - timedelta(days=21 if days < 30 else 14),
            registration_closes=start - timedelta(hours=2),
            status=SessionStatus.SCHEDULED,
            notes="请携带身份证，提前15分钟到场，扫描现场大屏二维码签到。",
        )
        session.full_clean()
        session.save()
        sessions[title] = session
    return sessions
