"""Faults on a real PostgreSQL: a task worker killed mid-certificate, and a backup restored elsewhere."""

import hashlib
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from courses import services as course_services
from courses.models import LessonPage
from credits.certificates.services import issuing
from credits.models import Certificate, CertificateNumberCounter
from credits.tasks import certificates_check_task
from tests.courses.factories import CompetencyFactory, make_course
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory
from tests.postgres.workers import run_worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CHECK_TASK = "credits.tasks.certificates_check_task"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_worker_killed_while_issuing_a_certificate_leaves_nothing_half_made_and_the_retry_completes_it(tmp_path):
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    course = make_course(code="FG-01", competency=fg, lessons=1, quiz=False, credits="2.0")
    trainee = UserFactory(real_name="张晓明")
    course_services.enrolment_create(user=trainee, course=course)
    # Completing the course awards the credits and, once that commits, queues the certificate check for a worker.
    with override_settings(TASKS=DATABASE_TASKS):
        course_services.lesson_mark_done(user=trainee, lesson=LessonPage.objects.child_of(course).get())
    queued = DBTaskResult.objects.get(task_path=CHECK_TASK)
    assert queued.status == TaskResultStatus.READY
    assert not Certificate.objects.exists()

    marker = tmp_path / "number-taken"
    killed = run_worker("-m", "tests.postgres.killed_worker", str(marker))

    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    taken = marker.read_text(encoding="utf-8")  # the kill came after the number, the row and the PDF
    assert re.search(r"第0*1号", taken)
    assert not Certificate.objects.exists()  # no row, so no row without its PDF or SHA-256
    year = timezone.localdate().year
    assert not CertificateNumberCounter.objects.filter(year=year, last_serial__gt=0).exists()  # number not used
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.RUNNING  # the dead worker never finished it

    # The retry: the same check queued again (as the next credit change or an operator would) and a fresh worker.
    with override_settings(TASKS=DATABASE_TASKS):
        retry = certificates_check_task.enqueue(user_id=trainee.pk)
    finished = run_worker("manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert DBTaskResult.objects.get(pk=retry.id).status == TaskResultStatus.SUCCESSFUL
    certificate = Certificate.objects.get()
    assert (certificate.holder, certificate.programme) == (trainee, programme)
    assert certificate.number == taken  # the number the dead worker had taken was given back: no gap
    assert CertificateNumberCounter.objects.get(year=year).last_serial == 1
    pdf = Path(settings.PRIVATE_MEDIA_ROOT) / certificate.pdf.name
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _sha256(pdf) == certificate.pdf_sha256


def test_a_restored_backup_reproduces_every_certificate_pdf_sha256(tmp_path):
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    for n in range(3):
        holder = UserFactory(real_name=f"学员{n}")
        give_credits(holder, fg, "3.0")
        issuing.certificate_issue(holder=holder, programme=programme)
    originals = {c.number: c.pdf_sha256 for c in Certificate.objects.all()}
    assert len(originals) == 3

    # The backup the runbook describes: pg_dump of the database plus a copy of the private storage directory.
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    where = ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    dump = tmp_path / "academy.dump"
    subprocess.run(["pg_dump", *where, "-Fc", "-f", str(dump), db["NAME"]], env=env, check=True, timeout=300)  # noqa: S603, S607
    private_copy = tmp_path / "private"
    shutil.copytree(settings.PRIVATE_MEDIA_ROOT, private_copy)

    restored = f"{db['NAME']}_restored"
    subprocess.run(["dropdb", *where, "--if-exists", restored], env=env, check=True, timeout=60)  # noqa: S603, S607
    subprocess.run(["createdb", *where, restored], env=env, check=True, timeout=60)  # noqa: S603, S607
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", *where, "--no-owner", "--exit-on-error", "-d", restored, str(dump)],  # noqa: S607
            env=env, check=True, timeout=300,
        )  # fmt: skip
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, dbname=restored
        ) as restored_db:
            rows = restored_db.execute("SELECT number, pdf, pdf_sha256 FROM credits_certificate").fetchall()
    finally:
        subprocess.run(["dropdb", *where, "--if-exists", restored], env=env, check=True, timeout=60)  # noqa: S603, S607

    assert {number: sha for number, _pdf, sha in rows} == originals
    for number, pdf_name, sha in rows:
        assert pdf_name, number
        assert _sha256(private_copy / pdf_name) == sha == originals[number]
