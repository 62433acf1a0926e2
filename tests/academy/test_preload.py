"""gunicorn preloads the app before it forks (gunicorn.conf.py, academy/preload.py), and the views that few requests
need import their heavy libraries themselves (issue 22)."""

import os
import platform
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str, env: dict | None = None) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "academy.settings.test", "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(  # noqa: S603  (this interpreter, our own code)
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gunicorn_preloads_the_app_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert "before_fork" in config["on_starting"].__code__.co_names
    monkeypatch.setenv("GUNICORN_PRELOAD", "0")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is False


def test_the_warm_up_loads_urls_templates_and_catalogues_without_a_query_and_closes_the_connections():
    output = run_python(
        """
        import sys
        import django
        django.setup()
        from django.db import connection
        from django.template import engines
        from django.utils.translation import trans_real
        from academy.preload import close_shared_resources, warm_django

        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
            warm_django()
        loader = engines["django"].engine.template_loaders[0]
        print("queries", len(queries))
        print("views", "courses.views" in sys.modules and "credits.views" in sys.modules)
        print("base.html", "base.html" in loader.get_template_cache)
        print("catalogues", sorted(trans_real._translations))
        # What a worker's first request used to compile, import or build itself (issue 22, worker memory).
        print("include", "components/breadcrumbs.html" in loader.get_template_cache)
        print("block", "courses/blocks/image.html" in loader.get_template_cache)
        print("processors", "template_context_processors" in engines["django"].engine.__dict__)
        lazy = ("django.db.models.sql.compiler", "django.contrib.messages.storage.fallback", "PIL.PngImagePlugin")
        print("imported", all(name in sys.modules for name in lazy))
        from courses.models import CoursePage
        print("stream_block", "stream_block" in CoursePage._meta.get_field("body").__dict__)
        connection.ensure_connection()
        close_shared_resources()
        print("connection", connection.connection)
        """
    )
    assert "queries 0\n" in output
    assert "views True\n" in output
    assert "base.html True\n" in output
    assert "'en'" in output and "'zh-hans'" in output
    assert "include True\n" in output
    assert "block True\n" in output
    assert "processors True\n" in output
    assert "imported True\n" in output
    assert "stream_block True\n" in output
    assert "connection None\n" in output


def test_the_master_gives_large_freed_allocations_back_to_the_system():
    """A worker that made renditions kept ~60 MiB of freed image buffers in glibc's heap for good; before_fork fixes
    glibc's mmap threshold so that they are unmapped when freed (docs/performance.md, "10. Worker memory")."""
    from academy import preload

    assert "limit_malloc_retention" in preload.before_fork.__code__.co_names
    if platform.libc_ver()[0] == "glibc":
        assert preload.limit_malloc_retention() is True


def test_heavy_libraries_wait_for_the_views_that_use_them():
    """Every worker imported openpyxl (spreadsheets) at start-up; WeasyPrint (PDFs), boto3 (S3) and jieba (search,
    preloaded by the master instead) must not be imported by loading the app and its URLs either."""
    output = run_python(
        """
        import sys
        import django
        django.setup()
        from django.urls import get_resolver
        from wagtail import hooks
        get_resolver().url_patterns
        hooks.search_for_hooks()
        print(sorted(name for name in ("openpyxl", "weasyprint", "boto3", "jieba") if name in sys.modules))
        """
    )
    assert output.strip() == "[]"


# What a web worker never needs to serve pages: the PDF renderer and what it loads, spreadsheets, S3, the Redis
# client on a host without REDIS_URL, the certificate's QR code, and setuptools' pkg_resources (jieba's).
LOADED_ONLY_WHERE_USED = (
    "weasyprint",
    "pydyf",
    "fontTools",
    "openpyxl",
    "boto3",
    "botocore",
    "redis",
    "segno",
    "pkg_resources",
)


@pytest.mark.django_db(transaction=True)  # committed: the subprocess reads and writes the same database
def test_a_worker_serves_pages_without_the_libraries_only_some_views_need():
    """gunicorn's master loads what it imports before the fork into every worker's memory (RSS, and PSS shared
    among them): redis-py, segno and pkg_resources used to be among the 2,576 modules it held, though no page needs
    them (docs/performance.md, section 16). The master's start-up as gunicorn.conf.py runs it, then pages served
    through the WSGI handler as a worker serves them: none of those libraries is imported."""
    from django.db import connection

    output = run_python(
        """
        import io
        import os
        import sys
        from wsgiref.util import setup_testing_defaults

        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = os.environ["ACADEMY_TEST_DATABASE"]  # the test's own database
        from django.core.wsgi import get_wsgi_application

        from academy.preload import before_fork

        application = get_wsgi_application()  # what preload_app imports
        before_fork()  # gunicorn.conf.py's on_starting
        paths = ("/", "/search/?q=%E7%89%A9%E4%B8%9A", "/accounts/login/", "/verify/", "/robots.txt", "/no-page/")
        for path in paths:
            environ = {"PATH_INFO": path.partition("?")[0], "QUERY_STRING": path.partition("?")[2]}
            setup_testing_defaults(environ)
            environ["wsgi.errors"] = io.StringIO()
            statuses = []
            body = b"".join(application(environ, lambda status, headers, *_: statuses.append(status)))
            print(path, statuses[0], len(body))
        print("loaded", sorted(name for name in sys.argv[1:] if name in sys.modules))
        """,
        *LOADED_ONLY_WHERE_USED,
        env={"ACADEMY_TEST_DATABASE": connection.settings_dict["NAME"], "REDIS_URL": ""},
    )
    assert "/ 200 OK" in output
    assert "/search/?q=%E7%89%A9%E4%B8%9A 200 OK" in output
    assert "/accounts/login/ 200 OK" in output
    assert "/verify/ 200 OK" in output
    assert "/no-page/ 404 Not Found" in output
    assert "loaded []\n" in output
