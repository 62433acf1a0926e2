"""gunicorn settings for benchmarks (bench/catalogue_rps.py, bench/peer.py): the project's gunicorn.conf.py recycles
workers every GUNICORN_MAX_REQUESTS requests, which restarted workers in mid-run and made figures jump.

Sync workers as in production, no recycling, no access log. BENCH_WORKERS sets the worker count (default 2).
BENCH_PRELOAD=1 preloads the app in the master as production's gunicorn.conf.py does (``preload_app``, then
``gc.freeze()`` before the first fork), and with BENCH_ON_STARTING="module:function" calls that function first (our
site: ``academy.preload:before_fork``, which also warms the app and loads jieba; the peer has no such function, so
it gets Python's plain preload + freeze). With BENCH_FORK_LOG set, each worker appends "<pid> <time.time()>" to that
file the moment it is forked, so a benchmark can time fork → first page served.
"""

import gc
import importlib
import os
import time

workers = int(os.environ.get("BENCH_WORKERS") or "2")
worker_class = "sync"
threads = 1
preload_app = os.environ.get("BENCH_PRELOAD") == "1"
max_requests = 0
max_requests_jitter = 0
timeout = 120
graceful_timeout = 10
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"


def on_starting(server):
    hook = os.environ.get("BENCH_ON_STARTING")
    if hook:
        module, function = hook.split(":")
        getattr(importlib.import_module(module), function)()
    if preload_app:
        gc.freeze()


def post_fork(server, worker):
    log = os.environ.get("BENCH_FORK_LOG")
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {time.time()}\n")
