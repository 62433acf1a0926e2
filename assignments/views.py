"""Trainee views: the assignment section of a course page, the submission page (hand in, replace, revise, read
the feedback), and the files handed in, served only to the trainee, the course's lecturers and registrars."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from academy.files import private_file_response
from courses import selectors as course_selectors

from . import files, rules, selectors, services
from .forms import SubmissionForm
from .models import Assignment


def _live_assignment(assignment_id: int) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("course").filter(course__live=True), pk=assignment_id)


def _trainee_context(*, assignment: Assignment, user, enrolment, form=None) -> dict:
    """What a trainee sees of an assignment: due date, their submission and its state, the latest review."""
    submission = selectors.submission_for(user=user, assignment=assignment) if enrolment else None
    status = submission.status if submission else None
    review = selectors.latest_review(submission) if submission else None
    due = selectors.due_date_for(enrolment=enrolment, assignment=assignment) if enrolment else None
    can_submit = enrolment is not None and rules.can_submit(status)
    if can_submit and form is None:
        form = SubmissionForm(
            initial={"text": submission.text if submission else ""},
            existing=submission.files.all() if submission else [],
        )
    return {
        "assignment": assignment,
        "rubric": assignment.rubric_data(),
        "enrolment": enrolment,
        "submission": submission,
        "review": review,
        "due": due,
        "overdue": due is not None and status is None and timezone.localdate() > due,
        "can_submit": can_submit,
        "form": form if can_submit else None,
        "accept": files.accept_attribute(assignment.file_kinds),
        "kinds_label": files.kinds_label(assignment.file_kinds),
    }


def assignment_section_context(*, request, course, enrolment) -> dict | None:
    """The course page's "作业" section, or None when the course has no assignment."""
    assignment = selectors.assignment_for(course)
    if assignment is None:
        return None
    return _trainee_context(assignment=assignment, user=request.user, enrolment=enrolment)


@login_required
@require_GET
@never_cache
def submission_page(request, assignment_id: int):
    """The trainee's own work on an assignment: always theirs (the URL names the assignment, never a submission)."""
    assignment = _live_assignment(assignment_id)
    enrolment = course_selectors.enrolment_for(user=request.user, course=assignment.course)
    if enrolment is None:
        messages.warning(request, _("Enrol in the course to hand in its assignment."))
        return redirect(assignment.course.url)
    context = _trainee_context(assignment=assignment, user=request.user, enrolment=enrolment)
    return render(request, "assignments/submission.html", context)


@login_required
@require_POST
def submission_submit(request, assignment_id: int):
    assignment = _live_assignment(assignment_id)
    enrolment = course_selectors.enrolment_for(user=request.user, course=assignment.course)
    if enrolment is None:
        messages.warning(request, _("Enrol in the course to hand in its assignment."))
        return redirect(assignment.course.url)
    submission = selectors.submission_for(user=request.user, assignment=assignment)
    existing = submission.files.all() if submission else []
    form = SubmissionForm(request.POST, existing=existing)
    if form.is_valid():
        try:
            services.submission_submit(
                user=request.user,
                assignment=assignment,
                text=form.cleaned_data["text"],
                uploads=request.FILES.getlist("files"),
                remove_file_ids=[int(pk) for pk in form.cleaned_data["remove"]],
            )
        except services.AssignmentActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your assignment has been handed in. A lecturer will review it."))
            return redirect("assignments_submission", assignment_id=assignment.pk)
    context = _trainee_context(assignment=assignment, user=request.user, enrolment=enrolment, form=form)
    return render(request, "assignments/submission.html", context, status=400)


@login_required
@require_GET
def submission_file(request, file_id: int):
    """A handed-in file, for its trainee, a lecturer of its course or a registrar; anyone else gets 404 (a file's
    existence is not revealed)."""
    item = selectors.file_visible_to(user=request.user, file_id=file_id)
    if item is None:
        raise Http404
    return private_file_response(item.file, filename=item.original_name, content_type=files.CONTENT_TYPES[item.kind])
