"""Keep cached catalogue and course fragments fresh: any publish, unpublish, move or delete of a course page,
a lesson or a competency moves the cache generation on, so stale fragments are simply never read again."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import Competency, CourseIndexPage, CoursePage, Lecturer, LessonPage, Quiz
from .selectors import catalogue_generation_bump

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
