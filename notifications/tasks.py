"""Background tasks of the notification centre (requeue-safe: see ``services`` and academy/task_queue.py)."""

from django_tasks import task

from . import services


@task()
def deliver_notifications(delivery_ids: list[int]) -> int:
    """Send a batch of deliveries; each is claimed before it is sent, so a requeued batch sends none twice."""
    return services.deliveries_send(delivery_ids=delivery_ids)


@task()
def dispatch_due_notifications() -> int:
    """Enqueue deliveries whose time has come (after quiet hours, or a retry's back-off)."""
    return services.deliveries_dispatch_due()
