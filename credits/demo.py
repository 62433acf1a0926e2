"""Demo data for credits: the programmes index and three programmes, the three posts, and demo trainees in
every state (not started, part-way, met), reached by completing courses through the courses services so that
credits are awarded the real way (the course_completed signal). Running it again changes nothing."""

import contextlib
import io
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from academy.models import Community, Street, User
from academy.roles import EDITORS, REGISTRARS, STREET_ADMINISTRATORS
from courses import selectors as course_selectors
from courses import services as course_services
from courses.demo import read_lesson
from courses.models import Competency, CourseCompletion, CoursePage, SessionAttendance, TrainingSession

from . import selectors, services
from .certificates import rules as certificate_rules
from .certificates.seal import draw_seal
from .certificates.services import issuing, revocation
from .choices import CertificateStatus, IssueMode
from .models import (
    Appointment,
    Certificate,
    CertificateSettings,
    Cohort,
    Post,
    ProgrammeCompetencyMinimum,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeRequiredCourse,
)
from .posts import services as post_services

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
        "renewal": "4.0",
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
        "renewal": "3.0",
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

SEAL_TITLE = "三方学院公章（演示）"

POSTS = [
    ("小区专员", "community-specialist", "rc", "社区居委会派驻小区、统筹三方协同的专职人员。", "community-specialist"),
    ("业委会委员", "owners-committee-member", "oc", "经业主大会选举产生的业主委员会委员。", "owners-committee-member"),
    (
        "物业项目经理",
        "property-project-manager",
        "pc",
        "物业服务企业派驻小区的项目负责人。",
        "property-project-manager",
    ),
]

# Courses each demo trainee completes here, on top of what courses.demo already had them finish.
# 张晓明, 李秀英, 王建国 and 刘志强 meet their programme; 陈美华 and 赵丽娟 have not started.
# The certificates demo adds: 李秀英 meets the community-specialist programme too (her certificate is then revoked)
# and 刘志强 meets his (his certificate was issued nearly two years ago and expires within 30 days).
SPECIALIST_COURSES = ["DJ-01", "DJ-09", "ZZ-01", "ZZ-03", "FG-01", "FG-05", "MD-01", "MD-11", "FW-01"]
LEARNERS = {
    "+8613900000001": SPECIALIST_COURSES,
    "+8613900000002": SPECIALIST_COURSES,
    "+8613900000003": ["ZZ-01", "ZZ-05", "FG-02", "FG-06", "FG-09", "MD-01"],
    "+8613900000005": ["DJ-01", "FG-01", "FG-05", "MD-01", "MD-03", "FW-01", "FW-05", "FW-06"],
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
                renewal_credits=Decimal(item.get("renewal", "0.0")),
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
    """Registrars manage posts (a snippet); registrars and editors edit the certificate settings (seal and
    signatory); both staff groups reach the other credits screens through group roles."""
    registrars = Group.objects.filter(name=REGISTRARS).first()
    if registrars is not None:
        registrars.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="credits",
                codename__in=["add_post", "change_post", "view_post", "change_certificatesettings"],
            )
        )
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="credits", codename="change_certificatesettings")
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
    post_services.appointment_create(
        actor=registrar,
        trainee=trainee,
        post=posts["community-specialist"],
        street=street,
        community=Community.objects.filter(street=street, name="信义坊社区").first(),
        compound="信义坊小区",
        start_date=date(2026, 3, 1),
        override_reason="已通过线下结业考核，证书系统上线后补发证书；街道急需专员到岗。",
    )


def seed_certificate_settings() -> CertificateSettings:
    """The default site's certificate settings with a signatory and a drawn red seal (found again by title)."""
    site = Site.objects.filter(is_default_site=True).first()
    settings_obj = CertificateSettings.for_site(site)
    if settings_obj.seal_id is None:
        image_model = get_image_model()
        seal = image_model.objects.filter(title=SEAL_TITLE).first()
        if seal is None:
            seal = image_model(title=SEAL_TITLE, description="三方学院教务专用章（演示）")
            seal.file = ImageFile(io.BytesIO(draw_seal(name=settings_obj.academy_name)), name="demo-seal.png")
            seal.save()
        settings_obj.seal = seal
        settings_obj.signatory_name = settings_obj.signatory_name or "王立新"
        settings_obj.signatory_title = settings_obj.signatory_title or "院长"
        settings_obj.save()
    return settings_obj


def seed_expiring_certificate(programmes: dict[str, ProgrammePage]) -> None:
    """刘志强's certificate, issued nearly two years ago: it expires in 20 days, so reminders have work to do."""
    holder = User.objects.filter(phone="+8613900000005").first()
    programme = programmes["property-project-manager"]
    if holder is None or Certificate.objects.filter(holder=holder, programme=programme).exists():
        return
    expires = selectors.today() + timedelta(days=20)
    issued_on = certificate_rules.add_years(expires + timedelta(days=1), -programme.certificate_validity_years)
    # If the courses demo changed and he no longer meets it, there is simply nothing to show.
    with contextlib.suppress(services.CreditActionError):
        issuing.certificate_issue(holder=holder, programme=programme, issued_on=issued_on)


@transaction.atomic
def seed() -> None:
    """Programmes, posts, demo learners' credits, cohorts with their sessions' attendance, one overridden
    appointment and the certificate settings.

    Completing courses enqueues the certificate check on commit, so 张晓明 and 李秀英 are issued their
    certificates automatically when this transaction commits, and 王建国 joins the approval queue."""
    courses = {course.code: course for course in CoursePage.objects.live()}
    if not courses:
        return  # nothing to build programmes on: the courses demo has not run
    seed_certificate_settings()
    programmes = seed_programmes(courses)
    posts = seed_posts(programmes)
    seed_permissions()
    seed_learners(courses)
    seed_cohorts(programmes)
    seed_appointments(posts)
    seed_expiring_certificate(programmes)


# Cohorts and attendance --------------------------------------------------------------------------------------

COHORTS = [
    # name, programme slug, roster phones, session titles
    (
        "2026年第3期小区专员岗前培训班",
        "community-specialist",
        ["+8613900000001", "+8613900000002"],
        ["2026年第3期小区专员班·党建引领情景教学", "法规运用线下研讨（FG-05 第1期）", "矛盾调处情景模拟（第2期）",
         "2026年第3期小区专员班·组织管理工作坊", "党建引领三方协同（混合式）线下课"],
    ),
    (
        "2026年第2期物业项目经理协同治理培训班",
        "property-project-manager",
        ["+8613900000005", "+8613900000006"],
        ["物业服务标准化现场教学", "矛盾调处情景模拟（第2期）", "侨胞之家·基层议事协商观摩"],
    ),
]  # fmt: skip

# Who attended the past sessions: (session title, phone, status, minutes after the start they arrived).
# 赵丽娟 was registered for 物业服务标准化现场教学 and did not come.
ATTENDANCE = [
    ("2026年第3期小区专员班·党建引领情景教学", "+8613900000001", "present", -10),
    ("2026年第3期小区专员班·党建引领情景教学", "+8613900000002", "present", -5),
    ("法规运用线下研讨（FG-05 第1期）", "+8613900000001", "present", 0),
    ("矛盾调处情景模拟（第2期）", "+8613900000001", "late", 25),
    ("矛盾调处情景模拟（第2期）", "+8613900000005", "present", -3),
    ("物业服务标准化现场教学", "+8613900000005", "present", 2),
]

# Trainees who registered themselves for coming sessions; the small session at 侨胞之家 fills and keeps a waiting list.
SELF_REGISTRATIONS = [
    ("侨胞之家·基层议事协商观摩", "+8613900000003"),
    ("侨胞之家·基层议事协商观摩", "+8613900000004"),
    ("2026年第3期小区专员班·组织管理工作坊", "+8613900000004"),
]


def seed_cohorts(programmes: dict[str, ProgrammePage]) -> None:
    """Cohorts with rosters and sessions; registered for their sessions (coming ones through the cohort service,
    past ones by the registrar after the fact), attendance for the past ones marked by the registrar, so credits
    and offline hours arrive through the signals as in real use. Running it again changes nothing."""
    registrar = User.objects.filter(username="registrar").first()
    if registrar is None:
        return
    sessions = {session.title: session for session in TrainingSession.objects.all()}
    people = {user.phone: user for user in User.objects.filter(phone__startswith="+86139000000")}
    now = timezone.now()
    for name, slug, phones, titles in COHORTS:
        if slug not in programmes:
            continue
        cohort, created = Cohort.objects.get_or_create(name=name, defaults={"programme": programmes[slug]})
        if created:
            cohort.roster.set([people[phone] for phone in phones if phone in people])
            cohort.sessions.set([sessions[title] for title in titles if title in sessions])
        for session in cohort.sessions.filter(end__lt=now):
            for trainee in cohort.roster.all():
                course_services.session_registration_add(actor=registrar, user=trainee, session=session)
        services.cohort_register_for_sessions(actor=registrar, cohort=cohort)
    for title, phone in SELF_REGISTRATIONS:
        session, trainee = sessions.get(title), people.get(phone)
        if session is None or trainee is None:
            continue
        try:
            course_services.session_register(user=trainee, session=session)
        except course_services.CourseActionError:
            continue  # e.g. a prerequisite the demo trainee has not finished
    for title, phone, status, minutes in ATTENDANCE:
        session, trainee = sessions.get(title), people.get(phone)
        if session is None or trainee is None or session.end > now:
            continue
        if SessionAttendance.objects.filter(session=session, user=trainee).exists():
            continue
        course_services.attendance_mark(
            actor=registrar,
            session=session,
            user=trainee,
            status=status,
            checked_in_at=session.start + timedelta(minutes=minutes),
        )


def finish() -> None:
    """After the automatic issue: 李秀英's certificate is revoked by the registrar (once)."""
    registrar = User.objects.filter(username="registrar").first()
    holder = User.objects.filter(phone="+8613900000002").first()
    if registrar is None or holder is None:
        return
    certificate = Certificate.objects.filter(holder=holder, status=CertificateStatus.VALID).first()
    already = Certificate.objects.filter(holder=holder, status=CertificateStatus.REVOKED).exists()
    if certificate is not None and not already:
        revocation.certificate_revoke(
            actor=registrar,
            certificate=certificate,
            reason="经核查，线下实训签到记录系他人代签，撤销证书并责令重新参加实训。",
        )
