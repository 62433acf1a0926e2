"""Settings for the db_worker processes of tests/postgres/test_ops_faults.py: the fault tests' worker settings, with
the private storage in a directory of the test's own (ACADEMY_TEST_PRIVATE_ROOT), so the files a killed worker
leaves behind are told apart from those of tests running beside it."""

import os
from pathlib import Path

from tests.postgres.worker_settings import *  # noqa: F403

PRIVATE_MEDIA_ROOT = Path(os.environ["ACADEMY_TEST_PRIVATE_ROOT"])
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
