"""What assignments adds to a course through ``courses.extensions`` (registered in AssignmentsConfig.ready()): a
completion condition (a required assignment passed) and the course page's "作业" section."""

from django.template.loader import render_to_string

from . import selectors
from .choices import SubmissionStatus
from .models import Assignment, Submission


class AssignmentPassed:
    """A course whose assignment is required completes only once a lecturer has passed the trainee's work."""

    def is_met(self, *, user, course) -> bool:
        if course.pk not in selectors.course_ids_with_assignment():
            return True  # most courses: no query (the set is cached)
        assignment = Assignment.objects.filter(course=course, required_for_completion=True).first()
        if assignment is None:
            return True
        return Submission.objects.filter(assignment=assignment, user=user, status=SubmissionStatus.PASSED).exists()


class AssignmentSection:
    """The assignment on the course page: its brief for everyone; the due date, status and form for the enrolled."""

    def render(self, *, request, course, enrolment) -> str:
        from .views import assignment_section_context

        context = assignment_section_context(request=request, course=course, enrolment=enrolment)
        if context is None:
            return ""
        return render_to_string("assignments/includes/course_section.html", context, request=request)
