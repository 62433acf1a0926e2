"""Admin: competency and lecturer snippets for editors; learner records only for registrars and a street's
administrator (their street only); the demo seed builds the catalogue, workflow and progress idempotently."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Competency, CourseCompletion, CoursePage, Enrolment, LessonPage
from tests.factories import StreetFactory, UserFactory, make_editor, make_registrar, make_street_administrator

from .factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolments():
    course = make_course(code="FG-01")
    hushu = StreetFactory(name="湖墅街道")
    mishixiang = StreetFactory(name="米市巷街道")
    near = UserFactory(street=hushu, real_name="湖墅学员")
    far = UserFactory(street=mishixiang, real_name="米市巷学员")
    for user in (near, far):
        services.enrolment_create(user=user, course=course)
    return hushu, near, far


def test_registrar_sees_every_enrolment(client, staff_groups, enrolments):
    client.force_login(make_registrar())
    html = client.get(reverse("courses_enrolments:index")).content.decode()
    assert "湖墅学员" in html and "米市巷学员" in html


def test_street_administrator_sees_only_their_street(client, staff_groups, enrolments):
    hushu, near, far = enrolments
    client.force_login(make_street_administrator(hushu))
    html = client.get(reverse("courses_enrolments:index")).content.decode()
    assert "湖墅学员" in html and "米市巷学员" not in html
    other = Enrolment.objects.get(user=far)
    assert client.get(reverse("courses_enrolments:inspect", args=[other.pk])).status_code in (403, 404)


def test_editor_cannot_see_learner_records(client, staff_groups, enrolments):
    client.force_login(make_editor())
    assert client.get(reverse("courses_enrolments:index")).status_code in (302, 403)
    assert client.get(reverse("courses_completions:index")).status_code in (302, 403)


def test_nobody_can_add_enrolments_in_the_admin(client, staff_groups, enrolments):
    client.force_login(make_registrar())
    assert client.get(reverse("courses_enrolments:add")).status_code in (302, 403)


def test_superuser_edits_competencies_as_snippets(admin_client):
    competency = Competency.objects.create(name="党建引领", code="DJ", colour="#b91c1c")
    url = reverse("wagtailsnippets_courses_competency:edit", args=[competency.pk])
    response = admin_client.post(
        url, {"name": "党建引领（新）", "code": "DJ", "colour": "#123456", "order": 1, "description": ""}
    )
    assert response.status_code == 302
    competency.refresh_from_db()
    assert competency.name == "党建引领（新）"
    bad = admin_client.post(url, {"name": "x", "code": "dj", "colour": "red", "order": 1, "description": ""})
    assert bad.status_code == 200 and Competency.objects.get().code == "DJ"


def test_course_editor_form_has_a_quiz_tab(admin_client):
    course = make_course(code="FG-01")
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert "quizzes-TOTAL_FORMS" in html


def test_demo_seed_builds_the_catalogue_once_and_completes_through_the_service(staff_groups):
    from academy.demo import seed as seed_people
    from courses.demo import seed as seed_courses
    from courses.signals import course_completed

    received = []
    course_completed.connect(lambda sender, **kw: received.append(kw), dispatch_uid="demo-test", weak=False)
    try:
        seed_people()
        seed_courses()
        seed_courses()
    finally:
        course_completed.disconnect(dispatch_uid="demo-test")
    assert CoursePage.objects.count() == 60
    assert CoursePage.objects.filter(delivery_mode="online").count() == 40
    assert all(
        2 <= LessonPage.objects.child_of(c).count() <= 5 for c in CoursePage.objects.filter(delivery_mode="online")
    )
    completions = CourseCompletion.objects.count()
    assert completions >= 5 and len(received) == completions  # each once, through the service
    in_progress = [
        e for e in Enrolment.objects.all() if not CourseCompletion.objects.filter(user=e.user, course=e.course).exists()
    ]
    assert in_progress  # some trainees are part-way
    from wagtail.models import WorkflowPage

    assert WorkflowPage.objects.get(page__slug="courses").workflow.name == "课程审核"


def test_course_changes_go_through_the_review_workflow(staff_groups):
    """An editor submits a course change; it stays unpublished until a course reviewer approves it."""
    from django.contrib.auth.models import Group
    from wagtail.models import WorkflowState

    from courses.demo import COURSE_REVIEWERS, seed_workflow

    course = make_course(code="FG-01", title="旧标题")
    index = course.get_parent().specific
    seed_workflow(index)
    editor = make_editor()
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get(name=COURSE_REVIEWERS))

    course.title = "新标题"
    revision = course.save_revision(user=editor)
    workflow = course.get_workflow()
    assert workflow.name == "课程审核"
    state = workflow.start(course, editor)
    task_state = state.current_task_state
    assert CoursePage.objects.get(pk=course.pk).title == "旧标题"
    assert task_state.task.specific.get_actions(course, editor) == []
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert CoursePage.objects.get(pk=course.pk).title == "新标题"
    assert CoursePage.objects.get(pk=course.pk).live_revision_id == revision.pk
