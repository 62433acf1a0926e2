"""Production: base plus TLS-only cookies and headers. Every secret and host comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool, env_int, env_list

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Which header the TLS-terminating proxy sets, as "HEADER,value" (e.g. HTTP_X_FORWARDED_PROTO,https). Set it only
# when a proxy you run strips that header from clients' requests; empty when gunicorn itself faces the internet.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https.")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a promise browsers keep for months: opt in explicitly.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# New dicts rather than edits, so that importing this module never changes the base policies other settings share.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True}  # noqa: F405
}
ACADEMY_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**ACADEMY_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True}  # noqa: F405
}
# Staff MFA is not optional in production, whatever the environment says.
ACADEMY_REQUIRE_STAFF_MFA = True

# Scale-out (see deploy/README.md). Tasks go to the database queue unless TASKS_BACKEND=immediate: run
# `manage.py db_worker` on one or more hosts. /healthz stays reachable over plain HTTP for a load balancer's probe.
if env("TASKS_BACKEND", "database") == "database":
    TASKS_BACKEND = "database"
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
