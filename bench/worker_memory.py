"""What one more gunicorn worker costs (issue 22): our site preloaded as production's gunicorn.conf.py starts it,
every page warmed, then each worker's memory from /proc/<pid>/smaps_rollup.

    .venv/bin/python bench/worker_memory.py [--ports 55680-55699] [--requests 200] [--workdir DIR] [--pss-only]

The site is built as bench/peer.py builds it (SQLite, the 60-course demo data, production settings) in --workdir,
kept there and reused by later runs (delete the directory for a fresh one). gunicorn runs with
bench/gunicorn_bench.conf.py, BENCH_PRELOAD=1 and ``academy.preload:before_fork``; every page of peer.py (anonymous
and logged in) and a search get ``--requests`` requests from two clients at once, so both workers serve each.

RSS counts every page a worker maps (shared ones in full), PSS divides shared pages among their sharers, USS
(Private_Clean + Private_Dirty) is what only that worker holds: what one more worker costs the host.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer  # noqa: E402


def site_in(workdir: Path, extra_env: dict) -> dict:
    saved = workdir / "site.json"
    if saved.exists():
        site = json.loads(saved.read_text())
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        site = peer.build_ours("ours", peer.ROOT, workdir)
        site = {key: str(value) if isinstance(value, Path) else value for key, value in site.items()}
        saved.write_text(json.dumps(site))
    hook = {"BENCH_PRELOAD": "1", "BENCH_ON_STARTING": "academy.preload:before_fork"}
    return {**site, "env": {**site["env"], **hook, **extra_env}}


def get(url: str, cookie: str) -> int:
    request = peer.urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with peer.urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (loopback only)
        response.read()
        return response.status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", metavar="FIRST-LAST", help="listen only on these loopback ports")
    parser.add_argument("--requests", type=int, default=200, help="requests per page (default 200)")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "bench-worker-memory"))
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra environment")
    args = parser.parse_args()
    if args.ports:
        first, last = (int(part) for part in args.ports.split("-"))
        peer.PORTS.extend(range(first, last + 1))
        peer.args_ports_given = True
    site = site_in(Path(args.workdir), dict(item.split("=", 1) for item in args.env))
    pages = {**site["pages"], "search": site["search"]}
    server, base = peer.start(site, workers=2)
    try:
        peer.wait_until_up(base + pages["bare"])
        workers = peer.workers_of(server.pid)
        forked = {pid: peer.memory_mib(pid) for pid in workers}
        with ThreadPoolExecutor(2) as pool:
            for name, path in pages.items():
                cookie = site["cookie"] if peer.logged_in(name) else ""
                statuses = set(pool.map(lambda _i: get(base + path, cookie), range(args.requests)))  # noqa: B023
                if statuses != {200}:
                    raise RuntimeError(f"{path}: {statuses}")
        time.sleep(0.5)
        after = {pid: peer.memory_mib(pid) for pid in workers}
        master = peer.memory_mib(server.pid)
    finally:
        peer.stop(server)
    for pid in workers:
        print(f"worker {pid}: at first page " + ", ".join(f"{k} {v:.1f}" for k, v in forked[pid].items()))
        print(f"worker {pid}: warmed        " + ", ".join(f"{k} {v:.1f}" for k, v in after[pid].items()))
    mean = {kind: statistics.mean(after[pid][kind] for pid in workers) for kind in ("rss", "pss", "uss")}
    print("mean warmed worker MiB: " + ", ".join(f"{k} {v:.1f}" for k, v in mean.items()))
    print("master MiB: " + ", ".join(f"{k} {v:.1f}" for k, v in master.items()))
    print("load average:", " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
