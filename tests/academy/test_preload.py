"""gunicorn preloads the app before it forks (gunicorn.conf.py, academy/preload.py), and the views that few requests
need import their heavy libraries themselves (issue 22)."""

import os
import platform
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "academy.settings.test", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(  # noqa: S603  (this interpreter, our own code)
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
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
