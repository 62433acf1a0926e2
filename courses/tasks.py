"""Background tasks for courses (django-tasks: immediate in the embedded default, database workers at scale)."""

from django_tasks import task

from . import services


@task()
def send_session_reminders() -> int:
    """Remind everyone registered for a session that starts tomorrow (each registration once)."""
    return services.session_reminders_send()


@task()
def video_length_task(document_id: int) -> float | None:
    """Read an uploaded video document's length from its file and store it (enqueued when a document is saved)."""
    length = services.video_length_record(document_id=document_id)
    return length.seconds if length else None
