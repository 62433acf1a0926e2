"""The learner API's assignment endpoint (added to ``courses.api.api`` under /assignments/ in AssignmentsConfig.ready()):
a course's assignment and the signed-in trainee's own submission. Nobody else's work is ever in it."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from courses import selectors as course_selectors
from courses.api import BY_ID, SIGNED_IN, ObjectId

from . import rules, selectors
from .models import Assignment

router = Router(tags=["assignments"])


class LevelOut(Schema):
    label: str
    points: int
    description: str


class CriterionOut(Schema):
    id: str
    name: str
    description: str
    levels: list[LevelOut]


class ScoreOut(Schema):
    criterion_id: str
    criterion: str
    level: str
    points: int
    max_points: int


class ReviewOut(Schema):
    outcome: str
    points: int
    max_points: int
    scores: list[ScoreOut]
    feedback: str
    reviewed_at: datetime


class SubmissionOut(Schema):
    status: str
    status_label: str
    text: str
    files: list[str]
    times_handed_in: int
    handed_in_at: datetime
    can_hand_in_again: bool
    review: ReviewOut | None


class AssignmentOut(Schema):
    id: int
    course: int
    title: str
    brief: str
    rubric: list[CriterionOut]
    file_kinds: list[str]
    max_files: int
    max_file_mb: int
    due_days: int
    required_for_completion: bool
    enrolled: bool
    due_on: date | None
    can_hand_in: bool
    url: str
    mine: SubmissionOut | None


@router.get(
    "/courses/{course_id}",
    response={200: AssignmentOut, **SIGNED_IN, **BY_ID},
    summary="A course's assignment and my submission",
)
def course_assignment(request, course_id: int = ObjectId):
    """The brief (HTML), rubric and limits; ``due_on`` and ``mine`` (state, text, file names, the latest review
    with its scores and feedback) for the signed-in trainee when enrolled. Hand in on the submission page (``url``)."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("course").filter(course__live=True), course_id=course_id
    )
    user = request.auth
    enrolment = course_selectors.enrolment_for(user=user, course=assignment.course)
    submission = selectors.submission_for(user=user, assignment=assignment) if enrolment else None
    review = selectors.latest_review(submission) if submission else None
    return {
        "id": assignment.pk,
        "course": assignment.course_id,
        "title": assignment.title,
        "brief": assignment.brief,
        "rubric": assignment.rubric_data(),
        "file_kinds": assignment.file_kinds,
        "max_files": assignment.max_files,
        "max_file_mb": assignment.max_file_mb,
        "due_days": assignment.due_days,
        "required_for_completion": assignment.required_for_completion,
        "enrolled": enrolment is not None,
        "due_on": selectors.due_date_for(enrolment=enrolment, assignment=assignment) if enrolment else None,
        "can_hand_in": enrolment is not None and rules.can_submit(submission.status if submission else None),
        "url": reverse("assignments_submission", args=[assignment.pk]),
        "mine": {
            "status": submission.status,
            "status_label": submission.get_status_display(),
            "text": submission.text,
            "files": [item.original_name for item in submission.files.all()],
            "times_handed_in": submission.version,
            "handed_in_at": submission.submitted_at,
            "can_hand_in_again": rules.can_submit(submission.status),
            "review": {
                "outcome": review.outcome,
                "points": review.points,
                "max_points": review.max_points,
                "scores": review.scores,
                "feedback": review.feedback,
                "reviewed_at": review.reviewed_at,
            }
            if review
            else None,
        }
        if submission
        else None,
    }
