"""Demo data for written assignments (``demo_content/assignments.yaml``): two assignments, the lecturer's log-in
(linked to the Lecturer who teaches the first course) and work waiting in the review queue. The permissions editors
and registrars need to write assignments. Idempotent: assignments are found by course, submissions by trainee."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_PASSWORD, DemoAccount
from academy.demo_files import demo_content
from academy.models import User
from academy.roles import EDITORS, LECTURERS, REGISTRARS
from courses.models import CoursePage, Enrolment, Lecturer
from courses.services import enrolment_create

from . import services
from .models import Assignment, Submission

ASSIGNMENT_PERMISSIONS = [f"{action}_assignment" for action in ("add", "change", "delete", "view")]


def seed_permissions() -> None:
    """Editors and registrars write assignments (the lecturers' group itself is made by a migration)."""
    permissions = Permission.objects.filter(content_type__app_label="assignments", codename__in=ASSIGNMENT_PERMISSIONS)
    for group in Group.objects.filter(name__in=[EDITORS, REGISTRARS]):
        group.permissions.add(*permissions)


def _rubric(criteria: list[dict]) -> list[tuple]:
    return [
        (
            "criterion",
            {
                "name": criterion["name"],
                "description": criterion.get("description", ""),
                "levels": [
                    {"label": level["label"], "points": level["points"], "description": level.get("description", "")}
                    for level in criterion["levels"]
                ],
            },
        )
        for criterion in criteria
    ]


def seed_assignments(items: list[dict]) -> dict[str, Assignment]:
    found = {}
    for item in items:
        course = CoursePage.objects.filter(code=item["course"]).first()
        if course is None:
            continue
        assignment = Assignment.objects.filter(course=course).first()
        if assignment is None:
            assignment = Assignment(
                course=course,
                title=item["title"],
                brief=item["brief"],
                rubric=_rubric(item["rubric"]),
                file_kinds=item["file_kinds"],
                max_files=item["max_files"],
                max_file_mb=item["max_file_mb"],
                due_days=item["due_days"],
                required_for_completion=item["required_for_completion"],
            )
            assignment.full_clean()
            assignment.save()
        found[item["course"]] = assignment
    return found


def seed_lecturer(spec: dict) -> DemoAccount:
    group, _created = Group.objects.get_or_create(name=LECTURERS)
    user, created = User.objects.get_or_create(
        username=spec["username"], defaults={"email": spec["email"], "real_name": spec["real_name"]}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(group)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    Lecturer.objects.filter(name=spec["lecturer"], user__isnull=True).update(user=user)
    return DemoAccount("lecturer (讲师)", spec["email"], DEMO_PASSWORD, spec["real_name"])


def seed_submissions(items: list[dict], assignments: dict[str, Assignment]) -> None:
    now = timezone.now()
    for item in items:
        user = User.objects.filter(phone=item["trainee"]).first()
        assignment = assignments.get(item["course"])
        if user is None or assignment is None or Submission.objects.filter(user=user, assignment=assignment).exists():
            continue
        enrolment_create(user=user, course=assignment.course)  # the enrolment there is, or a new one
        handed_in = now - timedelta(hours=item["hours_ago"])
        # The demo trainee enrolled a few days before handing in (enrolment writes the time it happens).
        Enrolment.objects.filter(user=user, course=assignment.course, enrolled_at__gt=handed_in).update(
            enrolled_at=handed_in - timedelta(days=3)
        )
        services.submission_submit(user=user, assignment=assignment, text=item["text"], now=handed_in)
        Submission.objects.filter(user=user, assignment=assignment).update(first_submitted_at=handed_in)


@transaction.atomic
def seed() -> list[DemoAccount]:
    data = demo_content(__file__, "assignments")
    seed_permissions()
    assignments = seed_assignments(data["assignments"])
    account = seed_lecturer(data["lecturer"])
    seed_submissions(data["submissions"], assignments)
    return [account]
