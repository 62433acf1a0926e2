"""Test settings: fast hashing, in-memory email, no manifest for static files, MFA off unless a test turns it on."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACADEMY_REQUIRE_STAFF_MFA = False
ACADEMY_SMS_SENDER = "academy.sms.ConsoleSMSSender"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "tests" / ".media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "tests" / ".private"  # noqa: F405
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Bulk issues render in this process; the parallel path is tested on purpose with its own override.
CERTIFICATE_RENDER_WORKERS = 1
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_BASE_URL = ""  # absolute URLs follow the test client's host (academy.absolute); tests set it to check it wins
# Rate limits are tested on purpose in their own tests; everywhere else they would make tests flaky.
ACCOUNT_RATE_LIMITS = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: SQLite's busy timeout then applies, so tests that write from two threads at
    # once (credits' exactly-once award) wait for the lock as production does instead of failing "table is locked".
    # One file per process (pytest-xdist workers, and other checkouts running their suites at the same time).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"sanfang-academy-test-{os.getpid()}.sqlite3")
    }
    # Durability is worthless for a throw-away test database; without fsync the migrations take seconds, not a minute.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"  # noqa: F405
    # Tests that issue certificates from several threads hold SQLite's one write lock while a PDF renders; on a
    # loaded 2-core machine that wait passed 20 s and failed runs with "database is locked". Waiting longer is fine.
    DATABASES["default"]["OPTIONS"]["timeout"] = 120  # noqa: F405
else:
    # PostgreSQL (DATABASE_URL): pytest-django creates test_<name>_gw<n> per xdist worker. Connections are not
    # kept between requests, so the threads of the concurrency tests do not leave idle sessions holding the test
    # database open when it is dropped.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if REDIS_URL:  # noqa: F405
    # One Redis serves every test process at once, and tests call cache.clear() (FLUSHDB): each pytest-xdist worker
    # gets a database of its own (1, 2, …; 0 without xdist) so one worker's clear never empties another's cache.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    _redis_db = int(_worker.removeprefix("gw")) % 15 + 1 if _worker.startswith("gw") else 0
    CACHES["default"]["LOCATION"] = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_redis_db}"))  # noqa: F405
    CACHES["pages"]["LOCATION"] = CACHES["default"]["LOCATION"]  # noqa: F405
# The same for the academy's own counters (event sign-up); tests/test_hardening_*.py set real limits.
EVENT_SIGNUP_RATE_PER_IP = "100000/h"
EVENT_SIGNUP_RATE_PER_PHONE = "100000/h"
# The full-page cache is off except in the tests that turn it on (tests/academy/test_page_cache.py): elsewhere a test
# that changes rows without signals and reads the page again would see the cached page. One generation file per
# process, so that parallel test processes never invalidate each other's pages.
PAGE_CACHE_ENABLED = False
PAGE_CACHE_GENERATION_FILE = str(Path(tempfile.gettempdir()) / f"sanfang-academy-test-generation-{os.getpid()}")
# Log-in with WeChat and DingTalk is off unless a test configures it (against its fake provider on loopback).
WEIXIN_APP_ID = WEIXIN_APP_SECRET = ""
WEIXIN_OFFICIAL_ACCOUNT_LOGIN = DINGTALK_LOGIN = False
