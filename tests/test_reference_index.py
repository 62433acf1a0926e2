"""Trainee records stay out of Wagtail's reference index; content stays in it.

Wagtail queues an ``update_reference_index_task`` whenever a model it indexes is saved, and it indexes every model
with an admin view and a foreign key. In the two-host rehearsal three quarters of all tasks were those, queued by
enrolments, completions and ledger rows (docs/performance.md, "Reference index"). Trainee records are
``academy.records.PersonalRecord``: a trainee's whole path (enrol, three lessons, the quiz, the credits, the
certificate) queues no reference-index task and writes no index row, while a page, a snippet and a venue's photo
are still indexed, so "usage" in the admin keeps working for content."""

from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_tasks.signals import task_enqueued
from wagtail.documents.models import AbstractDocument
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, ReferenceIndex

from academy.models import Venue
from academy.records import PersonalRecord
from courses import services
from courses.models import LessonPage
from credits.models import Certificate, CreditEntry
from tests.courses.factories import make_course, right_answers
from tests.credits.factories import make_programme
from tests.factories import DistrictFactory, UserFactory

OUR_APPS = {"academy", "notifications", "courses", "assessments", "credits", "home"}
REFERENCE_INDEX_TASK = "wagtail.tasks.update_reference_index_task"
# Models with a foreign key to a person, a page, an image or a document that are content or configuration, edited
# by staff in the admin: their "usage" is worth having, and they are saved rarely.
CONTENT = {
    "academy.Venue",  # its photo: an image's usage lists the venues showing it
    "academy.User",  # the user model itself (its street and community), indexed only through its admin view
    "academy.Trainee",
    "courses.Lecturer",
    "courses.Quiz",
    "courses.TrainingSession",
    "assessments.LegalVersion",
    "credits.ProgrammeCompetencyMinimum",
    "credits.ProgrammeRequiredCourse",
    "credits.Post",
    "credits.Cohort",
    "credits.ApiClient",
    "credits.CertificateSettings",  # the seal image
    "home.NewsPageTag",
}


def relations_to_people_or_content(model) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and (field.many_to_one or field.many_to_many)
        and not field.auto_created
        and field.related_model is not None
        and (
            field.related_model is user_model
            or issubclass(field.related_model, (Page, AbstractImage, AbstractDocument))
        )
    ]


def load_the_admin() -> None:
    """Register models with the index as a serving process does: the admin's viewsets do it as the URLs load."""
    reverse("wagtailadmin_home")


def test_every_model_pointing_at_a_person_or_content_is_a_personal_record_or_named_as_content():
    """A new trainee record (anything with a trainee and a course) must be a PersonalRecord, or be named above."""
    unclassified = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or issubclass(model, Page):
            continue
        if not relations_to_people_or_content(model):
            continue
        if issubclass(model, PersonalRecord):
            assert not ReferenceIndex.model_is_indexable(model), model._meta.label
        elif model._meta.label not in CONTENT:
            unclassified.append(model._meta.label)
    assert unclassified == []


def test_content_models_are_still_indexed_and_trainee_records_are_not():
    load_the_admin()
    indexed = {model._meta.label for model in ReferenceIndex.indexed_models}
    assert {"courses.CoursePage", "home.EventPage", "academy.Venue", "courses.Lecturer", "credits.Cohort"} <= indexed
    assert {"courses.TrainingSession", "assessments.BankQuestion"} <= indexed
    records = {"courses.Enrolment", "courses.CourseCompletion", "credits.CreditEntry", "credits.Certificate"}
    records |= {"courses.SessionRegistration", "courses.SessionAttendance", "notifications.Delivery"}
    records |= {"credits.CertificateRequest", "credits.BulkIssueRun", "credits.Appointment"}
    assert indexed & records == set()
    assert records <= {model._meta.label for model in apps.get_models() if issubclass(model, PersonalRecord)}


@pytest.fixture
def enqueued():
    """The tasks enqueued while the test runs, counted by task path, with the reference index's registry as a
    serving process has it (the admin's viewsets register their models as the URLs load)."""
    load_the_admin()
    counts = Counter()

    def record(sender, task_result, **kwargs):
        counts[task_result.task.module_path] += 1

    task_enqueued.connect(record, weak=False, dispatch_uid="test_reference_index")
    yield counts
    task_enqueued.disconnect(dispatch_uid="test_reference_index")


def trainee_path(user, course) -> None:
    """Enrol, mark every lesson done, pass the quiz (the completion awards credits and checks certificates)."""
    services.enrolment_create(user=user, course=course)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        services.lesson_mark_done(user=user, lesson=lesson)
    services.quiz_attempt_submit(user=user, course=course, answers=right_answers(course))


@pytest.mark.django_db
def test_a_trainee_path_queues_no_reference_index_task_and_writes_no_index_row(
    enqueued, django_capture_on_commit_callbacks
):
    course = make_course(code="FG-01", lessons=3, credits="2.0")
    make_programme(total="2.0")
    trainee = UserFactory(real_name="张晓明")
    rows_before = ReferenceIndex.objects.count()
    enqueued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        trainee_path(trainee, course)

    certificate = Certificate.objects.get(holder=trainee)  # the whole path ran: credits awarded, certificate issued
    assert sum(entry.amount for entry in CreditEntry.objects.filter(trainee=trainee)) == Decimal("2.0")
    assert enqueued[REFERENCE_INDEX_TASK] == 0, dict(enqueued)
    assert enqueued["credits.tasks.certificates_check_task"] == 1
    assert ReferenceIndex.objects.count() == rows_before
    records = [ContentType.objects.get_for_model(type(certificate)), ContentType.objects.get_for_model(CreditEntry)]
    assert not ReferenceIndex.objects.filter(base_content_type__in=records).exists()


@pytest.mark.django_db
def test_pages_and_snippets_are_still_indexed_so_usage_in_the_admin_works(enqueued):
    course = make_course(code="FG-02", lessons=1, quiz=False)
    assert enqueued[REFERENCE_INDEX_TASK] >= 1
    usage = ReferenceIndex.get_references_to(course.competency)  # a snippet used by a page
    assert str(course.pk) in {reference.object_id for reference in usage}

    photo = get_image_model().objects.create(title="驿站", file=get_test_image_file())
    enqueued.clear()
    venue = Venue.objects.create(name="文化驿站", district=DistrictFactory(), address="湖墅南路", photo=photo)
    assert enqueued[REFERENCE_INDEX_TASK] == 1
    assert str(venue.pk) in {reference.object_id for reference in ReferenceIndex.get_references_to(photo)}
