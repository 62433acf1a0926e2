"""The checks behind /healthz: can this host reach what it needs to serve requests, and are tasks being run?

Each check returns extra facts (or nothing) and raises on failure. The public answer names only the exception's
class, never its message (which may carry host names or user names); the full error goes to the log.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from .task_queue import stale_running_count

logger = logging.getLogger(__name__)

HEALTHZ_PREFIX = "healthz/"


class HealthCheckFailed(Exception):
    """A dependency answered, but wrongly (a cache that loses a value, a queue that is too far behind)."""


@dataclass
class CheckResult:
    """One check's outcome as /healthz reports it."""

    name: str
    ok: bool
    ms: float
    error: str = ""
    facts: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {"ok": self.ok, "ms": self.ms, **self.facts}
        if self.error:
            data["error"] = self.error
        return data


def check_database() -> dict:
    """A query round trip on the default database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    """Set, get and delete a random key: the cache (Redis when REDIS_URL is set) keeps what it is given. Redis is
    asked directly first: the site's own cache calls quietly fall back to misses while it is unreachable."""
    if hasattr(cache, "ping"):
        cache.ping()
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise HealthCheckFailed("the cache did not return the value just set")
    finally:
        cache.delete(key)
    return {}


def storage_check(alias: str) -> Callable[[], dict]:
    """A check that writes, reads back and deletes a tiny object under healthz/ in ``STORAGES[alias]``."""

    def check() -> dict:
        storage = storages[alias]
        content = uuid.uuid4().hex.encode()
        name = storage.save(f"{HEALTHZ_PREFIX}{uuid.uuid4().hex}.txt", ContentFile(content))
        try:
            with storage.open(name, "rb") as stored:
                if stored.read() != content:
                    raise HealthCheckFailed("the storage returned different bytes")
        finally:
            storage.delete(name)
        return {}

    check.__name__ = f"check_storage_{alias}"
    return check


def task_queue_lag() -> timedelta | None:
    """How long the oldest task that is ready to run has been waiting; None when nothing is waiting."""
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=Greatest(F("enqueued_at"), F("run_after"))
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(ready_since))["oldest"]
    return None if oldest is None else max(timezone.now() - oldest, timedelta(0))


def check_task_queue() -> dict:
    """With the database task backend: the oldest ready task has waited less than HEALTHZ_TASK_LAG_SECONDS (else no
    db_worker is running, or too few). With the immediate backend there is no queue to fall behind.

    It also counts the tasks RUNNING longer than TASKS_STALE_AFTER_MINUTES (``stale_running``: orphaned by a dead
    worker) but does not fail for them: this host still serves requests, the requeue timer repairs them within
    minutes, and a load balancer taking every web host out because one worker host died would turn a delay in
    background work into an outage. Monitoring should alert on ``stale_running > 0`` lasting beyond one timer run.
    """
    if not isinstance(task_backends["default"], DatabaseBackend):
        return {"backend": "immediate"}
    lag = task_queue_lag()
    lag_seconds = round(lag.total_seconds(), 1) if lag is not None else 0.0
    if lag_seconds > settings.HEALTHZ_TASK_LAG_SECONDS:
        raise HealthCheckFailed(f"oldest ready task has waited {lag_seconds} s")
    stale_after = settings.TASKS_STALE_AFTER_MINUTES
    return {
        "backend": "database",
        "lag_seconds": lag_seconds,
        "threshold_seconds": settings.HEALTHZ_TASK_LAG_SECONDS,
        "stale_running": stale_running_count(older_than=timedelta(minutes=stale_after)),
        "stale_after_minutes": stale_after,
    }


def health_checks() -> list[tuple[str, Callable[[], dict]]]:
    """The checks /healthz runs, in order."""
    return [
        ("database", check_database),
        ("cache", check_cache),
        ("storage", storage_check("default")),
        ("private_storage", storage_check("private")),
        ("task_queue", check_task_queue),
    ]


def run_health_checks() -> list[CheckResult]:
    """Run every check, timing each; one failing does not stop the others."""
    results = []
    for name, check in health_checks():
        started = time.perf_counter()
        try:
            facts = check() or {}
        except Exception as error:  # any failure of a dependency is what this reports
            logger.warning("Health check %s failed", name, exc_info=True)
            facts = {}
            ok, message = False, type(error).__name__
            if isinstance(error, HealthCheckFailed):
                message = f"{message}: {error}"
        else:
            ok, message = True, ""
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        results.append(CheckResult(name=name, ok=ok, ms=elapsed, error=message, facts=facts))
    return results
