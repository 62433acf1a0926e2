"""/healthz: 200 with every check ok; 503 naming the check when the database, the cache, a storage or the task
queue fails; never cached, open to anyone, no personal data."""

import json
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.tasks import send_session_reminders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Nothing listens here (the top of this checkout's port range): connecting is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:55459/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def healthz(client):
    response = client.get("/healthz")
    return response, json.loads(response.content)


def test_all_checks_pass_with_200_and_a_timing_for_each(client):
    response, body = healthz(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database", "cache", "storage", "private_storage", "task_queue"]
    for check in body["checks"].values():
        assert check["ok"] is True and "error" not in check
        assert isinstance(check["ms"], float) and check["ms"] >= 0


def test_answer_is_never_cached_and_needs_no_login(client):
    response, _ = healthz(client)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_answer_holds_no_personal_data(client):
    user = UserFactory(real_name="张晓明", phone="+8613911112222")
    client.force_login(user)
    response, _ = healthz(client)
    text = response.content.decode()
    assert "张晓明" not in text and "13911112222" not in text
    allowed = {
        "ok",
        "ms",
        "error",
        "backend",
        "lag_seconds",
        "threshold_seconds",
        "stale_running",
        "stale_after_minutes",
    }
    assert all(set(check) <= allowed for check in json.loads(text)["checks"].values())


def test_storage_probe_leaves_nothing_behind(client):
    healthz(client)
    for alias in ("default", "private"):
        storage = storages[alias]
        assert not storage.exists("healthz") or storage.listdir("healthz") == ([], [])


def test_database_failure_gives_503_naming_only_the_error_class(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 10.0.0.5 failed: password authentication failed for academy")

    with connection.execute_wrapper(refuse):
        response, body = healthz(client)
    assert response.status_code == 503 and body["status"] == "error"
    assert body["checks"]["database"] == {
        "ok": False,
        "ms": body["checks"]["database"]["ms"],
        "error": "OperationalError",
    }
    assert "10.0.0.5" not in response.content.decode() and "password" not in response.content.decode()
    assert body["checks"]["cache"]["ok"] is True


@override_settings(CACHES=DEAD_REDIS)
def test_unreachable_cache_gives_503(client):
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False and body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.parametrize(("alias", "check"), [("default", "storage"), ("private", "private_storage")])
def test_unwritable_storage_gives_503(client, tmp_path, settings, alias, check):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the storage's directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        alias: {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": blocker / "media"}},
    }
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["checks"][check]["ok"] is False and body["checks"][check]["error"]
    other = {"storage": "private_storage", "private_storage": "storage"}[check]
    assert body["checks"][other]["ok"] is True


@override_settings(TASKS=DATABASE_TASKS, HEALTHZ_TASK_LAG_SECONDS=300)
def test_task_queue_within_the_lag_threshold_is_healthy_and_reports_its_lag(client):
    result = send_session_reminders.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(seconds=120))
    response, body = healthz(client)
    assert response.status_code == 200
    queue = body["checks"]["task_queue"]
    assert queue["backend"] == "database" and 119 <= queue["lag_seconds"] <= 200 and queue["threshold_seconds"] == 300


@override_settings(TASKS=DATABASE_TASKS, HEALTHZ_TASK_LAG_SECONDS=300)
def test_task_waiting_longer_than_the_threshold_gives_503(client):
    result = send_session_reminders.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(hours=1))
    response, body = healthz(client)
    assert response.status_code == 503
    assert body["checks"]["task_queue"]["ok"] is False
    assert body["checks"]["task_queue"]["error"].startswith("HealthCheckFailed: oldest ready task has waited 36")


@override_settings(TASKS=DATABASE_TASKS, HEALTHZ_TASK_LAG_SECONDS=300)
def test_tasks_that_finished_or_are_scheduled_later_are_not_lag(client):
    finished = send_session_reminders.enqueue()
    DBTaskResult.objects.filter(pk=finished.id).update(
        enqueued_at=timezone.now() - timedelta(hours=2), status="SUCCESSFUL", finished_at=timezone.now()
    )
    later = send_session_reminders.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=timezone.now() - timedelta(hours=2))
    response, body = healthz(client)
    assert response.status_code == 200 and body["checks"]["task_queue"]["lag_seconds"] == 0.0


@override_settings(TASKS=DATABASE_TASKS, HEALTHZ_TASK_LAG_SECONDS=300)
def test_a_scheduled_task_counts_from_when_it_became_due(client):
    due = send_session_reminders.using(run_after=timezone.now() - timedelta(seconds=60)).enqueue()
    DBTaskResult.objects.filter(pk=due.id).update(enqueued_at=timezone.now() - timedelta(days=1))
    response, body = healthz(client)
    assert response.status_code == 200 and 59 <= body["checks"]["task_queue"]["lag_seconds"] <= 120
