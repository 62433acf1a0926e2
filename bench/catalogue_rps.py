"""Requests per second of the catalogue and a course page against a bare Wagtail page, in one run.

All pages are served by the same gunicorn (production settings, SQLite, the 60-course demo data) on loopback
and measured in interleaved rounds, so the ratios compare like with like on whatever machine runs this.
The bar (DESIGN.md): catalogue and course pages serve at least as many requests per second as a bare page.

    .venv/bin/python bench/catalogue_rps.py [--seconds 3] [--rounds 5] [--concurrency 4]

Results are written to docs/performance.md (the section between the courses markers is replaced).
"""

import argparse
import datetime
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- courses:catalogue_rps:start -->", "<!-- courses:catalogue_rps:end -->"

# Each page is compared with a bare page at the same depth of the tree, because Wagtail's own routing costs
# one or two queries per level whatever the page is; the site root is reported too for reference.
BARE_ROOT, BARE_1, BARE_2 = "bare page at the site root (/)", "bare page, depth 1 (/bare/)", "bare page, depth 2 (/bare/inner/)"
PAGES = [
    (BARE_ROOT, "/", None),
    (BARE_1, "/bare/", None),
    (BARE_2, "/bare/inner/", None),
    ("catalogue (/courses/)", "/courses/", BARE_1),
    ("catalogue filtered (?competency=FG&mode=online)", "/courses/?competency=FG&mode=online", BARE_1),
    ("catalogue search (?q=物业)", "/courses/?q=%E7%89%A9%E4%B8%9A", BARE_1),
    ("catalogue page 3 (?page=3)", "/courses/?page=3", BARE_1),
    ("course page (/courses/fg-01/)", "/courses/fg-01/", BARE_2),
    ("course page (/courses/md-05/)", "/courses/md-05/", BARE_2),
]

BARE_PAGES = """
from wagtail.models import Site
from home.models import HomePage
root = Site.objects.get(is_default_site=True).root_page
bare = root.get_children().filter(slug="bare").first()
if bare is None:
    bare = root.add_child(instance=HomePage(title="空白页", slug="bare"))
    bare.add_child(instance=HomePage(title="空白子页", slug="inner"))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(workdir: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings.production",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "WARNING",
    }
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo"],
        ["collectstatic", "--noinput", "-v0"],
        # Bare pages: the simplest page type there is (a HomePage with only a title) placed at the same depths.
        ["shell", "-c", BARE_PAGES],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def hammer(url: str, seconds: float, concurrency: int) -> float:
    """Requests per second from ``concurrency`` threads for ``seconds``; every response must be a 200."""
    deadline = time.perf_counter() + seconds
    counts = [0] * concurrency
    errors = []

    def worker(slot: int):
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (loopback only)
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            counts[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{url}: non-200 responses {errors[:5]}")
    return sum(counts) / (time.perf_counter() - started)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_report(results: dict[str, float], args) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START,
        "## Catalogue and course pages vs a bare Wagtail page (`bench/catalogue_rps.py`)",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}",
        f"- Setup: gunicorn 2 sync workers, production settings, SQLite, local-memory cache, the 60-course demo data;"
        f" {args.concurrency} client threads on loopback; {args.rounds} interleaved rounds of {args.seconds} s per page;"
        " median of rounds; anonymous visitors.",
        "",
        "| Page | Requests/s (median) | Ratio to the bare page at the same depth | Ratio to the site root |",
        "|---|---:|---:|---:|",
    ]
    for label, _path, baseline in PAGES:
        rps = results[label]
        same_depth = f"{rps / results[baseline]:.2f}" if baseline else "—"
        lines.append(f"| {label} | {rps:.1f} | {same_depth} | {rps / results[BARE_ROOT]:.2f} |")
    lines += [
        "",
        "Bar: ratio to the bare page at the same depth ≥ 1.00. Query counts per page stay constant as courses, lessons and enrolments grow"
        " (asserted in `tests/courses/test_pages.py`).",
        END,
    ]
    section = "\n".join(lines)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-courses-"))
    server = None
    try:
        env = prepare(workdir)
        port = free_port()
        server = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "academy.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        for _label, path, _baseline in PAGES:  # warm every worker's caches and templates
            hammer(base + path, 0.5, args.concurrency)
        samples: dict[str, list[float]] = {label: [] for label, _path, _baseline in PAGES}
        for _ in range(args.rounds):
            for label, path, _baseline in PAGES:
                samples[label].append(hammer(base + path, args.seconds, args.concurrency))
        results = {label: statistics.median(values) for label, values in samples.items()}
        print(write_report(results, args))
        worst = min(results[label] / results[baseline] for label, _path, baseline in PAGES if baseline)
        return 0 if worst >= 1.0 else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
