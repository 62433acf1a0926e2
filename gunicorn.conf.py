"""gunicorn settings for the web process: `gunicorn -c gunicorn.conf.py academy.wsgi` (see deploy/README.md).

Every value can be changed from the environment, so one file serves a small host and a large one.
"""

import multiprocessing
import os

# Behind nginx on the same host: listen on loopback (or a unix socket, e.g. unix:/run/academy/gunicorn.sock).
bind = (os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000").split(",")

# Sync workers: Django views here are CPU- and database-bound (certificate PDFs, reports), so the classic
# 2 × cores + 1 sync workers; GUNICORN_THREADS > 1 switches to gthread for hosts with slow clients.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or "1")

# A request that has not answered in 60 s (the street report and the district export stream, so they keep
# writing) is stuck: kill the worker. Leave in-flight requests 30 s to finish on a restart (SIGHUP/SIGTERM).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or "60")
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or "30")
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or "5")

# Recycle workers now and then so a slow leak (fonts, PDF layout caches) can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or "2000")
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER") or "200")

# The master imports the app (Django, Wagtail, every model, URL and view, templates, translations, jieba's
# dictionary: academy/preload.py) before it forks, and the workers share all of it copy-on-write: each worker adds
# tens of MiB instead of two hundred, and a new worker (a crash, max_requests) serves its first page at once instead
# of after seconds of imports (docs/performance.md, "Issue 22 — this session"). The price: the master holds the code
# it started with, so `systemctl reload academy-web` (SIGHUP) starts fresh workers on the *old* code; an upgrade is
# `systemctl restart academy-web` (deploy/README.md). GUNICORN_PRELOAD=0 goes back to each worker importing the app
# itself, where a reload picks up new code, at the cost of the memory and start-up time above.
preload_app = (os.environ.get("GUNICORN_PRELOAD") or "1") not in {"0", "false", "no", "off"}


def on_starting(server):
    """Before any fork: fix glibc's mmap threshold (freed image buffers go back to the system), load jieba's
    dictionary (1.75 s, 71 MiB; it needs no Django) and, with preload_app, warm the app; close the master's database
    and cache connections; gc.freeze() (academy/preload.py)."""
    from academy.preload import before_fork

    before_fork()


# Believe X-Forwarded-Proto only from the proxy in front (nginx on loopback by default). gunicorn leaves REMOTE_ADDR
# as the proxy's address; academy.middleware.TrustedProxyMiddleware (TRUSTED_PROXIES) puts the client's there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"

# Logs to stdout/stderr (journald collects them). Access lines: client, time, request, status, bytes, duration in
# microseconds, referer, user agent. With LOG_FORMAT=json every line is one JSON object (academy.jsonlog).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = "-"
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(B)s %(D)sus "%(f)s" "%(a)s"'

if (os.environ.get("LOG_FORMAT") or "plain") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "academy.jsonlog.JSONFormatter"}},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
