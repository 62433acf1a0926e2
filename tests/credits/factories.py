"""Builders for credits: programmes under an index, posts, certificates."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Site

from credits.models import (
    Certificate,
    Post,
    ProgrammeCompetencyMinimum,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeRequiredCourse,
)


def make_programme_index() -> ProgrammeIndexPage:
    existing = ProgrammeIndexPage.objects.first()
    if existing is not None:
        return existing
    root = Site.objects.get(is_default_site=True).root_page
    return root.add_child(instance=ProgrammeIndexPage(title="培训项目", slug="programmes"))


def make_programme(
    *,
    title: str = "小区专员岗前培训",
    slug: str = "community-specialist",
    party: str = "rc",
    total: str = "3.0",
    minimums: dict | None = None,
    required=(),
    offline_hours: str = "0.0",
    window_months: int = 24,
) -> ProgrammePage:
    """A live programme; ``minimums`` maps Competency → credits, ``required`` lists CoursePages."""
    programme = ProgrammePage(
        title=title,
        slug=slug,
        party=party,
        total_credits=Decimal(total),
        min_offline_hours=Decimal(offline_hours),
        window_months=window_months,
    )
    programme.competency_minimums = [
        ProgrammeCompetencyMinimum(competency=competency, credits=Decimal(credits))
        for competency, credits in (minimums or {}).items()
    ]
    programme.required_courses = [ProgrammeRequiredCourse(course=course) for course in required]
    make_programme_index().add_child(instance=programme)
    return ProgrammePage.objects.get(pk=programme.pk)


def make_post(*programmes, name: str = "小区专员", slug: str = "community-specialist", party: str = "rc") -> Post:
    post = Post.objects.create(name=name, slug=slug, party=party)
    post.programmes.set(programmes)
    return post


def make_certificate(holder, programme, *, number: str = "拱三方证〔2026〕第000001号", days_valid: int = 365, **kwargs):
    today = timezone.localdate()
    issued_on = kwargs.pop("issued_on", today - timedelta(days=10))
    return Certificate.objects.create(
        holder=holder,
        programme=programme,
        number=number,
        issued_on=issued_on,
        valid_until=kwargs.pop("valid_until", today + timedelta(days=days_valid)),
        **kwargs,
    )


def give_credits(trainee, competency, amount: str = "3.0", *, earned_on=None):
    """Put credits on a trainee's ledger as an import (no course needed)."""
    from credits.choices import CreditKind
    from credits.models import CreditEntry

    return CreditEntry.objects.create(
        trainee=trainee,
        competency=competency,
        amount=Decimal(amount),
        kind=CreditKind.IMPORT,
        earned_on=earned_on or timezone.localdate(),
        note="导入",
    )


def make_two_streets_world():
    """Two streets (A and B) with staff of every kind and, in street B, a trainee with one of every record:
    enrolment, completion, ledger row, certificate, appointment, session registration and attendance, cohort place,
    pending certificate request, course feedback; plus a past training session, a bulk issue run and an API client.
    Used by the admin matrix, the URL matrix and the report tests."""
    from courses.models import CourseCompletion, CourseFeedback, Enrolment, SessionAttendance, SessionRegistration
    from credits.models import ApiClient, Appointment, BulkIssueRun, CertificateRequest, Cohort, CreditEntry
    from tests.courses.factories import CompetencyFactory, LecturerFactory, make_course, make_session
    from tests.factories import (
        CommunityFactory,
        StreetFactory,
        UserFactory,
        make_editor,
        make_registrar,
        make_street_administrator,
    )

    street_a, street_b = StreetFactory(name="湖墅街道"), StreetFactory(name="米市巷街道")
    community_b = CommunityFactory(street=street_b, name="星都社区")
    registrar = make_registrar()
    competency = CompetencyFactory(code="FG", name="法规运用")
    course = make_course(code="FG-01", title="物业法规运用入门", competency=competency)
    programme = make_programme(total="1.0", minimums={competency: "1.0"})
    post = make_post(programme)
    trainee_b = UserFactory(real_name="米市巷学员", street=street_b, community=community_b)
    trainee_a = UserFactory(real_name="湖墅学员", street=street_a)
    enrolment = Enrolment.objects.create(user=trainee_b, course=course)
    completion = CourseCompletion.objects.create(user=trainee_b, course=course)
    entry = CreditEntry.objects.create(
        trainee=trainee_b, competency=competency, amount="1.0", kind="course", course=course,
        source_key=f"course:{course.pk}:user:{trainee_b.pk}", earned_on=timezone.localdate(),
    )  # fmt: skip
    certificate = make_certificate(trainee_b, programme)
    appointment = Appointment.objects.create(
        trainee=trainee_b, post=post, street=street_b, community=community_b, start_date=timezone.localdate(),
        certificate=certificate, created_by=registrar,
    )  # fmt: skip
    api_client = ApiClient.objects.create(name="街道平台", token_prefix="abcd1234", token_hash="0" * 64)
    lecturer = LecturerFactory()
    offline_course = make_course(
        code="MD-07", title="矛盾调处情景模拟", lessons=0, quiz=False, delivery_mode="offline", competency=competency
    )
    session = make_session(
        offline_course, starts_in=timedelta(days=-2), registration_open=False, lecturer=lecturer, capacity=20
    )
    registration = SessionRegistration.objects.create(session=session, user=trainee_b, status="registered")
    attendance = SessionAttendance.objects.create(
        session=session, user=trainee_b, status="present", checked_in_at=session.start, method="manual",
        recorded_by=registrar,
    )  # fmt: skip
    cohort = Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=programme)
    cohort.roster.set([trainee_b])
    cohort.sessions.set([session])
    certificate_request = CertificateRequest.objects.create(holder=trainee_b, programme=programme)
    bulk_issue = BulkIssueRun.objects.create(programme=programme, requested_by=registrar)
    feedback = CourseFeedback.objects.create(
        user=trainee_b, course=course, content_rating=4, lecturer_rating=5, usefulness_rating=4, comment="很实用"
    )
    return {
        "street_a": street_a,
        "street_b": street_b,
        "community_b": community_b,
        "registrar": registrar,
        "street_admin_a": make_street_administrator(street_a),
        "editor": make_editor(),
        "trainee_b": trainee_b,
        "trainee_a": trainee_a,
        "competency": competency,
        "lecturer": lecturer,
        "course": course,
        "programme": programme,
        "post": post,
        "enrolment": enrolment,
        "completion": completion,
        "entry": entry,
        "certificate": certificate,
        "appointment": appointment,
        "api_client": api_client,
        "offline_course": offline_course,
        "session": session,
        "registration": registration,
        "attendance": attendance,
        "cohort": cohort,
        "certificate_request": certificate_request,
        "bulk_issue": bulk_issue,
        "feedback": feedback,
    }
