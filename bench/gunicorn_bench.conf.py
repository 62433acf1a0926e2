"""gunicorn settings for benchmarks (bench/catalogue_rps.py, bench/peer.py): the project's gunicorn.conf.py recycles
workers every GUNICORN_MAX_REQUESTS requests, which restarted workers in mid-run and made figures jump.

Sync workers as in production, no preloading (as production), no recycling, no access log. BENCH_WORKERS sets the
worker count (default 2). With BENCH_FORK_LOG set, each worker appends "<pid> <time.time()>" to that file the
moment it is forked, so a benchmark can time fork → first page served.
"""

import os
import time

workers = int(os.environ.get("BENCH_WORKERS") or "2")
worker_class = "sync"
threads = 1
preload_app = False
max_requests = 0
max_requests_jitter = 0
timeout = 120
graceful_timeout = 10
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"


def post_fork(server, worker):
    log = os.environ.get("BENCH_FORK_LOG")
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {time.time()}\n")
