"""Production: base plus TLS-only cookies and headers. Every secret and host comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
ACADEMY_REQUIRE_STAFF_MFA = True

# Scale-out (see deploy/README.md). Tasks go to the database queue unless TASKS_BACKEND=immediate: run
# `manage.py db_worker` on one or more hosts. /healthz stays reachable over plain HTTP for a load balancer's probe.
if (os.environ.get("TASKS_BACKEND") or "database") == "database":
    TASKS_BACKEND = "database"
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
