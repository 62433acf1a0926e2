"""Background tasks for the question bank (django-tasks: immediate in the embedded default, database workers at
scale)."""

from django_tasks import task

from . import services


@task()
def close_expired_papers() -> int:
    """Submit every timed paper whose time ran out, with the answers saved in time (safe to run twice or at once)."""
    return services.papers_close_expired()
