"""A db_worker that dies by SIGKILL in the middle of issuing a certificate, for the fault tests only.

Run as ``python -m tests.postgres.killed_worker MARKER`` with DJANGO_SETTINGS_MODULE=tests.postgres.worker_settings.
The kill point is patched in here, so production code carries no test hook: the certificate's number has been
allocated, its row inserted and its PDF written and hashed, but the transaction has not committed. Before dying the
worker writes the number it had taken to MARKER, so the test knows the kill came where it meant it to.
"""

import os
import signal
import sys
from pathlib import Path

import django


def main(marker: str) -> None:
    django.setup()
    from django.core.management import call_command

    from credits.certificates.services import issuing

    # after_insert runs once the number is taken, the PDF stored and hashed and the row inserted, inside the
    # certificate's transaction: the last moment before commit.
    after_insert = issuing.after_insert

    def insert_and_die(certificate, **kwargs):
        after_insert(certificate, **kwargs)
        Path(marker).write_text(certificate.number, encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)

    issuing.after_insert = insert_and_die
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")


if __name__ == "__main__":
    main(sys.argv[1])
