"""Put tasks left RUNNING by a dead db_worker back in the queue; run every 10 minutes on the scheduler host:

    python manage.py requeue_stale_tasks [--older-than MINUTES] [--dry-run]

Which tasks are requeued and why running them twice is safe: see academy/task_queue.py. Safe to run on two hosts
at once: each row is requeued by one of them at most, and a row that finished meanwhile is left as it is.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from academy.management.arguments import whole_number_at_least_one
from academy.task_queue import StaleTask, stale_tasks_requeue


class Command(BaseCommand):
    help = (
        "Set tasks that have been RUNNING longer than --older-than minutes (their worker died) back to READY, so a "
        "live db_worker runs them again. Only tasks known to be safe to run twice; the rest are reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=whole_number_at_least_one("minutes"),
            default=None,
            metavar="MINUTES",
            help="Requeue rows claimed longer ago than this (default: TASKS_STALE_AFTER_MINUTES, 30). Keep it well "
            "above the longest task, or a task still running is started a second time.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be requeued; change nothing.")
        parser.add_argument(
            "--include",
            action="append",
            default=[],
            metavar="TASK_PATH",
            help="Also requeue stale rows of this task (repeatable), which is not on the list of tasks known to be "
            "safe to run twice: only after checking that running it again does no harm.",
        )

    def handle(self, *args, older_than=None, dry_run=False, include=(), **options):
        if not isinstance(task_backends["default"], DatabaseBackend):
            self.stdout.write("The task backend is not the database queue (TASKS_BACKEND): nothing to requeue.")
            return
        minutes = older_than or settings.TASKS_STALE_AFTER_MINUTES
        result = stale_tasks_requeue(
            older_than=timedelta(minutes=minutes), dry_run=dry_run, also_safe=frozenset(include)
        )
        verb = "would requeue" if dry_run else "requeued"
        for stale in result.requeued:
            self.stdout.write(self._line(verb, stale))
        for stale in result.moved_on:
            self.stdout.write(self._line("left (finished or claimed meanwhile)", stale))
        for stale in result.not_safe:
            self.stderr.write(self._line("left RUNNING (not known to be safe to run twice; decide by hand)", stale))
        summary = (
            f"{len(result.requeued)} task(s) {'would be requeued' if dry_run else 'requeued'}, {len(result.moved_on)} moved on meanwhile, "
            f"{len(result.not_safe)} left for a person; RUNNING for more than {minutes} minute(s)."
        )
        if result.not_safe:
            # A failed unit is what `systemctl --failed` and monitoring show: a person must look at these rows.
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _line(verb: str, stale: StaleTask) -> str:
        workers = ",".join(stale.worker_ids) or "-"
        return f"{verb}: {stale.id} {stale.task_path} started_at={stale.started_at.isoformat()} workers={workers}"
