"""Delete certificate PDFs in the private storage that no certificate names; run daily from the housekeeping timer:

    python manage.py sweep_orphan_certificate_files [--older-than HOURS] [--dry-run]

Issuing stores the PDF first and commits the certificate row after it, in one transaction; a worker killed in
between (or a failed removal after a PDF was replaced or an account deleted) leaves a file nothing points at, and
for a deleted account it still prints the holder's full name. Only files under ``certificates/`` are looked at,
and only those older than ``--older-than`` hours (24 by default), so a file whose row is about to commit is never
touched. Transcripts are never stored (they are rendered on each download), so nothing else lives there.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from academy.management.arguments import whole_number_at_least_one
from credits.certificates.services.files import certificate_orphan_files_sweep

DEFAULT_HOURS = 24


class Command(BaseCommand):
    help = (
        "Delete stored certificate PDFs that no certificate names and that are older than --older-than hours "
        "(left by a worker killed mid-issue). Never touches anything outside the certificates' directory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=whole_number_at_least_one("hours"),
            default=DEFAULT_HOURS,
            metavar="HOURS",
            help="Only files last modified longer ago than this (default: %(default)s), so an issue in progress, "
            "whose file is stored before its row commits, is never swept.",
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; delete nothing.")

    def handle(self, *args, older_than=DEFAULT_HOURS, dry_run=False, **options):
        result = certificate_orphan_files_sweep(older_than=timedelta(hours=older_than), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for stored in result.files:
            self.stdout.write(f"{verb}: {stored.name} {stored.size} bytes, modified {stored.modified.isoformat()}")
        for name in result.failed:
            self.stderr.write(f"could not delete: {name}")
        summary = (
            f"{len(result.files)} orphaned certificate file(s) {'would be deleted' if dry_run else 'deleted'}, {result.bytes} bytes; "
            f"{len(result.failed)} could not be deleted; older than {older_than} hour(s)."
        )
        if result.failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
