"""Remind certificate holders 90 and 30 days before expiry (SMS and email); run daily from cron:

    python manage.py send_certificate_reminders

Each reminder is sent once, so running it twice a day, or late, is harmless. ``--task`` enqueues the same work
as a django-tasks task instead (for a db_worker to run).
"""

from django.core.management.base import BaseCommand

from credits.certificates.services.reminders import certificate_reminders_send
from credits.notices import certificate_expiry_notices_send
from credits.selectors import today


class Command(BaseCommand):
    help = "Send the certificate expiry reminders due today (90, 30 and 7 days before expiry), each once."

    def add_arguments(self, parser):
        parser.add_argument("--task", action="store_true", help="Enqueue as a django-tasks task instead.")

    def handle(self, *args, task=False, **options):
        if task:
            from credits.tasks import certificate_reminders_task

            result = certificate_reminders_task.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        result = certificate_reminders_send()
        certificate_expiry_notices_send(on=today())
        self.stdout.write(f"Sent {result.sent} reminder(s); {result.failed} could not be sent.")
