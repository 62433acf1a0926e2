"""Video progress: interval merging (property-tested), tamper rejection, no skipping ahead, resume, and the
share watched gating "mark as done"."""

import struct
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from wagtail.documents.models import Document
from wagtail.models import Page
from wagtail.rich_text import RichText

from courses import rules, services
from courses.models import LessonPage, LessonProgress, VideoProgress
from courses.video import mp4_duration_seconds
from tests.factories import UserFactory

from .factories import make_course

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def mp4_bytes(seconds: int, timescale: int = 1000) -> bytes:
    """A minimal MP4: an ftyp box and a moov box holding a version-0 movie header."""
    mvhd_payload = struct.pack(">B3xIIII", 0, 0, 0, timescale, seconds * timescale) + b"\0" * 80
    mvhd = struct.pack(">I4s", 8 + len(mvhd_payload), b"mvhd") + mvhd_payload
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    ftyp = struct.pack(">I4s", 16, b"ftyp") + b"isom\0\0\0\1"
    mdat = struct.pack(">I4s", 16, b"mdat") + b"\0" * 8
    return ftyp + mdat + moov


# Pure rules ---------------------------------------------------------------------------------------------------

intervals = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 200)).map(lambda pair: (min(pair), max(pair))), max_size=12
)


@given(intervals)
def test_merged_intervals_are_sorted_disjoint_and_cover_exactly_the_same_seconds(raw):
    merged = rules.merge_intervals(raw)
    assert all(start < end for start, end in merged)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:], strict=False))
    covered = {second for start, end in raw for second in range(start, end)}
    assert {second for start, end in merged for second in range(int(start), int(end))} == covered
    assert rules.covered_seconds(raw) == len(covered)


@given(intervals, intervals)
def test_merging_is_order_free_and_idempotent(a, b):
    assert rules.merge_intervals(a + b) == rules.merge_intervals(b + a)
    assert rules.merge_intervals(rules.merge_intervals(a)) == rules.merge_intervals(a)


def test_watched_percent_rounds_down():
    assert rules.watched_percent(watched=89.9, duration=100) == 89
    assert rules.watched_percent(watched=5, duration=0) == 0


STATE = rules.VideoState(duration=100, intervals=((0.0, 30.0),), furthest=30.0)


@pytest.mark.parametrize(
    ("played", "position", "since", "code"),
    [
        ([[-1, 5]], 5, 60, "negative"),
        ([[20, 10]], 10, 60, "reversed"),
        ([[90, 110]], 100, 60, "outside"),
        ([[0, 10]], 150, 60, "outside"),
        ([[30, 60]], 60, 10, "faster_than_real_time"),
        ([[50, 60]], 60, 60, "skipped_ahead"),
        ([[1]], 1, 60, "bad_form"),
    ],
)
def test_impossible_reports_are_refused(played, position, since, code):
    with pytest.raises(rules.VideoReportError) as error:
        rules.video_report_apply(STATE, played=played, position=position, seconds_since_last=since, no_skip_ahead=True)
    assert error.value.code == code


def test_skipping_ahead_is_allowed_when_the_lesson_does_not_forbid_it():
    update = rules.video_report_apply(STATE, played=[[50, 60]], position=60, seconds_since_last=10, no_skip_ahead=False)
    assert update.intervals == ((0.0, 30.0), (50.0, 60.0)) and update.watched == 40 and update.furthest == 60


def test_rewatching_counts_each_second_once():
    update = rules.video_report_apply(STATE, played=[[10, 35]], position=35, seconds_since_last=25, no_skip_ahead=True)
    assert update.intervals == ((0.0, 35.0),) and update.watched == 35


# Services -----------------------------------------------------------------------------------------------------


def test_mp4_duration_is_read_from_the_movie_header():
    assert mp4_duration_seconds(BytesIO(mp4_bytes(120))) == 120
    assert mp4_duration_seconds(BytesIO(b"not a video at all")) is None


@pytest.fixture
def video_lesson(db):
    course = make_course(code="FG-05", lessons=0, quiz=False)
    document = Document(title="讲解视频")
    document.file.save("lecture.mp4", ContentFile(mp4_bytes(100)), save=False)
    document.save()
    lesson = course.add_child(
        instance=LessonPage(
            title="视频课",
            slug="video",
            min_reading_seconds=0,
            video_required_percent=90,
            video_no_skip_ahead=True,
            body=[("paragraph", RichText("<p>看视频。</p>")), ("video", {"video": document, "caption": ""})],
        )
    )
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def trainee(video_lesson):
    user = UserFactory()
    services.enrolment_create(user=user, course=Page.objects.get(pk=video_lesson.get_parent().pk).specific)
    return user


def report(user, lesson, played, *, when, position=None, duration=100.0, token=None):
    token = token or services.lesson_visit_token_issue(user=user, lesson=lesson, now=at(0))
    return services.lesson_video_report(
        user=user,
        lesson=lesson,
        token=token,
        duration=duration,
        played=played,
        position=position if position is not None else (played[-1][1] if played else 0),
        now=at(when),
    )


@pytest.mark.django_db
def test_played_intervals_are_merged_and_the_position_is_resumed(trainee, video_lesson, client):
    report(trainee, video_lesson, [[0, 40]], when=40)
    progress = report(trainee, video_lesson, [[30, 70]], when=80)
    assert progress.intervals == [[0.0, 70.0]] and progress.watched_seconds == 70 and progress.percent == 70
    client.force_login(trainee)
    tracking = client.get(video_lesson.url).context["tracking"]
    assert tracking["video_position"] == 70 and tracking["video_percent"] == 70


@pytest.mark.django_db
def test_mark_done_needs_the_required_share_watched(trainee, video_lesson):
    report(trainee, video_lesson, [[0, 80]], when=80)
    with pytest.raises(services.CourseActionError) as error:
        services.lesson_mark_done(user=trainee, lesson=video_lesson)
    assert error.value.code == "video_not_watched" and "80%" in error.value.message
    report(trainee, video_lesson, [[80, 100]], when=100)
    services.lesson_mark_done(user=trainee, lesson=video_lesson)
    assert LessonProgress.objects.filter(user=trainee, lesson=video_lesson).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("played", "when", "duration", "code"),
    [
        ([[0, 100]], 20, 100.0, "faster_than_real_time"),  # 100 s of video in 20 s of wall clock
        ([[0, 10]], 60, 10.0, "wrong_duration"),  # claims a 10 s video to reach 90 % at once
        ([[60, 70]], 60, 100.0, "skipped_ahead"),
        ([[0, 130]], 200, 100.0, "outside"),
        ([[-5, 10]], 60, 100.0, "negative"),
    ],
)
def test_tampered_reports_are_refused_logged_and_record_nothing(
    trainee, video_lesson, played, when, duration, code, caplog
):
    with pytest.raises(services.CourseActionError) as error:
        report(trainee, video_lesson, played, when=when, duration=duration)
    assert error.value.code == code
    assert not VideoProgress.objects.exists()
    assert any("video report refused" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_video_report_from_someone_not_enrolled_is_refused(video_lesson):
    stranger = UserFactory()
    with pytest.raises(services.CourseActionError) as error:
        report(stranger, video_lesson, [[0, 10]], when=20)
    assert error.value.code == "not_enrolled" and not VideoProgress.objects.exists()


@pytest.mark.django_db
def test_video_progress_view_answers_json(client, trainee, video_lesson):
    import json

    client.force_login(trainee)
    token = client.get(video_lesson.url).context["tracking"]["token"]
    response = client.post(
        video_lesson.url + "video-progress/",
        json.dumps({"token": token, "duration": 100, "played": [[0, 0.5]], "position": 0.5}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["percent"] == 0
    bad = client.post(
        video_lesson.url + "video-progress/",
        json.dumps({"token": token, "duration": 100, "played": [["a", "b"]], "position": 0}),
        content_type="application/json",
    )
    assert bad.status_code == 400


# The length is read once, in the background, and never during a report --------------------------------------


@pytest.mark.django_db
def test_an_uploaded_video_has_its_length_measured_once_by_the_background_task(video_lesson):
    from courses.models import VideoLength

    document = video_lesson.tracked_video.value["video"]
    length = VideoLength.objects.get(document=document)
    assert length.seconds == 100 and length.file_name == document.file.name
    document.file.save("shorter.mp4", ContentFile(mp4_bytes(60)), save=True)  # the file replaced: measured again
    assert VideoLength.objects.get(document=document).seconds == 60


@pytest.mark.django_db
def test_a_video_report_never_reads_the_video_file(trainee, video_lesson, monkeypatch):
    """Reading the length from the file inside the report's locked transaction downloaded the whole video from S3
    with the trainee's progress row locked; the report reads the stored length instead."""

    def no_file_reads(handle):
        raise AssertionError("the video file was read during a progress report")

    monkeypatch.setattr("courses.video.mp4_duration_seconds", no_file_reads)
    report(trainee, video_lesson, [[0, 40]], when=40)
    with pytest.raises(services.CourseActionError) as error:  # the stored length still checks the claim
        report(trainee, video_lesson, [[40, 50]], when=60, duration=50.0)
    assert error.value.code == "wrong_duration"
