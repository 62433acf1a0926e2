"""Bulk issue: queue a run for a programme or a cohort, then work through it in batches, rendering PDFs in
parallel; a batch that meets a conflict is issued again one by one."""

import contextlib
import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from academy.models import User
from courses.models import Competency

from ... import rules, selectors
from ...choices import BulkIssueStatus
from ...models import BulkIssueRun, Certificate, CertificateSettings, Cohort, ProgrammePage
from ...services import CreditActionError, require_registrar
from .. import pdf as certificate_pdf
from .. import render as pdf_render
from .. import selectors as cert_selectors
from . import files, issuing, numbering

logger = logging.getLogger("credits.certificates")


@transaction.atomic
def bulk_issue_run_start(
    *, actor: User, programme: ProgrammePage | None = None, cohort: Cohort | None = None
) -> BulkIssueRun:
    """Queue a bulk issue, for everyone who meets a programme or for the members of a cohort who meet the cohort's
    programme; the task runs after commit."""
    from ...tasks import bulk_issue_task

    require_registrar(actor)
    if cohort is not None:
        if programme is not None and programme.pk != cohort.programme_id:
            raise CreditActionError(
                _("Cohort %(cohort)s belongs to 《%(programme)s》; choose that programme or no programme.")
                % {"cohort": cohort.name, "programme": cohort.programme.title},
                code="invalid",
            )
        programme = cohort.programme
    if programme is None:
        raise CreditActionError(_("Choose a programme or a cohort."), code="invalid")
    run = BulkIssueRun(programme=programme, cohort=cohort, requested_by=actor)
    run.full_clean()
    run.save()
    log(
        instance=run,
        action="credits.bulk_issue",
        user=actor,
        data={"programme": programme.pk, "cohort": cohort.pk if cohort else None},
    )
    transaction.on_commit(lambda: bulk_issue_task.enqueue(run_id=run.pk))
    return run


MAX_RUN_MESSAGES = 200
# Certificates numbered, rendered and inserted per transaction, per render worker. Small enough that the counter
# (and on SQLite the database) is locked for well under a second at a time; large enough to keep every worker busy.
BULK_BATCH_PER_WORKER = 4


class _BulkProgress:
    """A run's counts and messages as it goes. ``save`` writes them inside the caller's transaction, so what the
    admin shows always matches the certificates that exist, even when the worker is killed half way."""

    def __init__(self, run: BulkIssueRun, *, carried: int):
        self.run_pk = run.pk
        self.counts = {"processed": carried, "issued": carried, "skipped": 0, "failed": 0}
        self.action_needed: list[str] = []  # no real name: a person can put that right
        self.other: list[str] = []  # not eligible, not of the programme's party, errors

    def skip(self, error: CreditActionError) -> None:
        self.counts["skipped"] += 1
        self.counts["processed"] += 1
        if error.code == "no_real_name":
            self.action_needed.append(error.message)
        elif error.code != "already_issued":
            shortfalls = gettext("; ").join(str(shortfall) for shortfall in error.shortfalls)
            self.other.append(f"{error.message} {shortfalls}".strip())

    def fail(self, holder: User, error: Exception) -> None:
        self.counts["failed"] += 1
        self.counts["processed"] += 1
        self.other.append(f"{holder.display_name}: {error}")

    def messages(self) -> list[str]:
        return (self.action_needed + self.other)[:MAX_RUN_MESSAGES]

    def save(self, *, issued: int = 0, **fields) -> None:
        counts = {
            **self.counts,
            "issued": self.counts["issued"] + issued,
            "processed": self.counts["processed"] + issued,
        }
        BulkIssueRun.objects.filter(pk=self.run_pk).update(messages=self.messages(), **counts, **fields)

    def issued(self, count: int) -> None:
        self.counts["issued"] += count
        self.counts["processed"] += count


def _bulk_plans(
    holders: list[User],
    *,
    programme: ProgrammePage,
    requirements: rules.Requirements,
    on: date,
    progress: _BulkProgress,
) -> list[issuing.IssuePlan]:
    """Who in a batch gets a certificate; everyone else is counted as skipped (or failed) with a message."""
    plans = []
    for holder in holders:
        try:
            if programme.party and holder.party != programme.party:
                raise CreditActionError(
                    _("%(name)s is not of the party 《%(programme)s》 is meant for.")
                    % {"name": holder.display_name, "programme": programme.title},
                    code="other_party",
                )
            plans.append(
                issuing.issue_plan(holder=holder, programme=programme, issued_on=on, requirements=requirements)
            )
        except CreditActionError as error:
            progress.skip(error)
        except Exception as error:  # one bad record must not stop the run; it is counted and logged
            logger.exception("Bulk issue could not check %s", holder.pk)
            progress.fail(holder, error)
    return plans


def _bulk_still_current(plans: list[issuing.IssuePlan]) -> tuple[list[issuing.IssuePlan], list[issuing.IssuePlan]]:
    """Split plans into those whose holder's certificates are as they were when checked, and the rest (someone
    issued or revoked one since). Call with the year's counter locked, so nothing changes until commit."""
    if not plans:
        return [], []
    tips: dict[int, int] = {}
    for holder_id, pk in (
        Certificate.objects.filter(
            programme=plans[0].programme, holder__in=[plan.holder.pk for plan in plans], renewed_by__isnull=True
        )
        .order_by("issued_on", "pk")
        .values_list("holder_id", "pk")
    ):
        tips[holder_id] = pk  # the latest wins, as in certificate_tip
    current, changed = [], []
    for plan in plans:
        seen = plan.renews.pk if plan.renews else None
        (current if tips.get(plan.holder.pk) == seen else changed).append(plan)
    return current, changed


def _bulk_issue_batch(
    plans: list[issuing.IssuePlan],
    *,
    actor: User,
    renderer: pdf_render.PdfRenderer,
    competencies: list[Competency],
    certificate_settings: CertificateSettings,
    progress: _BulkProgress,
) -> list[issuing.IssuePlan]:
    """Issue a batch in one transaction: lock the year's counter, number the plans still current, render their
    PDFs in parallel, store the files, insert the complete rows and save the run's progress; then commit. A kill
    or an error before the commit leaves no certificate row and no used number (and the stored files are removed
    when this process lives to do it). Returns the plans left out because their holder's certificates changed."""
    certificates: list[Certificate] = []
    try:
        with transaction.atomic():
            year = plans[0].issued_on.year
            numbering.certificate_number_counter_lock(year=year)
            current, changed = _bulk_still_current(plans)
            if current:
                numbers = numbering.certificate_numbers_allocate(year=year, count=len(current))
                certificates = [
                    issuing.certificate_build(plan, number=number, actor=actor, competencies=competencies)
                    for plan, number in zip(current, numbers, strict=True)
                ]
                htmls = [
                    certificate_pdf.certificate_html(c, certificate_settings=certificate_settings) for c in certificates
                ]
                for certificate, (data, digest) in zip(certificates, renderer.render(htmls), strict=True):
                    files.pdf_attach(certificate, data, digest)
                for certificate in certificates:
                    certificate.save()
                    issuing.after_insert(certificate, actor=actor)
            progress.save(issued=len(certificates))
    except BaseException:
        files.pdfs_discard(certificates)
        raise
    progress.issued(len(certificates))
    return changed


def _bulk_issue_one_by_one(
    plans: list[issuing.IssuePlan],
    *,
    actor: User,
    requirements: rules.Requirements,
    competencies: list[Competency],
    certificate_settings: CertificateSettings,
    progress: _BulkProgress,
) -> None:
    """Issue each plan in its own transaction, deciding again from scratch (after a batch met a conflict)."""
    for plan in plans:
        try:
            with transaction.atomic():
                issuing.certificate_issue(
                    holder=plan.holder,
                    programme=plan.programme,
                    actor=actor,
                    requirements=requirements,
                    competencies=competencies,
                    certificate_settings=certificate_settings,
                )
                progress.save(issued=1)
            progress.issued(1)
            continue
        except CreditActionError as error:
            progress.skip(error)
        except Exception as error:  # counted and logged; the run goes on
            logger.exception("Bulk issue failed for %s", plan.holder.pk)
            progress.fail(plan.holder, error)
        progress.save()


def bulk_issue_run_execute(*, run: BulkIssueRun) -> BulkIssueRun:
    """Work through a bulk run in batches (see ``_bulk_issue_batch``), rendering PDFs in
    CERTIFICATE_RENDER_WORKERS processes; the counts are saved with each batch so the admin shows progress.

    Not atomic as a whole on purpose: a batch that meets a conflict is issued again one by one, and one failure
    does not undo the others. Running a run again (after its worker was killed, or it failed) carries on: those
    already issued keep their certificates and count as issued, everyone else is checked again.
    """
    programme = run.programme
    actor = run.requested_by
    requirements = selectors.programme_requirements(programme)
    competencies = list(Competency.objects.all())
    settings_obj = cert_selectors.certificate_settings()
    candidates = list(cert_selectors.bulk_issue_candidates(programme, cohort=run.cohort))
    carried = run.issued if run.started_at else 0
    progress = _BulkProgress(run, carried=carried)
    progress.save(
        status=BulkIssueStatus.RUNNING,
        total=carried + len(candidates),
        started_at=run.started_at or timezone.now(),
        finished_at=None,
    )
    workers = settings.CERTIFICATE_RENDER_WORKERS or pdf_render.default_workers()
    batch_size = max(1, workers) * BULK_BATCH_PER_WORKER
    try:
        with pdf_render.PdfRenderer(workers=workers, base_url=certificate_pdf.base_url()) as renderer:
            for start in range(0, len(candidates), batch_size):
                on = selectors.today()
                plans = _bulk_plans(
                    candidates[start : start + batch_size],
                    programme=programme,
                    requirements=requirements,
                    on=on,
                    progress=progress,
                )
                if not plans:
                    progress.save()
                    continue
                kwargs = {
                    "actor": actor,
                    "competencies": competencies,
                    "certificate_settings": settings_obj,
                    "progress": progress,
                }
                try:
                    changed = _bulk_issue_batch(plans, renderer=renderer, **kwargs)
                except Exception:
                    logger.exception("Bulk issue %s: a batch failed; issuing its certificates one by one", run.pk)
                    changed = plans
                _bulk_issue_one_by_one(changed, requirements=requirements, **kwargs)
        progress.save(status=BulkIssueStatus.DONE, finished_at=timezone.now())
    except BaseException:
        with contextlib.suppress(Exception):  # the database may be what failed; the original error matters more
            progress.save(status=BulkIssueStatus.FAILED, finished_at=timezone.now())
        raise
    run.refresh_from_db()
    return run
