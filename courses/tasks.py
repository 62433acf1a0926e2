"""Background tasks for courses (django-tasks: immediate in the embedded default, database workers at scale)."""

from django_tasks import task

from . import services


@task()
def send_session_reminders() -> int:
    """Remind everyone registered for a session that starts tomorrow (each registration once)."""
    return services.session_reminders_send()
