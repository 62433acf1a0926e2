"""Submit the timed exam papers whose time ran out while their trainee was away; run it every few minutes (a timer).
Trainees who come back have theirs submitted as they open the quiz, so this only keeps results and reports current."""

from django.core.management.base import BaseCommand

from assessments import services


class Command(BaseCommand):
    help = (
        "Submit every timed exam paper whose time ran out (with the answers saved in time); each paper is scored once, "
        "however many times this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the work to the task backend instead of doing it here."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            from assessments.tasks import close_expired_papers

            result = close_expired_papers.enqueue()
            self.stdout.write(f"Enqueued {result.id}")
            return
        count = services.papers_close_expired()
        self.stdout.write(self.style.SUCCESS(f"Submitted {count} expired paper(s)."))
