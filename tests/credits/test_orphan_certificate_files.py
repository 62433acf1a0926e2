"""manage.py sweep_orphan_certificate_files: a stored certificate PDF that no certificate names (a worker killed
between storing it and committing the row; a removal after account deletion that never ran) is deleted once it is
older than --older-than hours; referenced files, young files and anything outside certificates/ are kept; --dry-run
deletes nothing; the same on S3 (moto)."""

import os
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.utils import timezone

from credits.certificates.services import files, issuing, revocation
from credits.models import Certificate
from tests.academy.conftest import settings_for_env  # noqa: F401 (the S3 fixture builds its settings with it)
from tests.academy.test_object_storage import BUCKET, keys, s3, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ORPHAN = b"%PDF-1.7 an orphan"


@pytest.fixture
def storage(tmp_path, settings, monkeypatch):
    """A private storage of this test's own (other test processes store certificates in the shared one)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])
    return storages["private"]


def put(storage, name: str, *, hours_old: float, content: bytes = ORPHAN) -> str:
    """Store a file and set its modified time ``hours_old`` hours back."""
    stored = storage.save(name, ContentFile(content))
    age(storage, stored, hours_old=hours_old)
    return stored


def age(storage, name: str, *, hours_old: float) -> None:
    moment = (timezone.now() - timedelta(hours=hours_old)).timestamp()
    os.utime(storage.path(name), (moment, moment))


def sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_orphan_certificate_files", *args, stdout=out)
    return out.getvalue()


def killed_mid_issue(certified_world, monkeypatch) -> None:
    """Issue as a worker killed after storing the PDF and before the commit would: the row is rolled back and the
    clean-up that a living process runs never happens."""

    def killed(certificate, *, actor):
        raise SystemExit("SIGKILL")

    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr(files, "pdfs_discard", lambda certificates: None)
        patch.setattr(issuing, "after_insert", killed)
        issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])


def test_pdf_left_by_a_worker_killed_mid_issue_is_swept_once_old_and_the_issued_one_kept(
    storage, certified_world, monkeypatch
):
    killed_mid_issue(certified_world, monkeypatch)
    [(directory, [orphan])] = [(d, f) for d, _, f in os.walk(storage.location) if f]
    orphan_name = os.path.relpath(os.path.join(directory, orphan), storage.location)
    assert not Certificate.objects.exists() and orphan_name.startswith("certificates/")
    assert "0 orphaned certificate file(s) deleted" in sweep()  # young: it might still be committed

    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    age(storage, orphan_name, hours_old=25)
    age(storage, certificate.pdf.name, hours_old=25)
    size = storage.size(orphan_name)
    output = sweep()

    assert not storage.exists(orphan_name)
    assert storage.exists(certificate.pdf.name)
    assert f"deleted: {orphan_name} {size} bytes" in output
    assert f"1 orphaned certificate file(s) deleted, {size} bytes" in output


def test_only_old_unreferenced_files_under_certificates_are_deleted(storage, certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    age(storage, certificate.pdf.name, hours_old=24 * 400)
    old = put(storage, "certificates/2025/old-orphan.pdf", hours_old=30)
    deep = put(storage, "certificates/2024/imported/deep-orphan.pdf", hours_old=30)
    young = put(storage, "certificates/2026/young-orphan.pdf", hours_old=23)
    outside = [
        put(storage, "healthz/probe.txt", hours_old=30),
        put(storage, "elsewhere/old.pdf", hours_old=30),
        put(storage, "certificates-2019/look-alike.pdf", hours_old=30),
        put(storage, "loose.pdf", hours_old=30),
    ]

    output = sweep()

    assert not storage.exists(old) and not storage.exists(deep)
    assert storage.exists(certificate.pdf.name) and storage.exists(young)
    assert all(storage.exists(name) for name in outside)
    assert f"2 orphaned certificate file(s) deleted, {2 * len(ORPHAN)} bytes" in output


def test_older_than_sets_the_age_a_file_must_reach(storage):
    name = put(storage, "certificates/2026/orphan.pdf", hours_old=5)
    sweep("--older-than", "6")
    assert storage.exists(name)
    sweep("--older-than=4")
    assert not storage.exists(name)


def test_dry_run_lists_and_deletes_nothing(storage):
    name = put(storage, "certificates/2026/orphan.pdf", hours_old=48)
    output = sweep("--dry-run")
    assert f"would delete: {name} {len(ORPHAN)} bytes" in output
    assert f"1 orphaned certificate file(s) would be deleted, {len(ORPHAN)} bytes" in output
    assert storage.exists(name)


def test_pdf_of_a_deleted_account_whose_removal_never_ran_is_swept(storage, certified_world):
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    name = certificate.pdf.name
    # The removal waits for the commit (on_commit); here the process dies before running it.
    revocation.certificates_revoke_for_deleted_account(holder=certified_world["trainee"])
    certificate.refresh_from_db()
    assert certificate.pdf.name == "" and storage.exists(name)
    age(storage, name, hours_old=30)
    sweep()
    assert not storage.exists(name)


def test_a_file_that_cannot_be_deleted_is_reported_and_the_rest_are_swept(storage, monkeypatch):
    stuck = put(storage, "certificates/2026/a-stuck.pdf", hours_old=48)
    other = put(storage, "certificates/2026/b-other.pdf", hours_old=48)
    delete = storage.delete

    def refuse(name):
        if name == stuck:
            raise PermissionError(13, "Permission denied")
        delete(name)

    monkeypatch.setattr(storage, "delete", refuse)
    with pytest.raises(CommandError, match="1 orphaned certificate file\\(s\\) deleted.*1 could not be deleted"):
        sweep()
    assert storage.exists(stuck) and not storage.exists(other)


def test_an_empty_storage_is_fine(storage):
    assert "0 orphaned certificate file(s) deleted, 0 bytes" in sweep()


@pytest.mark.parametrize("value", ["0", "-1", "a day"])
def test_older_than_must_be_a_positive_number_of_hours(storage, value):
    name = put(storage, "certificates/2026/orphan.pdf", hours_old=48)
    with pytest.raises(CommandError, match="older-than"):
        sweep(f"--older-than={value}")
    assert storage.exists(name)


def test_on_s3_only_old_orphans_under_the_private_certificates_prefix_are_deleted(s3, certified_world):  # noqa: F811
    certificate = issuing.certificate_issue(holder=certified_world["trainee"], programme=certified_world["programme"])
    private = storages["private"]
    orphan = private.save("certificates/2025/orphan.pdf", ContentFile(ORPHAN))
    deep = private.save("certificates/2024/imported/deep.pdf", ContentFile(ORPHAN))
    s3.put_object(Bucket=BUCKET, Key="private/elsewhere/old.pdf", Body=ORPHAN)
    s3.put_object(Bucket=BUCKET, Key="private/certificates-2019/look-alike.pdf", Body=ORPHAN)
    s3.put_object(Bucket=BUCKET, Key="media/certificates/2025/public.pdf", Body=ORPHAN)
    everything = keys(s3)

    # Just stored: young, whatever references them.
    assert files.certificate_orphan_files_sweep(older_than=timedelta(hours=24)).files == []
    later = timezone.now() + timedelta(hours=25)
    listed = files.certificate_orphan_files_sweep(older_than=timedelta(hours=24), now=later, dry_run=True)
    assert sorted(stored.name for stored in listed.files) == sorted([orphan, deep])
    assert listed.bytes == 2 * len(ORPHAN) and keys(s3) == everything

    swept = files.certificate_orphan_files_sweep(older_than=timedelta(hours=24), now=later)

    assert sorted(stored.name for stored in swept.files) == sorted([orphan, deep]) and swept.failed == []
    assert keys(s3) == sorted(set(everything) - {f"private/{orphan}", f"private/{deep}"})
    assert f"private/{certificate.pdf.name}" in keys(s3)
