"""Settings for the db_worker processes the fault tests start: the test settings (and so the test database that
DATABASE_URL names), with tasks queued in the database instead of run at once. ACADEMY_TEST_PRIVATE_ROOT, when
set, gives the private storage a directory of the test's own, so the files a killed worker leaves behind are told
apart from those of tests running beside it. ACADEMY_TEST_SMS_URL sends text messages to a fake gateway on loopback
(tests/postgres/sms_provider.py)."""

import os
from pathlib import Path

from academy.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if os.environ.get("ACADEMY_TEST_PRIVATE_ROOT"):
    PRIVATE_MEDIA_ROOT = Path(os.environ["ACADEMY_TEST_PRIVATE_ROOT"])
    STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405

if os.environ.get("ACADEMY_TEST_SMS_URL"):
    # The killed-worker notification test: text messages go to its fake gateway on loopback, at any hour.
    ACADEMY_TEST_SMS_URL = os.environ["ACADEMY_TEST_SMS_URL"]
    ACADEMY_SMS_SENDER = "tests.postgres.sms_provider.LoopbackSMSSender"
    NOTIFICATIONS_QUIET_HOURS = ""
