"""Demo data for credits: the programmes index and three programmes, the three posts, and demo trainees in
every state (not started, part-way, met), reached by completing courses through the courses services so that
credits are awarded the real way (the course_completed signal). Running it again changes nothing."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Page, Site

from academy.models import Community, Street, User
from academy.roles import REGISTRARS, STREET_ADMINISTRATORS
from courses import selectors as course_selectors
from courses import services as course_services
from courses.demo import read_lesson
from courses.models import Competency, CourseCompletion, CoursePage

from . import services
from .choices import IssueMode
from .models import (
    Appointment,
    Post,
    ProgrammeCompetencyMinimum,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeRequiredCourse,
)

PROGRAMMES = [
    {
        "slug": "community-specialist",
        "title": "小区专员岗前培训",
        "party": "rc",
        "description": "<p>面向社区居委会派驻小区的专员。围绕党建引领、组织管理、法规运用、矛盾调处和服务提升五大能力，"
        "完成规定学分和必修课程并参加线下实训后结业，结业证书是担任小区专员的上岗前置条件。</p>",
        "total": "12.0",
        "window": 24,
        "offline_hours": "4.0",
        "validity": 3,
        "issue": IssueMode.AUTOMATIC,
        "minimums": {"DJ": "2.0", "ZZ": "2.0", "FG": "2.5", "MD": "2.0", "FW": "1.5"},
        "required": ["DJ-01", "FG-01", "MD-01"],
    },
    {
        "slug": "owners-committee-member",
        "title": "业委会委员履职培训",
        "party": "oc",
        "description": "<p>面向业主委员会委员及候选人。重点掌握业主大会组织、议事规则、物权法规和维修资金使用，"
        "经教务员审核后颁发履职培训证书。</p>",
        "total": "9.0",
        "window": 24,
        "offline_hours": "0.0",
        "validity": 3,
        "issue": IssueMode.APPROVAL,
        "minimums": {"ZZ": "3.0", "FG": "3.0", "MD": "1.5"},
        "required": ["ZZ-01", "FG-02"],
    },
    {
        "slug": "property-project-manager",
        "title": "物业项目经理协同治理培训",
        "party": "pc",
        "description": "<p>面向物业服务企业的项目经理。理解党建引领下的三方协同，掌握物业法规、纠纷调处和服务标准化，"
        "参加线下实训后结业。</p>",
        "total": "10.0",
        "window": 24,
        "offline_hours": "4.0",
        "validity": 2,
        "issue": IssueMode.AUTOMATIC,
        "minimums": {"DJ": "1.0", "FG": "2.0", "MD": "2.0", "FW": "3.0"},
        "required": ["FW-01", "MD-01"],
    },
]

POSTS = [
    ("小区专员", "community-specialist", "rc", "社区居委会派驻小区、统筹三方协同的专职人员。", "community-specialist"),
    ("业委会委员", "owners-committee-member", "oc", "经业主大会选举产生的业主委员会委员。", "owners-committee-member"),
    ("物业项目经理", "property-project-manager", "pc", "物业服务企业派驻小区的项目负责人。", "property-project-manager"),
]

# Courses each demo trainee completes here, on top of what courses.demo already had them finish.
# 张晓明 and 王建国 meet their programme; 李秀英 and 刘志强 are part-way; 陈美华 and 赵丽娟 have not started.
LEARNERS = {
    "+8613900000001": ["DJ-01", "DJ-09", "ZZ-01", "ZZ-03", "FG-01", "FG-05", "MD-01", "MD-11", "FW-01"],
    "+8613900000002": ["DJ-01", "FG-01"],
    "+8613900000003": ["ZZ-01", "ZZ-05", "FG-02", "FG-06", "FG-09", "MD-01"],
    "+8613900000005": ["FW-01", "MD-01"],
}


def _site_home() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else Page.get_first_root_node()


def seed_programmes(courses: dict[str, CoursePage]) -> dict[str, ProgrammePage]:
    index = ProgrammeIndexPage.objects.first()
    if index is None:
        index = _site_home().add_child(
            instance=ProgrammeIndexPage(
                title="培训项目",
                slug="programmes",
                intro="<p>学分制、结业制：完成培训项目的结业标准，取得证书，是三方人员上岗的前置条件。</p>",
            )
        )
    competencies = {competency.code: competency for competency in Competency.objects.all()}
    programmes = {}
    for item in PROGRAMMES:
        programme = ProgrammePage.objects.filter(slug=item["slug"]).first()
        if programme is None:
            programme = ProgrammePage(
                title=item["title"],
                slug=item["slug"],
                party=item["party"],
                description=item["description"],
                total_credits=Decimal(item["total"]),
                window_months=item["window"],
                min_offline_hours=Decimal(item["offline_hours"]),
                certificate_validity_years=item["validity"],
                issue_mode=item["issue"],
            )
            programme.competency_minimums = [
                ProgrammeCompetencyMinimum(competency=competencies[code], credits=Decimal(credits))
                for code, credits in item["minimums"].items()
                if code in competencies
            ]
            programme.required_courses = [
                ProgrammeRequiredCourse(course=courses[code]) for code in item["required"] if code in courses
            ]
            index.add_child(instance=programme)
            programme.save_revision().publish()
        programmes[item["slug"]] = programme
    return programmes


def seed_posts(programmes: dict[str, ProgrammePage]) -> dict[str, Post]:
    posts = {}
    for name, slug, party, description, programme_slug in POSTS:
        post, _created = Post.objects.get_or_create(
            slug=slug, defaults={"name": name, "party": party, "description": description}
        )
        post.programmes.add(programmes[programme_slug])
        posts[slug] = post
    return posts


def seed_permissions() -> None:
    """Registrars manage posts (a snippet); both staff groups reach the credits screens through group roles."""
    registrars = Group.objects.filter(name=REGISTRARS).first()
    if registrars is not None:
        registrars.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="credits", codename__in=["add_post", "change_post", "view_post"]
            )
        )
    street_admins = Group.objects.filter(name=STREET_ADMINISTRATORS).first()
    if street_admins is not None:
        street_admins.permissions.add(
            *Permission.objects.filter(content_type__app_label="credits", codename__in=["view_post"])
        )


def _finish(user: User, course: CoursePage) -> None:
    """Complete a course as a trainee would: enrol, do every lesson, pass the quiz."""
    if CourseCompletion.objects.filter(user=user, course=course).exists():
        return
    course_services.enrolment_create(user=user, course=course)
    for lesson in course.get_lessons():
        read_lesson(user, lesson)  # spends the lesson's minimum time through heartbeats, then marks it done
    quiz = course_selectors.quiz_for(course)
    if quiz is not None and not any(a.passed for a in course_selectors.quiz_attempts(user=user, course=course)):
        answers = {spec.id: sorted(spec.correct_option_ids) for spec in course_selectors.quiz_question_specs(quiz)}
        course_services.quiz_attempt_submit(user=user, course=course, answers=answers)


def seed_learners(courses: dict[str, CoursePage]) -> None:
    for phone, codes in LEARNERS.items():
        user = User.objects.filter(phone=phone).first()
        if user is None:
            continue
        for code in codes:
            if code in courses:
                _finish(user, courses[code])


def seed_appointments(posts: dict[str, Post]) -> None:
    """张晓明 has met the programme but certificates are not issued yet, so the registrar appointed him with a
    written override: the demo shows the post-holder list marking him as not (yet) qualified."""
    registrar = User.objects.filter(username="registrar").first()
    trainee = User.objects.filter(phone="+8613900000001").first()
    if registrar is None or trainee is None or Appointment.objects.filter(trainee=trainee).exists():
        return
    street = Street.objects.get(name="湖墅街道")
    services.appointment_create(
        actor=registrar,
        trainee=trainee,
        post=posts["community-specialist"],
        street=street,
        community=Community.objects.filter(street=street, name="信义坊社区").first(),
        compound="信义坊小区",
        start_date=date(2026, 3, 1),
        override_reason="已通过线下结业考核，证书系统上线后补发证书；街道急需专员到岗。",
    )


@transaction.atomic
def seed() -> None:
    """Programmes, posts, demo learners' credits and one overridden appointment."""
    courses = {course.code: course for course in CoursePage.objects.live()}
    if not courses:
        return  # nothing to build programmes on: the courses demo has not run
    programmes = seed_programmes(courses)
    posts = seed_posts(programmes)
    seed_permissions()
    seed_learners(courses)
    seed_appointments(posts)
