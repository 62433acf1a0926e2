"""Lecturers' screens in the admin: the queue of submissions waiting for review (oldest first, with how long each
has waited) and the review screen. A lecturer sees only the courses they teach; registrars and superusers see all.
Anyone else is refused; a submission outside the viewer's courses is a 404."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin import messages

from . import rules, selectors, services
from .choices import ReviewOutcome
from .forms import ReviewForm


def _require_reviewer(request) -> None:
    if not selectors.is_reviewer(request.user):
        raise PermissionDenied


def review_queue(request):
    """What waits for this reviewer, oldest first."""
    _require_reviewer(request)
    now = timezone.now()
    rows = [
        {"submission": submission, "waited": rules.waited(since=submission.submitted_at, now=now)}
        for submission in selectors.review_queue(request.user)
    ]
    return TemplateResponse(request, "assignments/admin/queue.html", {"rows": rows})


def review(request, submission_id: int):
    """A submission's text and files, every earlier review, and the form to score, give feedback, pass or return."""
    _require_reviewer(request)
    submission = get_object_or_404(
        selectors.submissions_visible_to(request.user).select_related("user", "assignment", "assignment__course"),
        pk=submission_id,
    )
    rubric = submission.assignment.rubric_data()
    form = None
    if submission.is_waiting:
        form = ReviewForm(request.POST or None, rubric=rubric, outcomes=ReviewOutcome.choices)
        if request.method == "POST" and form.is_valid():
            try:
                services.submission_review(
                    reviewer=request.user,
                    submission=submission,
                    outcome=form.cleaned_data["outcome"],
                    levels=form.levels(),
                    feedback=form.cleaned_data["feedback"],
                )
            except services.AssignmentActionError as error:
                form.add_error(None, error.message)
            else:
                passed = form.cleaned_data["outcome"] == ReviewOutcome.PASSED
                messages.success(
                    request,
                    (
                        _("%(name)s's assignment passed.")
                        if passed
                        else _("%(name)s's assignment returned for revision.")
                    )
                    % {"name": submission.user.display_name},
                )
                return redirect("assignments_queue")
    elif request.method == "POST":
        messages.error(request, _("This submission is not waiting for review."))
    now = timezone.now()
    return TemplateResponse(
        request,
        "assignments/admin/review.html",
        {
            "submission": submission,
            "files": list(submission.files.all()),
            "reviews": list(submission.reviews.select_related("reviewer")),
            "rubric": rubric,
            "form": form,
            "waited": rules.waited(since=submission.submitted_at, now=now) if submission.is_waiting else None,
        },
        status=400 if form is not None and form.errors else 200,
    )
