"""Our site against a public Wagtail LMS (issue 22): the `wagtail-lms` package on a bare `wagtail start` site with one
CoursePage of four lessons, both served by gunicorn, measured in one interleaved run.

    apt-get install wrk          # Debian's wrk (not needed in CI: nothing in `make test` runs this)
    .venv/bin/python bench/peer.py [--seconds 3] [--rounds 3] [--before REV]

What it does:

* **Peer**: a throw-away virtual environment under /tmp (``python3 -m venv``; ``pip install wagtail-lms gunicorn``
  from the package index, reused by later runs while it exists), ``wagtail start peersite``, ``wagtail_lms`` added
  to its apps and URLs, migrated on SQLite, one ``CoursePage`` with four ``H5PLessonPage`` lessons under the home
  page (a title-only ``HomePage``: the peer's bare page).
* **Ours**: this checkout on SQLite with the 60-course demo data and the title-only ``StandardPage`` of
  bench/catalogue_rps.py, production settings; with ``--before REV`` also the tree of that commit (``git archive``
  into /tmp, the same virtual environment) as a third site, so before and after are measured in the same run;
  without it, this checkout a second time with ``PAGE_CACHE=0`` (same database), so the cache's effect is measured.
* Each site gets a plain Django view (``/bench-plain/``, ``HttpResponse("ok")``) through its own middleware, from a
  URLconf written next to the site's settings; nothing is added to the project's own URLs.
* gunicorn with the benchmark's own settings (bench/gunicorn_bench.conf.py: 2 sync workers, no recycling).
* wrk (1 thread, 2 connections) on every address in turn, ``--rounds`` times (rounds interleave the sites, so load on
  the shared machine hits every address alike); the median of the rounds. CPU per request is the workers' own
  user + system time from /proc/<pid>/stat over each wrk run, divided by the requests wrk completed.
* Worker RSS (/proc/<pid>/status VmRSS, mean of the two workers) after every page was served in every round.
* Fork → first page: a 1-worker gunicorn per site whose worker writes its fork time (post_fork); the first 200 on
  the course page (and, for ours, on a search) minus that time.

Results are written to docs/performance.md (between the peer:start / peer:end markers).
"""

import argparse
import contextlib
import datetime
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import machine, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN_CONF = ROOT / "bench" / "gunicorn_bench.conf.py"
START, END = "<!-- peer:start -->", "<!-- peer:end -->"
PEER_VENV = Path(os.environ.get("BENCH_PEER_VENV") or Path(tempfile.gettempdir()) / "bench-peer-venv")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

PLAIN_URLS = """
from django.http import HttpResponse
from django.urls import path
from {urlconf} import urlpatterns as site_urlpatterns

def plain(request):
    return HttpResponse("ok")

urlpatterns = [path("bench-plain/", plain), *site_urlpatterns]
"""

OUR_SETTINGS = """
from academy.settings.production import *  # noqa
ROOT_URLCONF = "bench_site_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1"]
# Hashed names as in production, without WhiteNoise's gzip and brotli copies (minutes of collectstatic on a loaded
# machine); static files are not what is measured.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
"""

PEER_SETTINGS = """
from .base import *  # noqa
DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench_site_urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail_lms"]
"""

PEER_COURSE = """
from wagtail.models import Page
from wagtail_lms.models import CoursePage, H5PLessonPage
home = Page.objects.get(depth=2).specific
if not CoursePage.objects.exists():
    course = home.add_child(instance=CoursePage(title="Property law basics", slug="course",
                                                description="<p>Four lessons on the law of residential compounds.</p>"))
    for number in range(1, 5):
        course.add_child(instance=H5PLessonPage(title=f"Lesson {number}", slug=f"lesson-{number}",
                                                intro=f"<p>Lesson {number} introduction.</p>"))
print(CoursePage.objects.get().url)
"""

# The title-only page of bench/catalogue_rps.py, and the addresses of one upcoming event and the latest news.
OUR_PAGES = """
from wagtail.models import Site
from home.models import EventPage, NewsPage, StandardPage
root = Site.objects.get(is_default_site=True).root_page
if not root.get_children().filter(slug="bare").exists():
    root.add_child(instance=StandardPage(title="空白页", slug="bare"))
from django.utils import timezone
event = EventPage.objects.live().filter(start__gte=timezone.now()).order_by("start").first() or EventPage.objects.live().first()
news = NewsPage.objects.live().order_by("-date").first()
print(event.url)
print(news.url)
# A logged-in trainee (the demo's first, part-way through her courses): a session, and a lesson she is reading.
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from academy.models import User
from courses.models import LessonProgress
user = User.objects.get(phone="+8613900000002")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(LessonProgress.objects.filter(user=user).order_by("pk").first().lesson.url)
print(settings.SESSION_COOKIE_NAME + "=" + session.session_key)
"""


PORTS: list[int] = []  # --ports FIRST-LAST: the addresses this run may still listen on
args_ports_given = False


def free_port() -> int:
    """A free loopback port: the next free one of --ports if given (never one handed out before in this run, since a
    server just started may not have bound it yet), else one the kernel picks."""
    while PORTS:
        port = PORTS.pop(0)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    if args_ports_given:
        raise RuntimeError("no free port left in --ports")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


# Building the sites -------------------------------------------------------------------------------------------------


def build_peer(workdir: Path) -> dict:
    """The peer site in workdir/peer; its environment for manage.py and gunicorn."""
    python = PEER_VENV / "bin" / "python"
    if not (PEER_VENV / "bin" / "wagtail").exists():
        run(["python3", "-m", "venv", str(PEER_VENV)])
        run([str(python), "-m", "pip", "install", "-q", "wagtail-lms", "gunicorn"])
    site = workdir / "peer"
    site.mkdir()
    run([str(PEER_VENV / "bin" / "wagtail"), "start", "peersite", str(site)])
    (site / "peersite" / "settings" / "bench.py").write_text(PEER_SETTINGS)
    (site / "bench_site_urls.py").write_text(PLAIN_URLS.format(urlconf="peersite.urls"))
    urls = (site / "peersite" / "urls.py").read_text()
    urls = urls.replace('path("search/"', 'path("lms/", include("wagtail_lms.urls")),\n    path("search/"', 1)
    (site / "peersite" / "urls.py").write_text(urls)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "peersite.settings.bench", "PYTHONPATH": str(site)}
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        run([str(python), "manage.py", *command], cwd=site, env=env)
    course_url = run([str(python), "manage.py", "shell", "-c", PEER_COURSE], cwd=site, env=env).stdout.split()[-1]
    versions = run([str(python), "-m", "pip", "list", "--format=freeze"], env=env).stdout
    wanted = ("wagtail==", "wagtail-lms==", "wagtail_lms==", "django==", "gunicorn==")
    env["BENCH_VERSIONS"] = ", ".join(line for line in versions.split() if line.lower().startswith(wanted))
    return {
        "name": "peer",
        "cwd": site,
        "env": env,
        "gunicorn": str(PEER_VENV / "bin" / "gunicorn"),
        "wsgi": "peersite.wsgi",
        "pages": {"plain": "/bench-plain/", "bare": "/", "course": course_url},
    }


def export_tree(rev: str, tree: Path) -> Path:
    """The tree of commit ``rev`` (``git archive``) in ``tree``, with this checkout's virtual environment and its
    translations compiled: the ``.mo`` files are not in git, and without them it would serve English chrome."""
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    for po in tree.glob("**/locale/*/LC_MESSAGES/*.po"):
        subprocess.run(["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    return tree


def build_ours(name: str, tree: Path, workdir: Path) -> dict:
    """One of our trees (this checkout, or an exported commit) on SQLite with the demo data."""
    data = workdir / name
    data.mkdir()
    (data / "bench_site_settings.py").write_text(OUR_SETTINGS)
    (data / "bench_site_urls.py").write_text(PLAIN_URLS.format(urlconf="academy.urls"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_site_settings",
        "PYTHONPATH": os.pathsep.join([str(data), str(tree)]),
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{data / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(data / "media"),
        "STATIC_ROOT": str(data / "static"),
        "PRIVATE_MEDIA_ROOT": str(data / "private"),
        "PAGE_CACHE_GENERATION_FILE": str(data / "content-generation"),
        "LOG_LEVEL": "WARNING",
    }
    # update_index: the search index as a deployment's task worker keeps it (seed_demo leaves re-indexing to a task
    # no worker runs here; without it the search page measured an empty "nothing found").
    commands = (["migrate", "--noinput", "-v0"], ["seed_demo"], ["update_index"], ["collectstatic", "--noinput", "-v0"])
    for command in commands:
        run([PYTHON, "manage.py", *command], cwd=tree, env=env)
    output = run([PYTHON, "manage.py", "shell", "-c", OUR_PAGES], cwd=tree, env=env).stdout.split()
    event_url, news_url, lesson_url, cookie = output[-4:]
    return {
        "name": name,
        "cwd": tree,
        "env": env,
        "gunicorn": str(Path(PYTHON).parent / "gunicorn"),
        "wsgi": "academy.wsgi",
        "pages": {
            "plain": "/bench-plain/",
            "bare": "/bare/",
            "course": "/courses/fg-01/",
            "home": "/",
            "catalogue": "/courses/",
            "event": event_url,
            "news": news_url,
            "bare, logged in": "/bare/",
            "lesson, logged in": lesson_url,
            "dashboard, logged in": "/credits/",
            "search": "/search/?q=%E7%89%A9%E4%B8%9A",
        },
        "cookie": cookie,
        "search": "/search/?q=%E7%89%A9%E4%B8%9A",
    }


# Serving and measuring ----------------------------------------------------------------------------------------------


def start(site: dict, *, workers: int = 2, fork_log: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**site["env"], "BENCH_WORKERS": str(workers)}
    if fork_log is not None:
        env["BENCH_FORK_LOG"] = str(fork_log)
    command = [site["gunicorn"], site["wsgi"], "--config", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=site["cwd"], env=env, start_new_session=True)
    return server, f"http://127.0.0.1:{port}"


def fetch(url: str, timeout: float = 30, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310  (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (loopback only)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(url: str, deadline: float = 120) -> float:
    """Poll until the address answers 200; the time it did."""
    limit = time.monotonic() + deadline
    while time.monotonic() < limit:
        try:
            if fetch(url, timeout=30) == 200:
                return time.time()
        except (OSError, http.client.HTTPException):
            # Not listening yet (a preloaded master binds after loading the app). A loopback port in the ephemeral
            # range can even connect to itself and read back its own request: BadStatusLine.
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {deadline} s")


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def memory_mib(pid: int) -> dict[str, float]:
    """RSS (every page the process maps, shared ones included), PSS (shared pages divided among their sharers) and
    USS (pages only this process has: what one more worker costs), from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            fields[parts[0][:-1]] = int(parts[1]) / 1024
    return {
        "rss": fields.get("Rss", 0.0),
        "pss": fields.get("Pss", 0.0),
        "uss": fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0),
    }


def logged_in(page: str) -> bool:
    return page.endswith("logged in")


def wrk(url: str, seconds: float, cookie: str = "") -> tuple[float, int]:
    """Requests per second and requests completed; every response must be 2xx."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = run(["wrk", "-t1", "-c2", f"-d{max(1, round(seconds))}s", *headers, url]).stdout  # whole seconds
    if "Non-2xx" in output:
        raise RuntimeError(f"{url}: non-2xx responses\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return rps, requests


def first_page(site: dict, path: str, workdir: Path) -> float:
    """Seconds from a fresh worker's fork to its first 200 on ``path`` (a 1-worker gunicorn)."""
    log = workdir / f"fork-{site['name']}-{time.time_ns()}.log"
    server, base = start(site, workers=1, fork_log=log)
    try:
        served = wait_until_up(base + path)
        forked = float(log.read_text().split()[1])
        return served - forked
    finally:
        stop(server)


PAGES = (
    "plain", "bare", "course", "home", "catalogue", "event", "news", "search",
    "bare, logged in", "lesson, logged in", "dashboard, logged in",
)  # fmt: skip


def measure(sites: list[dict], args, workdir: Path) -> dict:
    servers = {}
    try:
        for site in sites:
            servers[site["name"]] = start(site)
        for site in sites:
            server, base = servers[site["name"]]
            wait_until_up(base + site["pages"]["bare"])
            for page, path in site["pages"].items():
                # One request at a time first, waited for: on a fresh database it makes the page's image
                # renditions (seconds each). Under wrk those requests time out and queue up in the workers, which
                # then serve them during the measured rounds.
                fetch(base + path, timeout=300, cookie=site["cookie"] if logged_in(page) else "")
            for page, path in site["pages"].items():  # warm every worker: a few seconds of each page
                wrk(base + path, 1, site["cookie"] if logged_in(page) else "")
        samples = {(site["name"], page): [] for site in sites for page in site["pages"]}
        cpu = {(site["name"], page): [] for site in sites for page in site["pages"]}
        for _round in range(args.rounds):
            for page in PAGES:
                for site in sites:
                    if page not in site["pages"]:
                        continue
                    server, base = servers[site["name"]]
                    pids = workers_of(server.pid)
                    before = cpu_seconds(pids)
                    cookie = site["cookie"] if logged_in(page) else ""
                    rps, requests = wrk(base + site["pages"][page], args.seconds, cookie)
                    used = cpu_seconds(pids) - before
                    samples[(site["name"], page)].append(rps)
                    cpu[(site["name"], page)].append(1000 * used / max(requests, 1))
        memory = {}
        for site in sites:
            server, _base = servers[site["name"]]
            per_worker = [memory_mib(pid) for pid in workers_of(server.pid)]
            memory[site["name"]] = {kind: statistics.mean(m[kind] for m in per_worker) for kind in per_worker[0]}
            memory[site["name"]]["master"] = memory_mib(server.pid)["uss"]
    finally:
        for server, _base in servers.values():
            stop(server)
    firsts = {}
    for site in sites:
        firsts[(site["name"], "course")] = first_page(site, site["pages"]["course"], workdir)
        if "search" in site:
            firsts[(site["name"], "search")] = first_page(site, site["search"], workdir)
    return {
        "rps": {key: statistics.median(values) for key, values in samples.items()},
        "cpu": {key: statistics.median(values) for key, values in cpu.items()},
        "memory": memory,
        "first": firsts,
    }


# Report -------------------------------------------------------------------------------------------------------------


def report(results: dict, sites: list[dict], args, loads: list[tuple], started: str) -> str:
    names = [site["name"] for site in sites]
    ours = [name for name in names if not name.startswith("peer")]
    rps, cpu, memory, first = results["rps"], results["cpu"], results["memory"], results["first"]

    def ratio(value, base):
        return f"{value / base:.2f}" if base else "—"

    header = "| Same run, same machine | " + " | ".join(names) + " | " + " | ".join(f"{n} ÷ peer" for n in ours) + " |"
    lines = [
        f"### Against the peer: `wagtail-lms` on a bare Wagtail site (`bench/peer.py`), {started}",
        "",
        f"- Machine: {machine()}",
        f"- Load average (1/5/15 min) at the start: {' / '.join(f'{x:.1f}' for x in loads[0])}; at the end:"
        f" {' / '.join(f'{x:.1f}' for x in loads[1])} (the machine is shared with other work: absolute figures"
        " are noisy, the ratios of one interleaved run much less so).",
        f"- Command: `.venv/bin/python bench/peer.py --seconds {args.seconds} --rounds {args.rounds}"
        + (f" --before {args.before}`" if args.before else "`"),
        f"- Peer: {sites[0]['env'].get('BENCH_VERSIONS', '')}; `wagtail start` site, SQLite, DEBUG off, one"
        " CoursePage with four H5PLessonPage lessons. Ours: production settings, SQLite, the 60-course demo data,"
        " local-memory cache" + (f"; `before` is commit {args.before}, `after` this checkout." if args.before else "."),
        f"- gunicorn 2 sync workers each (bench/gunicorn_bench.conf.py: no recycling); wrk 1 thread, 2 connections,"
        f" {args.seconds} s per address, {args.rounds} interleaved rounds, medians; anonymous requests except where"
        " marked logged in (one demo trainee's session cookie).",
        "- Preloading (`preload_app` and `gc.freeze()` before fork, as production's gunicorn.conf.py now does): "
        + "; ".join(f"{site['name']}: {preload_label(site)}" for site in sites)
        + ". Memory: per worker after every page was served in every round, mean of the two workers, from"
        " /proc/<pid>/smaps_rollup: RSS counts pages shared with the master and the other worker in full, PSS divides"
        " them among their sharers, USS is what the worker alone holds (what one more worker costs).",
        "",
        header,
        "|---|" + "---:|" * (len(names) + len(ours)),
    ]

    def row(label, values, fmt, base_key=None):
        cells = [fmt(values.get(name)) if values.get(name) is not None else "—" for name in names]
        peer = values.get("peer")
        ratios = [ratio(values[name], peer) if values.get(name) is not None and peer else "—" for name in ours]
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")

    for page, label in (("plain", "plain Django view"), ("bare", "title-only page"), ("course", "course page")):
        row(f"{label}, req/s", {n: rps.get((n, page)) for n in names}, lambda v: f"{v:,.0f}")
        row(f"{label}, CPU ms per request", {n: cpu.get((n, page)) for n in names}, lambda v: f"{v:.2f}")
    for kind, label in (("rss", "RSS"), ("pss", "PSS"), ("uss", "USS")):
        values = {n: memory[n][kind] for n in names if n in memory}
        row(f"worker {label} after warming every page, MiB", values, lambda v: f"{v:.0f}")
    row("master USS, MiB", {n: memory[n]["master"] for n in names if n in memory}, lambda v: f"{v:.0f}")
    row("worker fork → first course page, s", {n: first.get((n, "course")) for n in names}, lambda v: f"{v:.2f}")
    for name in ours:
        if (name, "search") in first:
            lines.append(f"| {name}: fork → first search (`?q=物业`), s | {first[(name, 'search')]:.2f} |")
    lines += [
        "",
        "Our anonymous pages against our own plain Django view (through the same middleware, same run):",
        "",
        "| Page | " + " | ".join(f"{n} req/s | {n} ÷ plain view" for n in ours) + " |",
        "|---|" + "---:|---:|" * len(ours),
    ]
    for page in ("bare", "home", "catalogue", "course", "event", "news", "search"):
        if any((name, page) not in rps for name in ours):
            continue  # a tree from before the page was measured
        cells = []
        for name in ours:
            value, plain = rps.get((name, page)), rps.get((name, "plain"))
            cells += [f"{value:,.0f}", ratio(value, plain)]
        path = sites[-1]["pages"][page]
        lines.append(f"| {page} (`{path}`) | " + " | ".join(cells) + " |")
    searched = [name for name in ours if (name, "search") in rps]
    if searched:
        lines += [
            "",
            "Search, anonymous (from the page cache once the same query has been asked since the last content change;"
            " never with the cache off) against the title-only page, same run (goal: ≥ 1.0): "
            + "; ".join(f"{name} {ratio(rps[(name, 'search')], rps[(name, 'bare')])}" for name in searched)
            + ".",
        ]
    lines += [
        "",
        "Logged-in pages (one trainee's session) against the title-only page, anonymous and logged in (same run;"
        " goal: lesson and dashboard ≥ 0.8× the title-only page):",
        "",
        "| Page | " + " | ".join(f"{n} req/s | {n} ÷ title-only | {n} ÷ title-only logged in" for n in ours) + " |",
        "|---|" + "---:|---:|---:|" * len(ours),
    ]
    for page in ("bare, logged in", "lesson, logged in", "dashboard, logged in"):
        cells = []
        for name in ours:
            value = rps.get((name, page))
            cells += [
                f"{value:,.0f}",
                ratio(value, rps.get((name, "bare"))),
                ratio(value, rps.get((name, "bare, logged in"))),
            ]
        path = sites[-1]["pages"][page]
        lines.append(f"| {page} (`{path}`) | " + " | ".join(cells) + " |")
    return write_section(START, END, lines)


def preload_label(site: dict) -> str:
    env = site["env"]
    if env.get("BENCH_PRELOAD") == "1":
        return "app preloaded" + (f" (`{env['BENCH_ON_STARTING']}`)" if env.get("BENCH_ON_STARTING") else "")
    if env.get("BENCH_ON_STARTING"):
        return f"only `{env['BENCH_ON_STARTING']}` in the master"
    return "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", metavar="REV", help="also measure the tree of this commit (git archive)")
    parser.add_argument("--ports", metavar="FIRST-LAST", help="listen only on these loopback ports (e.g. 55900-55959)")
    args = parser.parse_args()
    if args.ports:
        first, last = (int(part) for part in args.ports.split("-"))
        PORTS.extend(range(first, last + 1))
        global args_ports_given
        args_ports_given = True
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    loads = [os.getloadavg()]
    workdir = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    try:
        peer = build_peer(workdir)
        sites = [{**peer, "env": {**peer["env"], "BENCH_PRELOAD": "1"}}]
        if args.before:
            # The peer as gunicorn starts it by default too: the figures were measured so.
            sites.append({**peer, "name": "peer, no preload", "env": {**peer["env"], "BENCH_PRELOAD": "0"}})
            tree = export_tree(args.before, workdir / "before-tree")
            before = build_ours("before", tree, workdir)
            if (tree / "academy" / "preload.py").exists():
                # A tree that preloads the app as production's gunicorn.conf.py does (since 2026-12-07): started so.
                preload = {"BENCH_PRELOAD": "1", "BENCH_ON_STARTING": "academy.preload:before_fork"}
            else:
                # As production started an older tree: each worker imports the app, the master only jieba.
                preload = {"BENCH_PRELOAD": "0", "BENCH_ON_STARTING": "academy.search.preload:preload_before_fork"}
            sites.append({**before, "env": {**before["env"], **preload}})
        ours = build_ours("after" if args.before else "ours", ROOT, workdir)
        # As production's gunicorn.conf.py starts it: the app preloaded and warmed, the heap frozen.
        sites.append(
            {**ours, "env": {**ours["env"], "BENCH_PRELOAD": "1", "BENCH_ON_STARTING": "academy.preload:before_fork"}}
        )
        if not args.before:
            # The same checkout and database with the full-page cache off: what the cache changes, in the same run.
            ours = sites[-1]
            sites.insert(-1, {**ours, "name": "ours, cache off", "env": {**ours["env"], "PAGE_CACHE": "0"}})
        results = measure(sites, args, workdir)
        loads.append(os.getloadavg())
        print(textwrap.dedent(report(results, sites, args, loads, started)))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
