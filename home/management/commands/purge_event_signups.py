"""Delete event sign-ups made without an account once their retention period is over (run daily from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from home.privacy import event_signups_purge_expired


class Command(BaseCommand):
    help = "Delete sign-ups made without an account for events that ended more than EVENT_SIGNUP_RETENTION_DAYS ago."

    def handle(self, *args, **options):
        deleted = event_signups_purge_expired()
        self.stdout.write(
            f"Deleted {deleted} event sign-up(s) older than {settings.EVENT_SIGNUP_RETENTION_DAYS} days after their event."
        )
