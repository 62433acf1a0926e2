"""First search in a fresh gunicorn worker, and the workers' memory, with and without the segmenter preloaded.

Starts gunicorn (2 sync workers, this checkout's gunicorn.conf.py, development settings on a copy of db.sqlite3 —
run `make demo` first) twice: once as configured (jieba's dictionary loaded in the master, see
academy/search/preload.py) and once with the ``on_starting`` hook removed (each worker loads it on its first
search). For each, it times the first search each worker serves and reads the workers' RSS and PSS (PSS counts
shared pages once per sharer, so it is the fair per-worker figure) after that search.

    .venv/bin/python bench/search_preload.py
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
QUERIES = ["物业", "联席", "业委会", "调处"]


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0]) / 1024
    return values["Rss"], values["Pss"]


def cpu(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def run(config: Path, env: dict, port: int) -> dict:
    server = subprocess.Popen(  # noqa: S603
        [str(PYTHON.parent / "gunicorn"), "-c", str(config), "academy.wsgi", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--max-requests", "0", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        pids = workers(server.pid)
        firsts = {}
        # Keep asking until each worker has served a first search (the kernel picks the worker).
        deadline = time.monotonic() + 120
        while len(firsts) < len(pids) and time.monotonic() < deadline:
            query = urllib.parse.quote(QUERIES[len(firsts) % len(QUERIES)])
            before = {pid: cpu(pid) for pid in pids}
            started = time.perf_counter()
            urllib.request.urlopen(f"{base}/search/?q={query}", timeout=60).read()  # noqa: S310
            elapsed = time.perf_counter() - started
            # The worker that served the request is the one whose CPU time grew most.
            pid = max(pids, key=lambda p: cpu(p) - before[p])
            firsts.setdefault(pid, elapsed)
        mem = [memory(pid) for pid in pids]
        master_rss, master_pss = memory(server.pid)
        return {"first": sorted(firsts.values()), "workers": mem, "master": (master_rss, master_pss)}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="search-preload-"))
    shutil.copy(ROOT / "db.sqlite3", workdir / "db.sqlite3")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "academy.settings.dev", "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    # Without the hook: the same configuration, its on_starting removed.
    plain = workdir / "gunicorn_without_preload.py"
    plain.write_text(f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\ndel on_starting\n")
    preloaded = workdir / "gunicorn_with_preload.py"
    preloaded.write_text(f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\n")
    try:
        for name, config, port in (("without preload", plain, 8471), ("with preload", preloaded, 8472)):
            result = run(config, env, port)
            firsts = ", ".join(f"{value:.2f} s" for value in result["first"])
            mem = "; ".join(f"RSS {rss:.0f} MiB, PSS {pss:.0f} MiB" for rss, pss in result["workers"])
            print(f"{name}: first search per worker {firsts}; workers {mem}; master RSS {result['master'][0]:.0f} MiB")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
