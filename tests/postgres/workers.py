"""Worker processes for the fault tests: ``python -m ...`` or ``manage.py db_worker`` run against this process's
test database with tasks queued in the database (tests/postgres/worker_settings.py)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of this process's test database (a Unix-socket directory as host is percent-encoded)."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{quote(db['HOST'] or '', safe='')}{port}/{db['NAME']}"


def worker_env(*, private_root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a worker process: the worker settings, this test database, and ``extra`` variables."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.postgres.worker_settings", "DATABASE_URL": database_url()}
    if private_root is not None:
        env["ACADEMY_TEST_PRIVATE_ROOT"] = str(private_root)
    return {**env, **extra}


def start_worker(*args: str, **extra: str) -> subprocess.Popen:
    """Start ``python *args`` as a worker would, without waiting for it (for a test that kills it midway)."""
    return subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        [sys.executable, *args],
        cwd=ROOT,
        env=worker_env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_worker(*args: str, private_root: Path | None = None, **extra: str) -> subprocess.CompletedProcess:
    """Run ``python *args`` as a worker would; ``private_root`` gives it a private storage of the test's own,
    ``extra`` sets more environment variables."""
    return subprocess.run(  # noqa: S603  (our own interpreter and module)
        [sys.executable, *args],
        cwd=ROOT,
        env=worker_env(private_root=private_root, **extra),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
