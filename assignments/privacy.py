"""Assignments' answers to academy's personal-data signals (connected in AssignmentsConfig.ready()): a trainee's
submissions, files and the reviews of them in their download; deleting the account deletes them."""

import logging

from django.db import transaction

from academy.files import safe_filename
from academy.privacy import PersonalDataPart

from .models import SUBMISSION_UPLOAD_DIR, Submission, SubmissionFile, private_storage

logger = logging.getLogger("assignments")


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    """Each submission (text, state, times), its files (in the zip under assignments/) and its reviews."""
    part = PersonalDataPart()
    rows = []
    submissions = (
        Submission.objects.filter(user=user)
        .select_related("assignment__course")
        .prefetch_related("files", "reviews")
        .order_by("first_submitted_at")
    )
    for submission in submissions:
        file_rows = []
        for item in submission.files.all():
            path = f"assignments/{submission.pk}-{item.pk}-{safe_filename(item.original_name)}"
            try:
                with item.file.open("rb") as handle:
                    part.files[path] = handle.read()
            except OSError:
                logger.exception("Submission file %s is missing", item.file.name)
                path = ""
            file_rows.append(
                {"name": item.original_name, "size": item.size, "uploaded_at": item.uploaded_at, "in_zip": path}
            )
        rows.append(
            {
                "course": {"code": submission.assignment.course.code, "title": submission.assignment.course.title},
                "assignment": submission.assignment.title,
                "status": submission.get_status_display(),
                "text": submission.text,
                "times_handed_in": submission.version,
                "first_handed_in": submission.first_submitted_at,
                "last_handed_in": submission.submitted_at,
                "files": file_rows,
                "reviews": [
                    {
                        "outcome": review.get_outcome_display(),
                        "scores": review.scores,
                        "points": review.points,
                        "max_points": review.max_points,
                        "feedback": review.feedback,
                        "reviewed_at": review.reviewed_at,
                    }
                    for review in submission.reviews.all()
                ],
            }
        )
    part.sections["assignment_submissions"] = rows
    return part


def _remove_directories(submission_ids: list[int]) -> None:
    storage = private_storage()
    for submission_id in submission_ids:
        directory = f"{SUBMISSION_UPLOAD_DIR}/{submission_id}"
        try:
            _dirs, names = storage.listdir(directory)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            logger.exception("Could not list %s", directory)
            continue
        for name in names:
            try:
                storage.delete(f"{directory}/{name}")
            except OSError:
                logger.exception("Could not remove %s/%s", directory, name)


def anonymise(sender, *, user, **kwargs) -> dict:
    """Submissions are the person's own writing and photos: they are deleted, rows and files (once the deletion
    commits). A completion already recorded stays (it backs ledger rows); the lecturers' reviews go with them."""
    submission_ids = list(Submission.objects.filter(user=user).values_list("pk", flat=True))
    files = SubmissionFile.objects.filter(submission_id__in=submission_ids).count()
    Submission.objects.filter(pk__in=submission_ids).delete()
    transaction.on_commit(lambda: _remove_directories(submission_ids))
    return {"assignment_submissions_deleted": len(submission_ids), "assignment_files_deleted": files}
