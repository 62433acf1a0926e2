"""Background work for certificates (django-tasks: run at once in the embedded default, by db_worker processes
when TASKS_BACKEND=database)."""

from django_tasks import task

from academy.models import User


@task()
def certificates_check_task(*, user_id: int) -> int:
    """A trainee's credits changed: issue, queue or renew certificates as their programmes say."""
    from .certificates.services.approval import certificates_check_for

    holder = User.objects.filter(pk=user_id, is_active=True).first()
    if holder is None:
        return 0
    return len(certificates_check_for(holder=holder))


@task()
def bulk_issue_task(*, run_id: int) -> int:
    """Run a bulk issue that a registrar started in the admin."""
    from .certificates.services.bulk import bulk_issue_run_execute
    from .models import BulkIssueRun

    run = BulkIssueRun.objects.select_related("programme", "requested_by").get(pk=run_id)
    return bulk_issue_run_execute(run=run).issued


@task()
def certificate_reminders_task() -> int:
    """Send the expiry reminders due today and tell holders whose certificate expired (the management command does
    the same from cron)."""
    from .certificates.services.reminders import certificate_reminders_send
    from .notices import certificate_expiry_notices_send
    from .selectors import today

    certificate_expiry_notices_send(on=today())
    return certificate_reminders_send().sent
