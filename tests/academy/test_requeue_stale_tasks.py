"""manage.py requeue_stale_tasks: a task row left RUNNING by a dead worker goes back to READY (as a fresh row, with
its worker history) and a live worker then runs it; young RUNNING rows, finished rows and rows that move on between
the read and the write are left alone; --dry-run changes nothing; tasks not known to be safe to run twice are left
for a person; every task in the project has been judged safe to run twice; /healthz counts stale rows."""

import importlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.models import DBTaskResult

from academy import task_queue
from courses.tasks import send_session_reminders

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REMINDERS = "courses.tasks.send_session_reminders"
# The columns a worker writes while claiming and finishing a row; a requeued row must carry them as enqueue does.
RUN_STATE = ("status", "started_at", "finished_at", "return_value", "exception_class_path", "traceback")


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASKS_STALE_AFTER_MINUTES = 30


def running_row(*, minutes_ago: float, worker: str = "dead-worker-1", task_path: str | None = None) -> DBTaskResult:
    """A queued task claimed by ``worker`` ``minutes_ago`` minutes ago, which never finished it."""
    row = DBTaskResult.objects.get(pk=send_session_reminders.enqueue().id)
    row.claim(worker)
    fields = {"started_at": timezone.now() - timedelta(minutes=minutes_ago)}
    if task_path:
        fields["task_path"] = task_path
    DBTaskResult.objects.filter(pk=row.pk).update(**fields)
    row.refresh_from_db()
    return row


def run_state(row: DBTaskResult) -> dict:
    row.refresh_from_db()
    return {name: getattr(row, name) for name in RUN_STATE}


def requeue(*args: str) -> str:
    out = StringIO()
    call_command("requeue_stale_tasks", *args, stdout=out)
    return out.getvalue()


def test_old_running_row_goes_back_to_ready_exactly_as_a_fresh_row_keeping_its_worker_history():
    stale = running_row(minutes_ago=45)
    fresh = DBTaskResult.objects.get(pk=send_session_reminders.enqueue().id)
    before = DBTaskResult.objects.values().get(pk=stale.pk)

    output = requeue()

    assert run_state(stale) == run_state(fresh)
    assert stale.status == TaskResultStatus.READY and stale.started_at is None
    assert stale.worker_ids == ["dead-worker-1"]
    after = DBTaskResult.objects.values().get(pk=stale.pk)
    kept = {"id", "args_kwargs", "priority", "task_path", "queue_name", "backend_name", "enqueued_at", "worker_ids"}
    assert {name: after[name] for name in kept} == {name: before[name] for name in kept}
    # Its wait is counted from now, so /healthz does not see a half-hour-old ready task.
    assert abs(timezone.now() - after["run_after"]) < timedelta(minutes=1)
    assert (
        f"requeued: {stale.pk} {REMINDERS} started_at={before['started_at'].isoformat()} workers=dead-worker-1"
        in output
    )
    assert "1 task(s) requeued" in output


@pytest.mark.django_db(transaction=True)
def test_requeued_row_is_run_to_successful_by_a_live_worker():
    stale = running_row(minutes_ago=45)
    requeue("--older-than", "30")

    call_command(
        "db_worker", batch=True, startup_delay=False, interval=0, reload=False, worker_id="live-worker-2", verbosity=0
    )

    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.SUCCESSFUL and stale.return_value == 0
    assert stale.worker_ids == ["dead-worker-1", "live-worker-2"]
    assert stale.finished_at >= stale.started_at > stale.enqueued_at


def test_young_running_row_is_left_running():
    young = running_row(minutes_ago=10)
    before = run_state(young)
    assert "0 task(s) requeued" in requeue()
    assert run_state(young) == before
    assert "0 task(s) requeued" in requeue("--older-than", "11")
    assert "1 task(s) requeued" in requeue("--older-than", "9")
    assert run_state(young)["status"] == TaskResultStatus.READY


@pytest.mark.parametrize("status", [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED, TaskResultStatus.READY])
def test_finished_and_ready_rows_are_untouched_however_old(status):
    row = running_row(minutes_ago=600)
    DBTaskResult.objects.filter(pk=row.pk).update(status=status, finished_at=timezone.now() - timedelta(hours=9))
    before = run_state(row)
    assert "0 task(s) requeued" in requeue()
    assert run_state(row) == before


def test_dry_run_lists_what_it_would_requeue_and_changes_nothing():
    stale = running_row(minutes_ago=45)
    before = DBTaskResult.objects.values().get(pk=stale.pk)
    output = requeue("--dry-run")
    assert f"would requeue: {stale.pk} {REMINDERS}" in output and "1 task(s) would be requeued" in output
    assert DBTaskResult.objects.values().get(pk=stale.pk) == before


def test_row_that_finishes_between_the_read_and_the_write_keeps_its_result(monkeypatch):
    stale = running_row(minutes_ago=45)
    snapshot = task_queue._snapshot

    def read_then_the_worker_finishes(row, **kwargs):
        taken = snapshot(row, **kwargs)
        DBTaskResult.objects.get(pk=row.pk).set_successful(7)  # the "dead" worker was only slow
        return taken

    monkeypatch.setattr(task_queue, "_snapshot", read_then_the_worker_finishes)
    result = task_queue.stale_tasks_requeue(older_than=timedelta(minutes=30))

    assert result.requeued == [] and [moved.id for moved in result.moved_on] == [str(stale.pk)]
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.SUCCESSFUL and stale.return_value == 7 and stale.finished_at is not None


def test_row_requeued_and_claimed_again_by_another_host_is_not_requeued_twice():
    stale = running_row(minutes_ago=45)
    [seen] = [task_queue._snapshot(row) for row in task_queue.stale_running_tasks(older_than=timedelta(minutes=30))]
    # Meanwhile another scheduler host requeued it and a live worker claimed it again.
    assert task_queue.stale_task_requeue(stale=seen) is True
    DBTaskResult.objects.get(pk=stale.pk).claim("live-worker-2")
    claimed = run_state(stale)

    assert task_queue.stale_task_requeue(stale=seen) is False
    assert run_state(stale) == claimed and stale.worker_ids == ["dead-worker-1", "live-worker-2"]


def test_second_run_finds_nothing_left_to_requeue():
    running_row(minutes_ago=45)
    running_row(minutes_ago=90, worker="dead-worker-2")
    assert "2 task(s) requeued" in requeue()
    assert "0 task(s) requeued" in requeue()
    assert DBTaskResult.objects.ready().count() == 2


def test_task_not_known_to_be_safe_to_run_twice_is_left_running_and_the_command_fails():
    unknown = running_row(minutes_ago=45, task_path="somewhere.tasks.charge_card")
    safe = running_row(minutes_ago=45, worker="dead-worker-2")
    before = run_state(unknown)
    with pytest.raises(CommandError, match="1 task\\(s\\) requeued, 0 moved on meanwhile, 1 left for a person"):
        requeue()
    assert run_state(unknown) == before
    assert run_state(safe)["status"] == TaskResultStatus.READY

    # A person checked that charging again does no harm here, and says so.
    assert "1 task(s) requeued" in requeue("--include", "somewhere.tasks.charge_card")
    assert run_state(unknown)["status"] == TaskResultStatus.READY


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_older_than_must_be_a_positive_number_of_minutes(value):
    stale = running_row(minutes_ago=45)
    with pytest.raises(CommandError, match="older-than"):
        requeue(f"--older-than={value}")
    assert run_state(stale)["status"] == TaskResultStatus.RUNNING


def test_with_the_immediate_backend_there_is_nothing_to_requeue(settings):
    stale = running_row(minutes_ago=45)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert "not the database queue" in requeue()
    assert run_state(stale)["status"] == TaskResultStatus.RUNNING


def _project_tasks() -> set[str]:
    """The module path of every task defined in a ``tasks`` module of an installed app."""
    found = set()
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tasks":
                raise
            continue
        found |= {value.module_path for value in vars(module).values() if isinstance(value, Task)}
    return found


def test_every_task_in_the_project_has_been_judged_safe_to_run_twice():
    """A new @task fails this until someone checks it is idempotent and adds it to REQUEUE_SAFE_TASKS (with a line
    in academy/task_queue.py's docstring saying why), or decides it must not be requeued."""
    tasks = _project_tasks()
    assert {
        REMINDERS,
        "credits.tasks.certificates_check_task",
        "credits.tasks.bulk_issue_task",
        "credits.tasks.certificate_reminders_task",
        "wagtail.tasks.update_reference_index_task",
    } <= tasks
    assert tasks - task_queue.REQUEUE_SAFE_TASKS == set()


def test_a_requeued_task_does_not_make_healthz_report_a_lagging_queue(client, settings):
    settings.HEALTHZ_TASK_LAG_SECONDS = 60
    stale = running_row(minutes_ago=45)
    DBTaskResult.objects.filter(pk=stale.pk).update(enqueued_at=stale.started_at - timedelta(minutes=1))
    requeue()
    queue = json.loads(client.get("/healthz").content)["checks"]["task_queue"]
    assert queue["ok"] and queue["lag_seconds"] < 60


def test_healthz_counts_stale_running_tasks_without_failing(client):
    running_row(minutes_ago=45)
    running_row(minutes_ago=5, worker="busy-worker")
    response = client.get("/healthz")
    queue = json.loads(response.content)["checks"]["task_queue"]
    assert response.status_code == 200 and queue["ok"] is True
    assert queue["stale_running"] == 1 and queue["stale_after_minutes"] == 30
    requeue()
    DBTaskResult.objects.ready().update(status=TaskResultStatus.SUCCESSFUL)  # a live worker ran it
    queue = json.loads(client.get("/healthz").content)["checks"]["task_queue"]
    assert queue["stale_running"] == 0
