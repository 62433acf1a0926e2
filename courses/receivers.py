"""Keep cached catalogue and course fragments fresh: any publish, unpublish, move or delete of a course page,
a lesson or a competency moves the cache generation on, so stale fragments are simply never read again. A
session registration deleted outright moves that session's waiting list up. A video document's length is measured
once, in the background, when it is uploaded or replaced."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import notices
from .choices import RegistrationStatus
from .models import (
    Competency,
    CourseIndexPage,
    CoursePage,
    Lecturer,
    LessonPage,
    Quiz,
    SessionRegistration,
    TrainingSession,
)
from .selectors import catalogue_generation_bump
from .services import session_waiting_list_settle

_PAGE_MODELS = (CourseIndexPage, CoursePage, LessonPage)


def _bump(**kwargs):
    catalogue_generation_bump()


for _model in _PAGE_MODELS:
    page_published.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-publish-{_model.__name__}")
    page_unpublished.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-unpublish-{_model.__name__}")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-delete-{_model.__name__}")
    # Pages created live in code (add_child) are saved without a publish signal.
    post_save.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-page-save-{_model.__name__}")

for _model in (Competency, Lecturer, Quiz):
    post_save.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-save-{_model.__name__}")
    post_delete.connect(_bump, sender=_model, dispatch_uid=f"courses-cache-del-{_model.__name__}")


@receiver(post_page_move, dispatch_uid="courses-cache-move")
def _moved(sender, **kwargs):
    catalogue_generation_bump()


@receiver(post_delete, sender=SessionRegistration, dispatch_uid="courses-registration-deleted")
def _registration_deleted(sender, instance, **kwargs):
    """A seat or waiting-list place deleted rather than cancelled (a trainee's account deleted by staff) frees it
    too: once the deletion commits, the waiting list moves up and is renumbered. Nothing happens when the whole
    session was deleted with it."""
    if instance.status == RegistrationStatus.CANCELLED:
        return
    session_id = instance.session_id

    def settle():
        session = TrainingSession.objects.filter(pk=session_id).first()
        if session is not None:
            session_waiting_list_settle(session=session)

    transaction.on_commit(settle)


@receiver(pre_save, sender=TrainingSession, dispatch_uid="courses-session-noticed-before")
def _session_before_change(sender, instance, raw=False, **kwargs):
    """Remember what the session's trainees were told (start, venue, status) before this save changes it."""
    if not raw:
        instance._noticed_before = notices.session_snapshot(instance)


@receiver(post_save, sender=TrainingSession, dispatch_uid="courses-session-noticed-after")
def _session_changed(sender, instance, created, raw=False, **kwargs):
    """A session cancelled or moved to another time or venue: its trainees are told (notifications), in the save's
    transaction, however it was saved (the admin's edit view, a script)."""
    if not raw and not created:
        notices.session_changed(instance, getattr(instance, "_noticed_before", None))


VIDEO_SUFFIXES = (".mp4", ".webm")


def _measure_video(sender, instance, **kwargs):
    """A document saved with a video file (uploaded or replaced) has its length read by a worker, once. Enqueued in
    the saving transaction: with the database queue the task row commits with the document, so no worker can run
    it before the file's row exists."""
    from .tasks import video_length_task

    if instance.file and instance.file.name.lower().endswith(VIDEO_SUFFIXES):
        video_length_task.enqueue(instance.pk)


post_save.connect(_measure_video, sender=get_document_model(), dispatch_uid="courses-video-length")
