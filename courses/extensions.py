"""What apps above courses add to a course: conditions of its completion and sections of its page.

Courses cannot import the apps above it (academy ← notifications ← courses ← assessments/assignments ← credits ←
home), so an app that adds work to a course (assignments: a written assignment a lecturer must pass) registers here
from its ``AppConfig.ready()``, as ``papers.py`` does for quiz papers. ``course_completion_check`` asks
``conditions_met``; the course page shows ``page_sections``. A course no extension claims is decided and shown
exactly as before."""

from typing import Protocol


class CompletionCondition(Protocol):
    """One more thing a trainee must have done before a course is complete."""

    def is_met(self, *, user, course) -> bool:
        """Whether ``user`` has met this condition on ``course`` (True when it does not apply to the course)."""


class PageSection(Protocol):
    """A section of the course page, drawn by the app that owns its data."""

    def render(self, *, request, course, enrolment) -> str:
        """The section's HTML for this viewer (``enrolment`` is theirs or None), or "" to show nothing."""


_conditions: list[CompletionCondition] = []
_sections: list[PageSection] = []


def _add(registry: list, item) -> None:
    # Idempotent, so that a second ``ready()`` (tests reloading apps) adds nothing.
    if not any(type(existing) is type(item) for existing in registry):
        registry.append(item)


def register_condition(condition: CompletionCondition) -> None:
    _add(_conditions, condition)


def register_section(section: PageSection) -> None:
    _add(_sections, section)


def conditions_met(*, user, course) -> bool:
    """Whether every registered condition is met for ``user`` on ``course``."""
    return all(condition.is_met(user=user, course=course) for condition in _conditions)


def page_sections(*, request, course, enrolment) -> list[str]:
    """The registered sections' HTML for this viewer, in registration order, empty ones left out."""
    rendered = (section.render(request=request, course=course, enrolment=enrolment) for section in _sections)
    return [html for html in rendered if html]
