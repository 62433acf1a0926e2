"""Task rows left RUNNING by a dead worker (django-tasks-db): finding them, and putting them back in the queue.

A ``db_worker`` marks a row RUNNING when it claims it and SUCCESSFUL or FAILED when the task returns. A worker
killed in between (SIGKILL, the OOM killer, systemd's stop timeout, a host that vanished) leaves the row RUNNING
for ever, and django-tasks-db has no heartbeat to notice. So a row RUNNING for longer than any task here takes
(``TASKS_STALE_AFTER_MINUTES``, default 30; the longest task, a bulk issue of 1,000 certificates, takes about a
minute) is taken to be dead, and ``manage.py requeue_stale_tasks`` sets it READY again for a live worker.

Requeueing means a task may run twice: once partly (killed) and once in full, or, if the threshold was too short
and the first worker still lives, twice side by side. So only tasks known to be safe to run twice are requeued
(``REQUEUE_SAFE_TASKS``; ``tests/academy/test_requeue_stale_tasks.py`` fails when a task exists that is not on the
list, so each new task gets this decision). The ones there are, and why each is safe:

- ``credits.tasks.certificates_check_task``: decides again from the database for each programme; a holder with a
  current certificate is refused (``already_issued``, backed by partial unique constraints), a pending approval
  request is reused, a certificate is renewed at most once (``already_renewed``). A killed run left no row and
  no number (each issue is one transaction); its stored PDF, if any, is swept by ``sweep_orphan_certificate_files``.
- ``credits.tasks.bulk_issue_task``: saves progress per batch in the batch's transaction and is written to carry
  on: holders already issued are no longer candidates and keep their count; the rest are checked again. Two runs
  side by side cannot issue twice either (each batch locks the year's counter and re-reads the holders' tips).
- ``credits.tasks.certificate_reminders_task``: each (certificate, 90/30 days) reminder has a unique row written
  in the transaction that sends it. A kill after the SMS left the provider but before the commit sends that one
  reminder again (at least once, never more than that one extra).
- ``courses.tasks.send_session_reminders``: one transaction marks ``reminded_at`` and the SMS and emails go out
  on commit, so a registration is reminded at most once (a kill right after the commit loses its reminders).
- ``notifications.tasks.deliver_notifications``: each delivery is claimed (PENDING → SENDING, committed) before its
  provider is called and marked SENT after; a requeued batch skips the sent ones, sends the untouched ones and marks
  the one a kill left SENDING as "uncertain" instead of sending it again (at most once, never a duplicate).
- ``notifications.tasks.dispatch_due_notifications``: only enqueues due deliveries; one enqueued twice is sent once.
- ``assessments.tasks.close_expired_papers``: submits each expired open paper through courses' submission of an
  expired paper (``quiz_attempt_submit_expired``, sharing the trainee's scoring and recording), which numbers the
  attempt once; a paper already submitted is skipped, so a second run (or two at once) records no second attempt.
  A trainee who left the course meanwhile has the attempt recorded too; the course completes only when enrolled.
- ``courses.tasks.video_length_task``: reads the file again and overwrites the one length row of its document.
- Wagtail's ``update_reference_index_task``, ``delete_file_from_storage_task`` (deleting a deleted file is a
  no-op), ``set_image_focal_point_task``, ``purge_urls_from_cache_task`` and modelsearch's
  ``insert_or_update_object_task``: each recomputes or re-applies the same state.

A row whose task is not on the list is left RUNNING and reported on every run (and counted by /healthz), for a
person to decide (``requeue_stale_tasks --include <task path>`` requeues it once they have).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

REQUEUE_SAFE_TASKS = frozenset(
    {
        "assessments.tasks.close_expired_papers",
        "courses.tasks.send_session_reminders",
        "courses.tasks.video_length_task",
        "credits.tasks.certificates_check_task",
        "credits.tasks.bulk_issue_task",
        "credits.tasks.certificate_reminders_task",
        "notifications.tasks.deliver_notifications",
        "notifications.tasks.dispatch_due_notifications",
        "wagtail.tasks.update_reference_index_task",
        "wagtail.tasks.delete_file_from_storage_task",
        "wagtail.images.tasks.set_image_focal_point_task",
        "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task",
        "modelsearch.tasks.insert_or_update_object_task",
    }
)


@dataclass(frozen=True)
class StaleTask:
    """A RUNNING row as it was read: what the conditional write compares against, and what the command prints."""

    id: str
    task_path: str
    started_at: datetime
    worker_ids: list[str]
    safe_to_requeue: bool


@dataclass
class RequeueResult:
    """What one pass did, row by row."""

    requeued: list[StaleTask]
    not_safe: list[StaleTask]  # left RUNNING: the task is not known to be safe to run twice
    moved_on: list[StaleTask]  # finished or claimed again between the read and the write: left as it is


def stale_running_tasks(*, older_than: timedelta, now: datetime | None = None) -> QuerySet[DBTaskResult]:
    """RUNNING rows claimed longer ago than ``older_than`` (oldest first): their worker is taken to be dead."""
    cutoff = (now or timezone.now()) - older_than
    return DBTaskResult.objects.running().filter(started_at__lt=cutoff).order_by("started_at", "id")


def stale_running_count(*, older_than: timedelta) -> int:
    """How many RUNNING rows are older than ``older_than`` (for /healthz)."""
    return stale_running_tasks(older_than=older_than).count()


def _snapshot(row: DBTaskResult, *, also_safe: frozenset[str] = frozenset()) -> StaleTask:
    return StaleTask(
        id=str(row.id),
        task_path=row.task_path,
        started_at=row.started_at,
        worker_ids=list(row.worker_ids or []),
        safe_to_requeue=row.task_path in REQUEUE_SAFE_TASKS or row.task_path in also_safe,
    )


def stale_task_requeue(*, stale: StaleTask) -> bool:
    """Put one stale row back to READY, exactly as a freshly enqueued row is (no start, finish, return value or
    error), keeping its id, arguments, priority, queue, ``enqueued_at`` and ``worker_ids`` history. ``run_after``
    becomes the requeue time: /healthz measures a ready task's wait from the later of the two, and counting from the
    first enqueue (half an hour ago at least) would answer 503 on every web host until a worker took the task.

    The write is conditional on the row being as it was read (still RUNNING, same ``started_at``): a row that
    finished meanwhile, or that another host already requeued and a worker claimed again, is left alone. Returns
    whether the row was requeued."""
    updated = DBTaskResult.objects.filter(
        pk=stale.id, status=TaskResultStatus.RUNNING, started_at=stale.started_at
    ).update(
        status=TaskResultStatus.READY,
        run_after=timezone.now(),
        started_at=None,
        finished_at=None,
        return_value=None,
        exception_class_path="",
        traceback="",
    )
    return updated == 1


@transaction.atomic
def stale_tasks_requeue(
    *, older_than: timedelta, dry_run: bool = False, also_safe: frozenset[str] = frozenset()
) -> RequeueResult:
    """Requeue every stale RUNNING row whose task is safe to run twice (see the module docstring), or whose path a
    person has named in ``also_safe`` after deciding it may run again.

    The rows are read with ``SELECT … FOR UPDATE SKIP LOCKED`` (on PostgreSQL; SQLite serialises writers anyway),
    so two hosts running this at once split the rows between them, and each write is conditional (see
    ``stale_task_requeue``). ``dry_run`` reads the same rows, writes nothing and reports what it would do."""
    rows = stale_running_tasks(older_than=older_than).select_for_update(skip_locked=True)
    result = RequeueResult(requeued=[], not_safe=[], moved_on=[])
    for stale in [_snapshot(row, also_safe=also_safe) for row in rows]:
        if not stale.safe_to_requeue:
            result.not_safe.append(stale)
        elif dry_run or stale_task_requeue(stale=stale):
            result.requeued.append(stale)
        else:
            result.moved_on.append(stale)
    for stale in result.requeued if not dry_run else []:
        logger.warning(
            "Requeued task %s (%s) left RUNNING since %s by worker(s) %s",
            stale.id,
            stale.task_path,
            stale.started_at.isoformat(),
            ",".join(stale.worker_ids),
        )
    for stale in result.not_safe:
        logger.error(
            "Task %s (%s) stuck RUNNING since %s is not known to be safe to run twice: left as it is",
            stale.id,
            stale.task_path,
            stale.started_at.isoformat(),
        )
    return result
