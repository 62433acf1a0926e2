"""Operations after faults, on a real PostgreSQL: a db_worker killed by SIGKILL mid-certificate leaves its task
RUNNING and its PDF stored without a row; requeue_stale_tasks puts the same task back, a fresh worker completes it,
and sweep_orphan_certificate_files removes the dead worker's file only. Two hosts requeueing at once requeue each
stale task once (row locks with SKIP LOCKED)."""

import hashlib
import os
import signal
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from academy import task_queue
from courses import services as course_services
from courses.models import LessonPage
from courses.tasks import send_session_reminders
from credits.models import Certificate
from tests.courses.factories import CompetencyFactory, make_course
from tests.credits.factories import make_programme
from tests.factories import UserFactory
from tests.postgres.workers import run_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CHECK_TASK = "credits.tasks.certificates_check_task"


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _age(root: Path, name: str, *, hours: float) -> None:
    moment = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(root / name, (moment, moment))


def test_killed_workers_task_is_requeued_and_completed_and_only_its_orphaned_pdf_is_swept(
    tmp_path, settings, monkeypatch
):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": private}},
    }
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    fg = CompetencyFactory(code="FG")
    make_programme(total="2.0", minimums={fg: "1.5"})
    course = make_course(code="FG-01", competency=fg, lessons=1, quiz=False, credits="2.0")
    trainee = UserFactory(real_name="张晓明")
    course_services.enrolment_create(user=trainee, course=course)
    with override_settings(TASKS=DATABASE_TASKS):
        course_services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).get())
    queued = DBTaskResult.objects.get(task_path=CHECK_TASK)

    marker = tmp_path / "number-taken"
    killed = run_worker("-m", "tests.postgres.killed_worker", str(marker), private_root=private)

    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.RUNNING and len(queued.worker_ids) == 1
    [orphan] = _files(private)  # the PDF was stored; its row died with the transaction
    assert not Certificate.objects.exists()

    # Half an hour later the scheduler's timer finds the task and puts the very same row back in the queue.
    DBTaskResult.objects.filter(pk=queued.pk).update(started_at=timezone.now() - timedelta(minutes=31))
    out = StringIO()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("requeue_stale_tasks", stdout=out)
    assert f"requeued: {queued.pk} {CHECK_TASK}" in out.getvalue()
    finished = run_worker(
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--no-reload",
        "--worker-id",
        "live-worker",
        private_root=private,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL and queued.worker_ids[1:] == ["live-worker"]
    certificate = Certificate.objects.get()
    assert certificate.number == marker.read_text(encoding="utf-8")
    assert _files(private) == {orphan, certificate.pdf.name}

    # The nightly sweep, a day later: the orphan goes, the certificate's PDF stays intact.
    for name in _files(private):
        _age(private, name, hours=25)
    out = StringIO()
    call_command("sweep_orphan_certificate_files", stdout=out)
    assert f"deleted: {orphan} " in out.getvalue()
    assert _files(private) == {certificate.pdf.name}
    assert hashlib.sha256((private / certificate.pdf.name).read_bytes()).hexdigest() == certificate.pdf_sha256


def test_two_hosts_requeueing_at_once_requeue_each_stale_task_once(monkeypatch):
    with override_settings(TASKS=DATABASE_TASKS):
        ids = {str(send_session_reminders.enqueue().id) for _ in range(20)}
    for row in DBTaskResult.objects.all():
        row.claim("dead-worker")
    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(hours=1))
    snapshot = task_queue._snapshot

    def slow_snapshot(row, **kwargs):  # keep each host's transaction open while the other one reads
        threading.Event().wait(0.02)
        return snapshot(row, **kwargs)

    monkeypatch.setattr(task_queue, "_snapshot", slow_snapshot)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def host():
        try:
            barrier.wait(timeout=10)
            results.append(task_queue.stale_tasks_requeue(older_than=timedelta(minutes=30)))
        except Exception as error:  # reported below; a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [] and len(results) == 2
    requeued = [stale.id for result in results for stale in result.requeued]
    assert sorted(requeued) == sorted(ids)  # every one, and none twice
    assert all(result.moved_on == [] for result in results)  # the locks kept the other host from even trying
    assert DBTaskResult.objects.ready().count() == 20
