"""Other kinds of lesson, defined in apps above courses (a scenario: ``scenarios.ScenarioPage``).

Such a page type subclasses ``LessonPage``, so it is listed among a course's lessons, may be required and completes
through ``LessonProgress``. Courses cannot import it (academy ← courses ← …), so its app registers the page type here
from its ``AppConfig.ready()``, which lets editors add it under a course. A kind that completes by its own activity
sets ``marked_done_by_hand = False`` and records progress with ``services.lesson_progress_record``."""

from .models import CoursePage


def register(model_label: str) -> None:
    """Allow ``model_label`` ("app.Model") as a child of a course (idempotent). Called before the first request,
    while Wagtail has not yet resolved the allowed subpage types."""
    if model_label not in CoursePage.subpage_types:
        CoursePage.subpage_types = [*CoursePage.subpage_types, model_label]
