"""Production settings with every scale-out variable switched on: PostgreSQL through psycopg 3, Redis for cache,
sessions and rate limits, the database task queue, S3; Django's deployment checks pass; collectstatic builds the
compressed manifest (tests/academy/test_readme_production_steps.py); JSON logging writes valid JSON lines; gunicorn starts from gunicorn.conf.py and serves."""

import json
import os
import runpy
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory, override_settings

from credits.ratelimit import verification_rate_limited
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(55450, 55459)  # this checkout's range, less 55459 (kept closed for the dead-Redis test)


def production_env(**extra: str) -> dict[str, str]:
    """A production process environment: a real secret, a host, TLS on, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="academy.example.org,127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://academy.example.org",
        SITE_BASE_URL="https://academy.example.org",
        SECURE_HSTS_PRELOAD="true",  # as .env.example sets it; preload is opt-in, and check --deploy asks for it
    )
    env.update(extra)
    return env


def run_python(code: str, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own code, run with this interpreter)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


SCALE_OUT = {
    "DATABASE_URL": "postgres://academy:secret@127.0.0.1:5432/academy",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "S3_BUCKET": "academy",
    "S3_ENDPOINT_URL": "https://s3.example.org",
    "LOG_FORMAT": "json",
}


class TestSettingsFromTheEnvironment:
    def test_embedded_default_is_sqlite_locmem_immediate_and_local_files(self, settings_for_env):
        conf = settings_for_env()
        assert conf["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert conf["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
        assert "SESSION_ENGINE" not in conf
        assert conf["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
        assert conf["STORAGES"]["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"

    def test_database_url_selects_postgresql_with_health_checked_persistent_connections(self, settings_for_env):
        database = settings_for_env(DATABASE_URL=SCALE_OUT["DATABASE_URL"])["DATABASES"]["default"]
        assert database["ENGINE"] == "django.db.backends.postgresql"
        assert (database["NAME"], database["USER"], database["HOST"], database["PORT"]) == (
            "academy",
            "academy",
            "127.0.0.1",
            5432,
        )
        assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True
        assert database["OPTIONS"]["connect_timeout"] == 5

    def test_options_in_the_database_url_win(self, settings_for_env):
        url = SCALE_OUT["DATABASE_URL"] + "?connect_timeout=12&sslmode=require"
        options = settings_for_env(DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0")["DATABASES"]["default"]
        assert options["OPTIONS"]["connect_timeout"] == 12 and options["OPTIONS"]["sslmode"] == "require"
        assert options["CONN_MAX_AGE"] == 0

    def test_psycopg_3_is_the_driver_django_loads(self):
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        assert is_psycopg3

    def test_redis_url_serves_cache_sessions_and_rate_limits(self, settings_for_env):
        conf = settings_for_env(REDIS_URL=SCALE_OUT["REDIS_URL"])
        cache = conf["CACHES"]["default"]
        assert cache["BACKEND"] == "academy.cache_backends.ResilientRedisCache"
        assert cache["LOCATION"] == SCALE_OUT["REDIS_URL"]
        assert cache["OPTIONS"]["socket_timeout"] <= 2
        assert conf["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"

    def test_tasks_backend_database_uses_django_tasks_db(self, settings_for_env):
        conf = settings_for_env(TASKS_BACKEND="database")
        assert conf["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"

    def test_signed_url_delivery_without_object_storage_is_refused(self, settings_for_env):
        with pytest.raises(ImproperlyConfigured, match="PRIVATE_FILE_DELIVERY"):
            settings_for_env(PRIVATE_FILE_DELIVERY="signed-url")

    def test_every_variable_the_settings_read_is_listed_in_env_example(self):
        import re

        read = set()
        for path in [*sorted((ROOT / "academy" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]:
            read |= set(
                re.findall(
                    r"""(?:environ\.get\(|\benv\(|env_int\(|env_bool\(|env_list\()\s*["']([A-Z0-9_]+)["']""",
                    path.read_text(),
                )
            )
        listed = {
            line.split("=", 1)[0]
            for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
            if "=" in line and not line.startswith("#")
        }
        read = {name for name in read if not name.startswith("PYTEST_")}  # set by pytest-xdist, read by test.py
        assert read - listed == set()
        assert {"DATABASE_URL", "REDIS_URL", "S3_BUCKET", "TASKS_BACKEND", "LOG_FORMAT", "GUNICORN_BIND"} <= read


class TestRateLimitsOnASharedCache:
    """The verification rate limit counts in whatever cache is configured; on a cache shared by processes (a
    database table, files, Redis) two web hosts see one count."""

    def _limited_after(self, limit: int) -> list[bool]:
        request = RequestFactory().get("/verify/x/", REMOTE_ADDR="203.0.113.9")
        with override_settings(CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE=limit):
            return [verification_rate_limited(request) for _ in range(limit + 1)]

    @pytest.mark.django_db
    def test_database_cache(self):
        from django.core.management import call_command

        shared = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ratelimit_test"}}
        with override_settings(CACHES=shared):
            call_command("createcachetable", verbosity=0)
            assert self._limited_after(3) == [False, False, False, True]

    def test_redis(self, tmp_path):
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed (the PostgreSQL + Redis CI run installs it)")
        port = free_port(PORTS)
        process = subprocess.Popen(  # noqa: S603
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            redis = {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{port}/0",
                }
            }
            with override_settings(CACHES=redis):
                for _ in range(50):
                    try:
                        caches["default"].set("ping", 1)
                        break
                    except Exception:  # not accepting connections yet
                        time.sleep(0.1)
                assert self._limited_after(3) == [False, False, False, True]
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_production_settings_with_everything_switched_on_pass_the_deployment_checks():
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n"
        "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], 'cache': settings.CACHES['default']['BACKEND'],"
        " 'sessions': settings.SESSION_ENGINE, 'tasks': settings.TASKS['default']['BACKEND'],"
        " 'media': settings.STORAGES['default']['BACKEND'], 'private': settings.STORAGES['private']['BACKEND'],"
        " 'static': settings.STORAGES['staticfiles']['BACKEND'], 'delivery': settings.PRIVATE_FILE_DELIVERY}))\n"
    )
    result = run_python(code, production_env(**SCALE_OUT))
    assert result.returncode == 0, result.stdout + result.stderr
    chosen = json.loads(result.stdout.strip().splitlines()[-1])
    assert chosen == {
        "db": "django.db.backends.postgresql",
        "cache": "academy.cache_backends.ResilientRedisCache",
        "sessions": "django.contrib.sessions.backends.cached_db",
        "tasks": "django_tasks_db.DatabaseBackend",
        "media": "storages.backends.s3.S3Storage",
        "private": "storages.backends.s3.S3Storage",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "delivery": "signed-url",
    }


def test_production_uses_the_database_task_queue_unless_told_otherwise():
    code = (
        "import django; django.setup()\nfrom django.conf import settings\nprint(settings.TASKS['default']['BACKEND'])"
    )
    assert run_python(code, production_env()).stdout.strip() == "django_tasks_db.DatabaseBackend"
    immediate = run_python(code, production_env(TASKS_BACKEND="immediate")).stdout.strip()
    assert immediate == "django_tasks.backends.immediate.ImmediateBackend"


def test_json_log_format_writes_one_valid_json_object_per_line():
    code = (
        "import logging, django; django.setup()\n"
        "log = logging.getLogger('academy.example')\n"
        "log.warning('证书 %s 已签发', '拱三方证〔2026〕第000001号', extra={'certificate_id': 7})\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('渲染失败')\n"
        "logging.getLogger('django.request').error('Internal Server Error: %s', '/x/')\n"
    )
    result = run_python(code, production_env(LOG_FORMAT="json"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.strip().splitlines()]
    assert [entry["level"] for entry in lines] == ["WARNING", "ERROR", "ERROR"]
    first, second, third = lines
    assert first["message"] == "证书 拱三方证〔2026〕第000001号 已签发" and first["certificate_id"] == 7
    assert first["logger"] == "academy.example" and first["time"].endswith("+00:00")
    assert "ZeroDivisionError" in second["exception"]
    assert third["logger"] == "django.request"
    plain = run_python(code, production_env(LOG_FORMAT="plain"))
    assert not plain.stderr.lstrip().startswith("{")


def test_gunicorn_config_reads_its_environment():
    env = {"GUNICORN_BIND": "unix:/run/academy/gunicorn.sock", "GUNICORN_WORKERS": "3", "LOG_FORMAT": "json"}
    old = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert conf["bind"] == ["unix:/run/academy/gunicorn.sock"] and conf["workers"] == 3
    assert conf["timeout"] > 0 and conf["graceful_timeout"] > 0 and conf["accesslog"] == "-"
    assert conf["logconfig_dict"]["formatters"]["json"]["()"] == "academy.jsonlog.JSONFormatter"
    default = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert default["workers"] == (os.cpu_count() or 1) * 2 + 1 and default["bind"] == ["127.0.0.1:8000"]
    assert "logconfig_dict" not in default


def database_url() -> str:
    """The URL of the database this test run uses (SQLite file or PostgreSQL), for a server in another process."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    return f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


@pytest.mark.django_db
def test_gunicorn_serves_healthz_with_json_access_logs(tmp_path):
    port = free_port(PORTS)
    env = production_env(
        DATABASE_URL=database_url(),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        LOG_FORMAT="json",
        SECURE_SSL_REDIRECT="true",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "academy.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:  # noqa: S310
                    body = json.loads(response.read())
                    status = response.status
                break
            except (ConnectionError, urllib.error.URLError):
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        assert body is not None, (tmp_path / "gunicorn.log").read_text()
        # Plain HTTP was answered (exempt from the TLS redirect) with every check passing.
        assert status == 200 and body["status"] == "ok" and body["checks"]["task_queue"]["backend"] == "database"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    entries = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines() if line.strip()]
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert access and access[-1]["path"] == "/healthz" and access[-1]["status"] == "200"
