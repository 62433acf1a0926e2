"""Enqueue notices deferred by quiet hours or waiting to retry, once they are due; run it every minute (a timer)."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Hand every notification delivery whose time has come to the task workers."

    def handle(self, *args, **options):
        count = services.deliveries_dispatch_due()
        self.stdout.write(self.style.SUCCESS(f"Enqueued {count} delivery(ies)."))
