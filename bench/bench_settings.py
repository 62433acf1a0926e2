"""Production settings as the district benchmarks run them: loopback over plain HTTP, one client address.

Everything comes from academy.settings.production (DEBUG off, manifest static files, PostgreSQL from DATABASE_URL,
the cache from REDIS_URL or local memory); only what a load generator on 127.0.0.1 cannot do is relaxed.
"""

from academy.settings.production import *  # noqa: F403

# No TLS on loopback: a client never sends Secure cookies back over plain HTTP, so sessions and CSRF would break.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The benchmark's registrar is not enrolled in MFA; the MFA middleware is not what is being measured.
ACADEMY_REQUIRE_STAFF_MFA = False
# The test client calls itself "testserver"; gunicorn is reached as 127.0.0.1.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Every simulated trainee logs in from 127.0.0.1: allauth's per-address login limit (30 a minute) would refuse
# most of them. The per-account limits stay as they are.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "10000/m/ip"}  # noqa: F405
