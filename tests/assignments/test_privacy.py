"""A trainee's submissions are in their data download (text, files, reviews) and go with their account."""

import io
import json
import zipfile

import pytest

from academy.privacy import account_anonymise, personal_data_archive
from assignments import services
from assignments.models import Review, Submission, SubmissionFile

from .factories import TOP_LEVELS, enrolled_trainee, jpeg_bytes, make_assignment, make_lecturer_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed():
    assignment = make_assignment()
    trainee = enrolled_trainee(assignment, real_name="张晓明")
    submission = services.submission_submit(
        user=trainee, assignment=assignment, text="我的方案", uploads=[upload("现场.jpg", jpeg_bytes())]
    )
    services.submission_review(
        reviewer=make_lecturer_user(assignment.course),
        submission=submission,
        outcome="returned",
        levels=TOP_LEVELS,
        feedback="请补充。",
    )
    return trainee, submission


def test_download_holds_the_submission_its_file_and_its_review(reviewed):
    trainee, submission = reviewed
    other = enrolled_trainee(submission.assignment)
    services.submission_submit(user=other, assignment=submission.assignment, text="别人的方案")
    with zipfile.ZipFile(io.BytesIO(personal_data_archive(user=trainee))) as archive:
        document = json.loads(archive.read("personal-data.json"))
        names = archive.namelist()
    [row] = document["assignment_submissions"]
    assert row["text"] == "我的方案" and row["reviews"][0]["feedback"] == "请补充。"
    assert row["files"][0]["in_zip"] in names
    assert "别人的方案" not in json.dumps(document, ensure_ascii=False)


def test_deleting_the_account_deletes_submissions_and_their_stored_files(reviewed, django_capture_on_commit_callbacks):
    trainee, submission = reviewed
    stored = submission.files.get()
    storage, name = stored.file.storage, stored.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        account_anonymise(user=trainee)
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists() and not Review.objects.exists()
    assert not storage.exists(name)
