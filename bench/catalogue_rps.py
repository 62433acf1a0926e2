"""Requests per second of the catalogue, a course page and a logged-in dashboard against a bare Wagtail page.

All pages are served by the same gunicorn (production settings) on loopback and measured in interleaved rounds,
so the ratios compare like with like on whatever machine runs this. Bars (DESIGN.md, issue 9): catalogue and
course pages serve at least as many requests per second as a bare page; the dashboard (我的学分) at least half.

    .venv/bin/python bench/catalogue_rps.py [--seconds 3] [--rounds 5] [--concurrency 2]
        SQLite, the 60-course demo data, built in a temporary directory (section courses:catalogue_rps)
    .venv/bin/python bench/catalogue_rps.py --pg academy_bench
        PostgreSQL, the district database of bench/district_data.py (section district:catalogue_rps)

Results are written to docs/performance.md (the section between the markers is replaced).
"""

import argparse
import datetime
import json
import os
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- courses:catalogue_rps:start -->", "<!-- courses:catalogue_rps:end -->"
PG_START, PG_END = "<!-- district:catalogue_rps:start -->", "<!-- district:catalogue_rps:end -->"
DASHBOARD = "dashboard 我的学分 (/credits/), logged in"

# Each page is compared with a bare page at the same depth of the tree, because Wagtail's own routing costs
# one or two queries per level whatever the page is; the site root is reported too for reference.
BARE_ROOT, BARE_1, BARE_2 = (
    "home page, the site root (/)",
    "bare page, depth 1 (/bare/)",
    "bare page, depth 2 (/bare/inner/)",
)
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
    # Logged in: the trainee's session cookie is sent (see login_cookie); compared with the anonymous bare page.
    ("bare page, depth 1, logged in", "/bare/", BARE_1),
    (DASHBOARD, "/credits/", BARE_1),
]
LOGGED_IN = {"bare page, depth 1, logged in", DASHBOARD}
BARS = {DASHBOARD: 0.5, "bare page, depth 1, logged in": None}

# A session for one trainee with a full learning history (the first generated trainee on PostgreSQL, the demo's
# first trainee on SQLite); the key is printed for the client to send as a cookie.
LOGIN = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from academy.models import User
user = User.objects.filter(username="bench0").first() or User.objects.filter(phone="+8613900000002").first()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""

# The bare pages: the simplest page the site has (a StandardPage with only a title: no introduction, no body) at
# depths 1 and 2. An earlier run used HomePages, whose template also renders news and event cards; such pages are
# replaced.
BARE_PAGES = """
from wagtail.models import Site
from home.models import StandardPage
root = Site.objects.get(is_default_site=True).root_page
bare = root.get_children().filter(slug="bare").first()
if bare is not None and not isinstance(bare.specific, StandardPage):
    bare.delete()
    bare = None
if bare is None:
    bare = root.add_child(instance=StandardPage(title="空白页", slug="bare"))
    bare.add_child(instance=StandardPage(title="空白子页", slug="inner"))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login_cookie(env: dict) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", LOGIN], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def prepare_pg(database: str) -> dict:
    """The district database on the benchmark cluster, as bench/district_data.py left it, plus the bare pages."""
    sys.path.insert(0, str(ROOT / "bench"))
    import pg
    from district_data import collect_static, site_env

    pg.start()
    env = site_env(database)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", BARE_PAGES], cwd=ROOT, env=env, check=True)
    collect_static(env)
    return env


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
        ["shell", "-c", BARE_PAGES],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def hammer(url: str, seconds: float, concurrency: int, cookie: str = "") -> float:
    """Requests per second from ``concurrency`` threads for ``seconds``; every response must be a 200."""
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.perf_counter() + seconds
    counts = [0] * concurrency
    errors = []

    def worker(slot: int):
        while time.perf_counter() < deadline:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310  (loopback only)
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
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


def write_report(results: dict[str, float], args, loads: list[tuple]) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    start, end = (PG_START, PG_END) if args.pg else (START, END)
    data = "SQLite, the 60-course demo data"
    if args.pg:
        data = f"PostgreSQL (database `{args.pg}` of `bench/district_data.py`"
        generation = Path(f"/tmp/bench-district-{os.environ.get('BENCH_PG_PORT', '55421')}/generation.json")  # noqa: S108
        if generation.exists():
            counts = json.loads(generation.read_text())["counts"]
            data += (f": {counts['trainees']:,} trainees, {counts['courses_lessonprogress']:,} progress rows,"
                     f" {counts['credits_creditentry']:,} ledger rows")  # fmt: skip
        data += ")"
    command = "bench/catalogue_rps.py" + (f" --pg {args.pg}" if args.pg else "")
    lines = [
        start,
        f"### Requests per second vs a bare Wagtail page{' at district scale' if args.pg else ''} (`{command}`)",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}",
        f"- Load average (1/5/15 min) at the start: {' / '.join(f'{x:.1f}' for x in loads[0])}; at the end:"
        f" {' / '.join(f'{x:.1f}' for x in loads[1])}. The machine is shared: absolute figures are noisy, the ratios"
        " (interleaved rounds, same server) much less so.",
        f"- Command: `.venv/bin/python {command} --seconds {args.seconds} --rounds {args.rounds} --concurrency"
        f" {args.concurrency}`",
        f"- Setup: gunicorn {args.workers} sync workers, production settings, {data}, local-memory cache;"
        f" {args.concurrency} client threads on loopback; {args.rounds} interleaved rounds of {args.seconds} s per page;"
        " median of rounds; anonymous visitors except where marked logged in (one trainee's session cookie).",
        "",
        "| Page | Requests/s (median) | Ratio to the bare page at the same depth | Bar | Ratio to the home page |",
        "|---|---:|---:|---|---:|",
    ]
    for label, _path, baseline in PAGES:
        rps = results[label]
        bar = BARS.get(label, 1.0) if baseline else None
        ratio = rps / results[baseline] if baseline else None
        verdict = f"≥ {bar:.1f}: {'met' if ratio >= bar else 'NOT met'}" if bar else ""
        same_depth = f"{ratio:.2f}" if ratio else "—"
        lines.append(f"| {label} | {rps:.1f} | {same_depth} | {verdict} | {rps / results[BARE_ROOT]:.2f} |")
    lines += [
        "",
        "Bars: catalogue and course pages ≥ 1.00 of the bare page at the same depth; the logged-in dashboard ≥ 0.50."
        " Query counts per page stay constant as courses, lessons and enrolments grow"
        " (asserted in `tests/courses/test_pages.py`).",
        end,
    ]
    section = "\n".join(lines)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Performance\n\nMeasured by `bench/`.\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", metavar="DATABASE", help="use this database of the bench PostgreSQL cluster")
    parser.add_argument("--port", type=int, help="port for gunicorn (default: any free port)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-courses-"))
    server = None
    loads = [os.getloadavg()]
    try:
        env = prepare_pg(args.pg) if args.pg else prepare(workdir)
        cookie = login_cookie(env)
        port = args.port or free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "academy.wsgi",
                # The benchmark's own settings (no worker recycling in a run), not the project's gunicorn.conf.py,
                # which gunicorn would otherwise read from the working directory.
                "--config",
                str(ROOT / "bench" / "gunicorn_bench.conf.py"),
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
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
        for label, path, _baseline in PAGES:  # warm every worker's caches and templates
            hammer(base + path, 0.5, args.concurrency, cookie if label in LOGGED_IN else "")
        samples: dict[str, list[float]] = {label: [] for label, _path, _baseline in PAGES}
        for _ in range(args.rounds):
            for label, path, _baseline in PAGES:
                samples[label].append(
                    hammer(base + path, args.seconds, args.concurrency, cookie if label in LOGGED_IN else "")
                )
        results = {label: statistics.median(values) for label, values in samples.items()}
        loads.append(os.getloadavg())
        print(write_report(results, args, loads))
        missed = [label for label, _path, baseline in PAGES
                  if baseline and BARS.get(label, 1.0) and results[label] / results[baseline] < BARS.get(label, 1.0)]  # fmt: skip
        return 1 if missed else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a worker stuck in a request on an overloaded machine
                server.kill()
                server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
