"""Bulk issue in batches: PDFs rendered in parallel processes, numbers without gaps when a run is killed half way,
a retry that completes it, conflicts issued one by one, progress saved with each batch, and runs for a cohort."""

import hashlib
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from credits.certificates.services import bulk, files, issuing
from credits.choices import BulkIssueStatus
from credits.models import BulkIssueRun, Certificate, CertificateNumberCounter, Cohort
from credits.services import CreditActionError
from tests.factories import UserFactory, make_registrar, with_admin_access

from .factories import give_credits

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands in for the worker process dying: not an Exception, so nothing in the run catches it."""


def _holders(world, count, *, credits="2.0", prefix="学员"):
    holders = [UserFactory(real_name=f"{prefix}{index}") for index in range(count)]
    for holder in holders:
        give_credits(holder, world["fg"], credits)
    return holders


def _serials():
    return sorted(int(number[-7:-1]) for number in Certificate.objects.values_list("number", flat=True))


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def _assert_complete(certificate: Certificate) -> None:
    """A certificate row has its PDF, the PDF's SHA-256, and the PDF names its own holder and number."""
    data = certificate.pdf.read()
    certificate.pdf.close()
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
    text = _text(data)
    assert certificate.holder_name in text and certificate.number in text


@override_settings(CERTIFICATE_RENDER_WORKERS=2)
def test_bulk_issue_renders_in_worker_processes_and_each_pdf_belongs_to_its_row(certified_world):
    _holders(certified_world, 9)
    run = bulk.bulk_issue_run_start(actor=make_registrar(), programme=certified_world["programme"])
    run = bulk.bulk_issue_run_execute(run=run)
    assert run.status == BulkIssueStatus.DONE
    assert (run.total, run.processed, run.issued, run.skipped, run.failed) == (10, 10, 10, 0, 0)
    assert _serials() == list(range(1, 11))
    for certificate in Certificate.objects.all():
        _assert_complete(certificate)


def test_progress_is_saved_with_each_batch(certified_world, monkeypatch):
    _holders(certified_world, 5)  # six with the world's trainee: batches of four, then two
    seen = []
    original = bulk._bulk_issue_batch

    def spy(plans, **kwargs):
        run = BulkIssueRun.objects.get()
        seen.append((run.status, run.processed, run.issued))
        return original(plans, **kwargs)

    monkeypatch.setattr(bulk, "_bulk_issue_batch", spy)
    run = bulk.bulk_issue_run_start(actor=make_registrar(), programme=certified_world["programme"])
    bulk.bulk_issue_run_execute(run=run)
    assert seen == [(BulkIssueStatus.RUNNING, 0, 0), (BulkIssueStatus.RUNNING, 4, 4)]


def test_a_run_killed_in_a_batch_leaves_no_certificate_number_or_file_of_it_and_a_retry_completes_it(
    certified_world, monkeypatch
):
    _holders(certified_world, 5)
    stored = []
    original_attach = files.pdf_attach

    def attach(certificate, data, digest):
        original_attach(certificate, data, digest)
        stored.append(certificate.pdf.name)

    inserts = {"count": 0}
    original_after = issuing.after_insert

    def after_insert(certificate, *, actor):
        original_after(certificate, actor=actor)
        inserts["count"] += 1
        if inserts["count"] == 5:  # the first row of the second batch is in; the worker dies before the commit
            raise Killed

    monkeypatch.setattr(files, "pdf_attach", attach)
    monkeypatch.setattr(issuing, "after_insert", after_insert)
    run = bulk.bulk_issue_run_start(actor=make_registrar(), programme=certified_world["programme"])
    with pytest.raises(Killed):
        bulk.bulk_issue_run_execute(run=run)

    run.refresh_from_db()
    assert Certificate.objects.count() == 4 and _serials() == [1, 2, 3, 4]
    assert CertificateNumberCounter.objects.get().last_serial == 4  # the killed batch's numbers were not used
    assert (run.issued, run.processed) == (4, 4)  # saved with the batch that committed, so it matches
    storage = Certificate._meta.get_field("pdf").storage
    kept = set(Certificate.objects.values_list("pdf", flat=True))
    assert len(stored) == 6 and kept < set(stored)
    assert not any(storage.exists(name) for name in set(stored) - kept)  # the rolled-back batch's files are gone
    for certificate in Certificate.objects.all():
        _assert_complete(certificate)

    monkeypatch.setattr(issuing, "after_insert", original_after)
    run = bulk.bulk_issue_run_execute(run=run)  # the retry
    assert run.status == BulkIssueStatus.DONE
    assert (run.total, run.processed, run.issued, run.skipped, run.failed) == (6, 6, 6, 0, 0)
    assert _serials() == [1, 2, 3, 4, 5, 6]
    for certificate in Certificate.objects.all():
        _assert_complete(certificate)


def test_someone_issued_meanwhile_is_skipped_without_a_gap(certified_world, monkeypatch):
    holders = _holders(certified_world, 3)
    original = bulk._bulk_still_current
    registrar = make_registrar()

    def meanwhile(plans):
        monkeypatch.setattr(bulk, "_bulk_still_current", original)
        # Another registrar issued one of them after the run checked them (the counter lock is re-entrant here).
        issuing.certificate_issue(holder=holders[1], programme=certified_world["programme"], actor=registrar)
        return original(plans)

    monkeypatch.setattr(bulk, "_bulk_still_current", meanwhile)
    run = bulk.bulk_issue_run_start(actor=registrar, programme=certified_world["programme"])
    run = bulk.bulk_issue_run_execute(run=run)
    assert (run.issued, run.skipped, run.failed) == (3, 1, 0)
    assert Certificate.objects.filter(holder=holders[1]).count() == 1
    assert _serials() == [1, 2, 3, 4]


def test_a_conflict_inside_a_batch_rolls_it_back_and_its_holders_are_issued_one_by_one(certified_world, monkeypatch):
    holders = _holders(certified_world, 3)
    original = bulk._bulk_still_current
    registrar = make_registrar()

    def blind(plans):
        monkeypatch.setattr(bulk, "_bulk_still_current", original)
        issuing.certificate_issue(holder=holders[0], programme=certified_world["programme"], actor=registrar)
        return list(plans), []  # misses the certificate just issued: the unique constraint must stop the batch

    monkeypatch.setattr(bulk, "_bulk_still_current", blind)
    run = bulk.bulk_issue_run_start(actor=registrar, programme=certified_world["programme"])
    run = bulk.bulk_issue_run_execute(run=run)
    assert run.status == BulkIssueStatus.DONE and (run.issued, run.failed) == (4, 0)
    assert _serials() == [1, 2, 3, 4]
    assert Certificate.objects.filter(holder=holders[0]).count() == 1
    for certificate in Certificate.objects.all():
        _assert_complete(certificate)


def test_bulk_issue_for_a_cohort_issues_its_members_who_meet_the_programme_and_reports_the_rest(certified_world):
    members = _holders(certified_world, 2, prefix="一期")
    short = _holders(certified_world, 1, credits="0.5", prefix="差一点")[0]
    outsider = _holders(certified_world, 1, prefix="外班")[0]
    cohort = Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=certified_world["programme"])
    cohort.roster.set([*members, short])
    run = bulk.bulk_issue_run_start(actor=make_registrar(), cohort=cohort)
    assert run.programme == certified_world["programme"] and run.cohort == cohort
    run = bulk.bulk_issue_run_execute(run=run)
    assert (run.total, run.issued, run.skipped) == (3, 2, 1)
    assert set(Certificate.objects.values_list("holder", flat=True)) == {m.pk for m in members}
    assert not Certificate.objects.filter(holder__in=[short, outsider, certified_world["trainee"]]).exists()
    assert len(run.messages) == 1 and run.messages[0].startswith("差一点0") and "法规运用" in run.messages[0]


def test_a_cohort_member_of_another_party_is_skipped_with_a_reason(certified_world):
    other = _holders(certified_world, 1, prefix="物业")[0]
    other.party = "pc"
    other.save()
    cohort = Cohort.objects.create(name="混合班", programme=certified_world["programme"])
    cohort.roster.set([other])
    run = bulk.bulk_issue_run_execute(run=bulk.bulk_issue_run_start(actor=make_registrar(), cohort=cohort))
    assert (run.issued, run.skipped) == (0, 1) and "物业0" in run.messages[0]


def test_a_cohort_run_refuses_a_programme_that_is_not_the_cohorts(certified_world):
    from tests.credits.factories import make_programme

    other = make_programme(title="业委会委员履职培训", slug="committee")
    cohort = Cohort.objects.create(name="一期", programme=certified_world["programme"])
    with pytest.raises(CreditActionError) as error:
        bulk.bulk_issue_run_start(actor=make_registrar(), cohort=cohort, programme=other)
    assert error.value.code == "invalid" and not BulkIssueRun.objects.exists()


# The admin form ------------------------------------------------------------------------------------------------


def test_bulk_issue_form_offers_a_programme_or_a_cohort(client, certified_world):
    Cohort.objects.create(name="2026年第3期小区专员岗前培训班", programme=certified_world["programme"])
    client.force_login(with_admin_access(make_registrar()))
    page = client.get(reverse("credits_bulk_issues:add")).content.decode()
    assert "2026年第3期小区专员岗前培训班（小区专员岗前培训）" in page
    assert 'value="cohort"' in page and 'value="programme"' in page
    assert "offline cohorts" not in page and "线下班次" not in page  # no longer says cohorts do not exist


def test_registrar_runs_a_bulk_issue_for_a_cohort_from_the_admin(
    client, certified_world, django_capture_on_commit_callbacks
):
    members = _holders(certified_world, 2, prefix="一期")
    cohort = Cohort.objects.create(name="一期", programme=certified_world["programme"])
    cohort.roster.set(members)
    client.force_login(with_admin_access(make_registrar()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credits_bulk_issues:add"), {"issue_for": "cohort", "cohort": cohort.pk})
    run = BulkIssueRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("credits_bulk_issues:inspect", args=[run.pk])
    assert run.cohort == cohort and run.status == BulkIssueStatus.DONE and run.issued == 2
    assert not Certificate.objects.filter(holder=certified_world["trainee"]).exists()  # not in the cohort
    page = client.get(reverse("credits_bulk_issues:inspect", args=[run.pk])).content.decode()
    assert "一期" in page and "已核查 2 / 2" in page


def test_bulk_issue_form_without_the_chosen_cohort_shows_an_error_and_starts_nothing(client, certified_world):
    client.force_login(with_admin_access(make_registrar()))
    response = client.post(
        reverse("credits_bulk_issues:add"), {"issue_for": "cohort", "programme": certified_world["programme"].pk}
    )
    assert response.status_code == 200 and "请选择班级（期）" in response.content.decode()
    assert not BulkIssueRun.objects.exists()


def test_street_administrators_cannot_start_a_bulk_issue(client, certified_world):
    from tests.factories import StreetFactory, make_street_administrator

    cohort = Cohort.objects.create(name="一期", programme=certified_world["programme"])
    admin = with_admin_access(make_street_administrator(StreetFactory()))
    client.force_login(admin)
    assert client.get(reverse("credits_bulk_issues:add")).status_code in (302, 403)
    response = client.post(reverse("credits_bulk_issues:add"), {"issue_for": "cohort", "cohort": cohort.pk})
    assert response.status_code in (302, 403) and not BulkIssueRun.objects.exists()
    with pytest.raises(CreditActionError) as error:
        bulk.bulk_issue_run_start(actor=admin, cohort=cohort)
    assert error.value.code == "not_allowed"
