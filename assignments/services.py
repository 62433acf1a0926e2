"""Every write of written assignments: a trainee hands in (or replaces, or revises) their work; a lecturer reviews
it. States change only as ``rules.next_status`` allows, on a locked row, so two requests at once cannot both pass."""

import logging
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from academy.models import User
from courses import selectors as course_selectors
from courses.services import course_completion_check
from notifications.choices import Event
from notifications.services import notify

from . import files, rules, selectors
from .choices import ReviewOutcome, SubmissionStatus
from .models import Assignment, Review, Submission, SubmissionFile

logger = logging.getLogger("assignments")


class AssignmentActionError(Exception):
    """Someone asked for something the rules do not allow; ``message`` is translated and safe to show."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


def _discard(names: Iterable[str], storage) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove %s", name)


def _checked_uploads(assignment: Assignment, uploads: Sequence) -> list[files.CheckedFile]:
    checked = []
    for upload in uploads:
        max_bytes = assignment.max_file_mb * 1024 * 1024
        # Read one byte past the limit, never the whole of an oversized upload into memory.
        data = upload.read(max_bytes + 1)
        try:
            checked.append(
                files.check_file(data=data, name=upload.name or "", allowed=assignment.file_kinds, max_bytes=max_bytes)
            )
        except files.FileRefused as error:
            raise AssignmentActionError(error.message, code="file_refused") from None
    return checked


def _lock(assignment: Assignment, user: User) -> Submission | None:
    return Submission.objects.select_for_update().filter(assignment=assignment, user=user).first()


@transaction.atomic
def submission_submit(
    *,
    user: User,
    assignment: Assignment,
    text: str,
    uploads: Sequence = (),
    remove_file_ids: Iterable[int] = (),
    now=None,
) -> Submission:
    """Hand in ``text`` and ``uploads`` for ``assignment``: the first time, as a replacement while no lecturer has
    reviewed it, or again after it was returned. Files named in ``remove_file_ids`` are dropped; the rest stay.
    Refused (``AssignmentActionError``, nothing changed) unless the trainee is enrolled in the course, the state
    allows it, and every file is of an accepted kind (by content), within the size, and within the count."""
    now = now or timezone.now()
    if not (user.is_authenticated and user.is_active):
        raise AssignmentActionError(_("Log in to hand in an assignment."), code="not_signed_in")
    if not course_selectors.is_enrolled(user=user, course=assignment.course):
        raise AssignmentActionError(_("Enrol in the course to hand in its assignment."), code="not_enrolled")
    text = (text or "").strip()
    if len(text) > Submission._meta.get_field("text").max_length:
        raise AssignmentActionError(_("The text is too long."), code="too_long")
    uploads = list(uploads)
    if uploads and not assignment.file_kinds:
        raise AssignmentActionError(_("This assignment takes text only."), code="file_refused")
    checked = _checked_uploads(assignment, uploads)

    submission = _lock(assignment, user)
    try:
        status = rules.next_status(submission.status if submission else None, rules.SUBMIT)
    except rules.TransitionRefused as error:
        raise AssignmentActionError(error.message, code="not_allowed") from None
    remove = set(remove_file_ids)
    kept = [item for item in submission.files.all() if item.pk not in remove] if submission else []
    if len(kept) + len(checked) > assignment.max_files:
        raise AssignmentActionError(
            _("Hand in at most %(count)s files.") % {"count": assignment.max_files}, code="too_many_files"
        )
    if not text and not kept and not checked:
        raise AssignmentActionError(_("Write your answer or attach a file."), code="empty")

    if submission is None:
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    assignment=assignment, user=user, status=status, text=text, submitted_at=now
                )
        except IntegrityError:
            # Another request of the same trainee (a double tap) created it a moment ago: that one stands.
            raise AssignmentActionError(
                _("Your work has just been handed in; check it below before you change it."), code="conflict"
            ) from None
    else:
        if submission.status == SubmissionStatus.RETURNED:
            submission.version += 1
        submission.status = status
        submission.text = text
        submission.submitted_at = now
        submission.save(update_fields=["status", "text", "version", "submitted_at"])

    dropped = [item for item in submission.files.all() if item.pk in remove]
    dropped_names = [item.file.name for item in dropped]
    storage = SubmissionFile._meta.get_field("file").storage
    SubmissionFile.objects.filter(pk__in=[item.pk for item in dropped]).delete()
    written: list[str] = []
    try:
        for item in checked:
            stored = SubmissionFile(
                submission=submission, kind=item.kind, original_name=item.name, size=len(item.content)
            )
            stored.file.save(item.name, ContentFile(item.content), save=False)
            written.append(stored.file.name)
            stored.save()
    except BaseException:
        _discard(written, storage)
        raise
    # The dropped files go only once the change commits, so a rollback loses nothing. (Files written here and then
    # rolled back by a caller's transaction name no row; deleting the account removes the submission's whole
    # directory, see privacy.py.)
    transaction.on_commit(lambda: _discard(dropped_names, storage))
    return submission


def _notice_context(submission: Submission, outcome: str) -> dict:
    # In the site's language, as the notice's own text is (notifications/defaults.py), whatever the reviewer reads.
    with translation.override(settings.LANGUAGE_CODE):
        if outcome == ReviewOutcome.PASSED:
            result = _("passed")
        else:
            result = _("returned for revision; please revise it and hand it in again")
    return {"assignment": f"《{submission.assignment.title}》", "result": result}


@transaction.atomic
def submission_review(
    *,
    reviewer: User,
    submission: Submission,
    outcome: str,
    levels: Mapping[str, int],
    feedback: str,
) -> Review:
    """Score each rubric criterion, write feedback, and pass or return a waiting submission. Refused unless the
    reviewer may see it (a lecturer of its course, a registrar) and it waits for review. Tells the trainee (inbox,
    and SMS per their preferences); a pass may complete the course."""
    if not selectors.submissions_visible_to(reviewer).filter(pk=submission.pk).exists():
        raise AssignmentActionError(_("You do not review this course's assignments."), code="not_allowed")
    if outcome not in ReviewOutcome.values:
        raise AssignmentActionError(_("Choose to pass the assignment or return it."), code="invalid")
    feedback = (feedback or "").strip()
    if not feedback:
        raise AssignmentActionError(_("Write feedback for the trainee."), code="invalid")
    locked = Submission.objects.select_for_update().select_related("assignment", "assignment__course", "user")
    submission = locked.get(pk=submission.pk)
    action = rules.PASS if outcome == ReviewOutcome.PASSED else rules.RETURN
    try:
        status = rules.next_status(submission.status, action)
    except rules.TransitionRefused as error:
        raise AssignmentActionError(error.message, code="not_allowed") from None
    try:
        scores = rules.score_rubric(submission.assignment.rubric_data(), levels)
    except rules.ScoreError as error:
        raise AssignmentActionError(error.message, code="invalid") from None
    points, max_points = rules.total(scores)
    review = Review.objects.create(
        submission=submission,
        reviewer=reviewer,
        outcome=outcome,
        scores=[score.as_dict() for score in scores],
        points=points,
        max_points=max_points,
        feedback=feedback,
        version=submission.version,
    )
    submission.status = status
    submission.save(update_fields=["status"])
    log(
        instance=submission,
        action="assignments.review",
        user=reviewer,
        data={"outcome": outcome, "points": points, "max_points": max_points, "version": submission.version},
    )
    notify(
        event=Event.ASSIGNMENT_REVIEWED,
        recipients=[submission.user],
        context=_notice_context(submission, outcome),
        link=reverse("assignments_submission", args=[submission.assignment_id]),
        key=f"submission:{submission.pk}:review:{submission.version}",
    )
    if status == SubmissionStatus.PASSED:
        course_completion_check(user=submission.user, course=submission.assignment.course)
    return review
