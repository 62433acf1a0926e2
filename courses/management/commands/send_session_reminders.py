"""Text and email every trainee registered for a session that starts tomorrow; run it daily (cron or a timer)."""

from django.core.management.base import BaseCommand

from courses import services


class Command(BaseCommand):
    help = "Remind trainees of tomorrow's training sessions by SMS and email (each registration is reminded once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task backend instead of doing it here."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from courses.tasks import send_session_reminders

            result = send_session_reminders.enqueue()
            self.stdout.write(f"Enqueued {result.id}")
            return
        count = services.session_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Reminded {count} registration(s)."))
