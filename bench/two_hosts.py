"""The two-host rehearsal (issue 18) on one machine: two web hosts and two task workers on one PostgreSQL, Redis and
object store, nginx balancing between the web hosts; one web host and one worker are killed (SIGKILL) mid-load.

Run by hand through bench/two_hosts.sh (it starts the throw-away PostgreSQL and Redis and hands over DATABASE_URL
and REDIS_URL); not part of `make test`. Everything listens on 127.0.0.1 only and is stopped however the run ends.

1. a moto S3 server (the object store: media and certificate PDFs), unless --no-s3;
2. migrate + seed_demo, N trainees who arrive logged in, time on task credited in advance (bench/locust_run.py's
   scenario, read by bench/locustfile.py);
3. "host A" and "host B": one gunicorn (gunicorn.conf.py, production settings) and one ``db_worker`` each;
   deploy/nginx/academy.conf as shipped, its upstream listing both gunicorns (as its comment says to), TLS with a
   throw-away certificate, an access log with each request's time, status and upstream;
4. locust headless for --seconds; at 35 % of the run host A's gunicorn (master and workers) is SIGKILLed; from
   50 % host A's worker is SIGKILLed as soon as it holds a task (or after 20 s of waiting, holding none);
   at 70 % Redis (cache, rate limits, the cached half of the sessions) is SIGKILLed and started again, empty, after
   --redis-outage seconds: the site must keep serving from the database (deploy/README.md, section 8);
5. after the load: host B's worker drains the queue; a task left RUNNING by the killed worker is put back by
   ``manage.py requeue_stale_tasks --older-than 1`` once it is a minute old, and host B runs it;
6. reports requests (total, failed, and which failures were in flight at host A at the kill), tasks (enqueued,
   finished, failed, left), and credits against completions (bench/locust_run.py's check), and writes the figures
   into docs/performance.md ("Two-host rehearsal").

    bench/two_hosts.sh [--users 24] [--seconds 90] [--web-workers 2] [--redis-outage 10] [--no-s3]

Exit status 1 when a failure was not in flight at host A's kill (one during the Redis outage included), a task was lost, or credits differ from completions.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from district_data import FIRST_ID, collect_static, setup_django  # noqa: E402
from locust_run import credits_check, prepare, read_stats  # noqa: E402
from world import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORT = ROOT / "docs" / "performance.md"
CONF = ROOT / "deploy" / "nginx" / "academy.conf"
START, END = "<!-- two-hosts:start -->", "<!-- two-hosts:end -->"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BUCKET = "academy-two-hosts"
# Static files survive between runs (collecting and compressing them takes minutes on a loaded machine).
STATIC_ROOT = Path(tempfile.gettempdir()) / "academy-two-hosts-static"


class Processes:
    """Every process this run starts, each in a session of its own, so that a kill reaches its children too."""

    def __init__(self, work: Path):
        self.work = work
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603  (our own interpreter, gunicorn, nginx, moto)
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started[name] = process
        return process

    def kill(self, name: str, *, port: int | None = None) -> tuple[float, float]:
        """SIGKILL the process and its children, as a host that vanishes. Returns when the signal went and when the
        process was gone: on a loaded machine the kernel closes a killed process's sockets some 100 ms later, and a
        connection that reaches the listening socket in between is lost with the host (nginx sees a reset). With
        ``port``, gone means that port refuses connections."""
        at = time.time()
        os.killpg(self.started[name].pid, signal.SIGKILL)
        self.started[name].wait()
        deadline = time.time() + 10
        while port and time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                time.sleep(0.002)
            except OSError:
                break
        return at, time.time()

    def stop_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.started.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_http(url: str, process: subprocess.Popen, log: Path, *, seconds: int = 240) -> None:
    import ssl

    context = ssl._create_unverified_context()  # noqa: S323  (the throw-away certificate made here)
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=10, context=context).read()  # noqa: S310  (loopback)
            return
        except urllib.error.HTTPError:
            return  # it answers (a 503 from /healthz while the queue is cold is an answer)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer; log:\n{log.read_text()[-3000:]}")


def nginx_config(work: Path, *, https_port: int, http_port: int, upstreams: list[int]) -> Path:
    """deploy/nginx/academy.conf as shipped, with this machine's ports and paths and an upstream of both hosts,
    inside a minimal nginx.conf whose access log records each request's end, duration, status and upstream."""
    key, certificate = work / "tls.key", work / "tls.pem"
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=academy.example.org", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    servers = "".join(f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n    " for port in upstreams)
    site = CONF.read_text(encoding="utf-8")
    for old, new in {
        "/etc/nginx/tls/academy.example.org.fullchain.pem": str(certificate),
        "/etc/nginx/tls/academy.example.org.key": str(key),
        "/srv/academy/static/": f"{STATIC_ROOT}/",
        "/var/lib/academy/media/": f"{work / 'media'}/",
        "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;\n    ": servers,
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
    }.items():
        if old not in site:
            raise SystemExit(f"deploy/nginx/academy.conf changed: {old!r} not found")
        site = site.replace(old, new)
    site = re.sub(r"(?m)^\s*listen \[::\].*$", "", site)
    (work / "academy.conf").write_text(site, encoding="utf-8")
    main = work / "nginx.conf"
    temp = "".join(f"  {name}_temp_path {work / name};\n" for name in ("proxy", "fastcgi", "uwsgi", "scgi"))
    main.write_text(
        f"user root;\nworker_processes 1;\ndaemon off;\npid {work / 'nginx.pid'};\n"
        f"error_log {work / 'nginx-error.log'} warn;\nevents {{ worker_connections 512; }}\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        '  log_format timed \'$msec $request_time $status "$upstream_addr" "$upstream_status" "$request"\';\n'
        f"  access_log {work / 'access.log'} timed;\n  client_body_temp_path {work / 'body'};\n{temp}"
        f"  include {work / 'academy.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


def read_access_log(path: Path) -> list[dict]:
    pattern = re.compile(r'^(\S+) (\S+) (\d+) "([^"]*)" "([^"]*)" "([^"]*)"$')
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = pattern.match(line)
        if match:
            end, duration, status, upstream, upstream_status, request = match.groups()
            rows.append({"end": float(end), "start": float(end) - float(duration), "status": int(status),
                         "upstream": upstream, "upstream_status": upstream_status, "request": request})  # fmt: skip
    return rows


def task_counts(since) -> dict:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(enqueued_at__gte=since)
    counts = {status: rows.filter(status=status).count() for status in ("READY", "RUNNING", "SUCCESSFUL", "FAILED")}
    counts["enqueued"] = rows.count()
    return counts


def task_paths(since) -> str:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(enqueued_at__gte=since).values("task_path").annotate(n=Count("id"))
    return ", ".join(f"`{row['task_path'].rsplit('.', 1)[-1]}` {row['n']}" for row in rows.order_by("-n"))


def unfinished() -> int:
    """READY or RUNNING rows in the whole table, whenever they were enqueued (the seeding's backlog too)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).count()


def running_on(worker_id: str) -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return [str(row.id) for row in DBTaskResult.objects.filter(status="RUNNING")
            if row.worker_ids and row.worker_ids[-1] == worker_id]  # fmt: skip


def drain(since, *, seconds: int) -> dict:
    """Wait until no task made since ``since`` is READY, or ``seconds`` pass; RUNNING ones may be the dead worker's."""
    deadline = time.time() + seconds
    while True:
        counts = task_counts(since)
        if counts["READY"] == 0 or time.time() > deadline:
            return counts
        time.sleep(2)


def redis_kill() -> float:
    """SIGKILL the Redis of scripts/with-postgres-redis.sh (a crash: nothing saved); returns when it was gone."""
    pid = int(Path(os.environ["REDIS_PIDFILE"]).read_text().strip())
    os.kill(pid, signal.SIGKILL)
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return time.time()
        time.sleep(0.01)


def redis_start() -> float:
    """Start Redis again as scripts/with-postgres-redis.sh did (same port and pid file, so its cleanup stops it);
    returns when it answers."""
    pidfile = Path(os.environ["REDIS_PIDFILE"])
    port = os.environ["REDIS_URL"].rsplit(":", 1)[1].split("/", 1)[0]
    subprocess.run(
        ["redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no", "--dir",
         str(pidfile.parent), "--daemonize", "yes", "--pidfile", str(pidfile), "--logfile", str(pidfile.parent / "redis.log")],
        check=True,
    )  # fmt: skip
    while (
        subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True, check=False).stdout.strip()
        != "PONG"
    ):
        time.sleep(0.05)
    return time.time()


def write_report(lines: list[str]) -> None:
    section = "\n".join([START, *lines, END])
    text = REPORT.read_text(encoding="utf-8")
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Two-host rehearsal\n\n" + section + "\n"
    REPORT.write_text(text, encoding="utf-8")


def main() -> int:  # noqa: C901, PLR0912, PLR0915  (one script, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers on each web host")
    parser.add_argument("--no-s3", action="store_true", help="media and PDFs on local disk instead of moto S3")
    parser.add_argument("--redis-outage", type=int, default=10, help="seconds Redis stays down (0: no outage)")
    parser.add_argument("--first-port", type=int, default=55532, help="moto, two gunicorns, nginx http and https")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("run through bench/two_hosts.sh (it starts PostgreSQL and Redis)")
    moto_port, web_a, web_b, http_port, https_port = range(args.first_port, args.first_port + 5)
    work = Path(tempfile.mkdtemp(prefix="academy-two-hosts-"))
    processes = Processes(work)
    loads = [" / ".join(f"{x:.1f}" for x in os.getloadavg())]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SECRET_KEY": "two-hosts-rehearsal-only-secret-key-0123456789-abcdefghij",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
        "SITE_BASE_URL": f"https://127.0.0.1:{https_port}",
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "STATIC_ROOT": str(STATIC_ROOT),
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
        "CERTIFICATE_VERIFY_REQUESTS_PER_MINUTE": "100000",
    }
    try:
        if not args.no_s3:
            credentials = {"AWS_ACCESS_KEY_ID": "two-hosts", "AWS_SECRET_ACCESS_KEY": "two-hosts-secret"}
            endpoint = f"http://127.0.0.1:{moto_port}"
            moto = processes.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], env)
            for _ in range(120):
                try:
                    urllib.request.urlopen(endpoint, timeout=5).read()  # noqa: S310  (loopback)
                    break
                except OSError:
                    if moto.poll() is not None:
                        raise SystemExit((work / "moto.log").read_text()) from None
                    time.sleep(0.5)
            import boto3

            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **{
                k.lower(): v for k, v in credentials.items()}).create_bucket(Bucket=BUCKET)  # fmt: skip
            env.update(credentials, S3_BUCKET=BUCKET, S3_ENDPOINT_URL=endpoint, S3_REGION="us-east-1",
                       S3_ADDRESSING_STYLE="path")  # fmt: skip
        step = time.time()
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,  # noqa: S603
                           stdout=subprocess.DEVNULL)  # fmt: skip
        # Without brotli (as tests/academy/test_nginx.py): at its highest level it takes minutes of CPU here.
        (work / "no-brotli").mkdir()
        (work / "no-brotli" / "brotli.py").write_text("raise ImportError('left out by bench/two_hosts.py')\n")
        collect_static({**env, "PYTHONPATH": os.pathsep.join([str(work / "no-brotli"), env["PYTHONPATH"]])})
        print(f"migrated, seeded and collected in {time.time() - step:.0f} s", flush=True)

        setup_django(env)
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from academy.models import Street, User

        streets = list(Street.objects.order_by("pk"))
        unusable = make_password(None)  # they arrive logged in (sessions made by prepare)
        User.objects.bulk_create([
            User(id=FIRST_ID + i, username=f"bench{i}", phone=f"+86158{i:08d}", phone_verified=True,
                 real_name=f"学员{i:03d}", party=["rc", "rc", "oc", "pc"][i % 4],
                 street=streets[i % len(streets)] if streets else None, password=unusable)
            for i in range(args.users)
        ])  # fmt: skip
        scenario = work / "scenario.json"
        prepared = prepare(args.users, scenario)

        common = {**env, "GUNICORN_WORKERS": str(args.web_workers), "GUNICORN_ACCESS_LOG": "/dev/null"}
        for host, port in (("a", web_a), ("b", web_b)):
            processes.start(f"web-{host}", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                            "academy.wsgi"], {**common, "GUNICORN_BIND": f"127.0.0.1:{port}"})  # fmt: skip
            processes.start(f"worker-{host}", [sys.executable, "manage.py", "db_worker", "--queue-name=*",
                            "--interval=1", "--no-reload", "--no-startup-delay", f"--worker-id=host-{host}"], env)  # fmt: skip
        main_conf = nginx_config(work, https_port=https_port, http_port=http_port, upstreams=[web_a, web_b])
        processes.start("nginx", [NGINX, "-c", str(main_conf)], env)
        for host, port in (("a", web_a), ("b", web_b)):
            wait_http(f"http://127.0.0.1:{port}/healthz", processes.started[f"web-{host}"], work / f"web-{host}.log")
        wait_http(f"https://127.0.0.1:{https_port}/healthz", processes.started["nginx"], work / "nginx-error.log")
        print("two web hosts, two workers and nginx are up", flush=True)

        # The seeding's own tasks (Wagtail's reference index …) first, so that the run's figures are the run's.
        deadline = time.time() + 300
        while unfinished() and time.time() < deadline:
            time.sleep(2)
        backlog = unfinished()
        started_at = timezone.now()
        events: dict[str, object] = {}

        def killer() -> None:
            time.sleep(args.seconds * 0.35)
            events["web_killed_at"] = processes.kill("web-a", port=web_a)
            time.sleep(max(0.0, args.seconds * 0.5 - args.seconds * 0.35))
            deadline = time.time() + 20
            while time.time() < deadline and not running_on("host-a"):
                time.sleep(0.2)
            events["worker_held"] = running_on("host-a")
            events["worker_killed_at"] = processes.kill("worker-a")
            if args.redis_outage:
                time.sleep(max(0.0, locust_started + args.seconds * 0.7 - time.time()))
                events["redis_down"] = redis_kill()
                time.sleep(args.redis_outage)
                events["redis_up"] = redis_start()

        thread = threading.Thread(target=killer, daemon=True)
        prefix = work / "locust"
        thread.start()
        locust_started = time.time()
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--users",
             str(args.users), "--spawn-rate", "8", "--run-time", f"{args.seconds}s", "--host",
             f"https://127.0.0.1:{https_port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
             "--exit-code-on-error", "0"],
            cwd=ROOT, env={**env, "BENCH_LOCUST_SCENARIO": str(scenario), "BENCH_LOCUST_INSECURE_TLS": "1"},
            check=True,
        )  # fmt: skip
        thread.join(timeout=60)
        load_seconds = time.time() - locust_started
        loads.append(" / ".join(f"{x:.1f}" for x in os.getloadavg()))

        # After the load: host B drains; the killed worker's RUNNING row waits for the requeue rule (≥ 1 minute).
        before_requeue = drain(started_at, seconds=180)
        requeue_output = ""
        if before_requeue["RUNNING"]:
            from django_tasks_db.models import DBTaskResult

            oldest = DBTaskResult.objects.filter(status="RUNNING").order_by("started_at").first()
            wait = (oldest.started_at + datetime.timedelta(seconds=65) - timezone.now()).total_seconds()
            time.sleep(max(0.0, wait))
            requeue_output = subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "requeue_stale_tasks", "--older-than", "1"], cwd=ROOT, env=env,
                capture_output=True, text=True, check=False,
            ).stdout.strip()  # fmt: skip
            print(requeue_output, flush=True)
            time.sleep(3)
        tasks = drain(started_at, seconds=180)
        deadline = time.time() + 120
        while tasks["RUNNING"] and time.time() < deadline:  # the requeued row, being run by host B
            time.sleep(2)
            tasks = task_counts(started_at)
        check = credits_check(started_at)
        left_anywhere = unfinished()
        paths = task_paths(started_at)
        from credits.models import Certificate

        certificates = Certificate.objects.filter(created_at__gte=started_at).count()
        stored = "-"
        if not args.no_s3:
            import boto3

            client = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], region_name="us-east-1",
                                  aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])  # fmt: skip
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="private/")
            stored = f"{sum(page.get('KeyCount', 0) for page in pages):,}"

        stats = read_stats(prefix)
        total = next(row for row in stats if row["Name"] == "Aggregated")
        requests, failures = int(total["Request Count"]), int(total["Failure Count"])
        # The load's requests only: the readiness probes before it (a /healthz 503 while the seeding's tasks wait) are not.
        log = [row for row in read_access_log(work / "access.log") if row["start"] >= locust_started]
        kill, gone = events.get("web_killed_at") or (0.0, 0.0)
        redis_down, redis_up = events.get("redis_down"), events.get("redis_up")
        during_outage = [row for row in log if redis_down and redis_up and redis_down <= row["start"] <= redis_up]
        address_a = f"127.0.0.1:{web_a}"
        failed = [row for row in log if row["status"] >= 500]

        def open_at_kill(row: dict) -> bool:
            """Open at host A at some moment between the signal and the process being gone. nginx's clock is cached
            per event-loop turn, in millisecond steps: 5 ms of slack either side."""
            return (
                bool(kill)
                and row["start"] <= gone + 0.005
                and row["end"] >= kill - 0.005
                and address_a in row["upstream"]
            )

        in_flight = [row for row in failed if open_at_kill(row)]
        in_flight_all = [row for row in log if open_at_kill(row)]
        retried = [row for row in in_flight_all if row["status"] < 500 and "," in row["upstream"]]
        after_kill_a = [row for row in log if kill and row["start"] > gone + 0.005 and address_a in row["upstream"]]
        other_failures = [row for row in failed if row not in in_flight]
        failures_csv = (work / "locust_failures.csv").read_text(encoding="utf-8") if (work / "locust_failures.csv").exists() else ""  # fmt: skip
        closed = [row for row in log if row["status"] == 499]  # noqa: PLR2004  (nginx: the client went away)
        lost = tasks["READY"] + tasks["RUNNING"] + left_anywhere
        ok = not other_failures and lost == 0 and check["equal"] and failures == len(failed)
        held = events.get("worker_held") or []

        table = [
            "| Figure | Value |",
            "|---|---:|",
            f"| Requests through nginx (locust) | {requests:,} |",
            f"| Failed (locust) | {failures:,} |",
            f"| 5xx in nginx's log | {len(failed):,} |",
            f"| — of which in flight at host A at its kill | {len(in_flight):,} |",
            f"| — any other | {len(other_failures):,} |",
            f"| In flight at host A at its kill | {len(in_flight_all):,} |",
            f"| — answered by host B instead (nginx retried them) | {len(retried):,} |",
            f"| Closed by the client (499: locust stopping at the end of the run) | {len(closed):,} |",
            f"| Requests sent to host A after its kill (nginx's first try of a dead host) | {len(after_kill_a):,} |",
            f"| Requests begun while Redis was down ({(redis_up or 0) - (redis_down or 0):.1f} s) / of which 5xx | {len(during_outage):,} / {sum(row['status'] >= 500 for row in during_outage)} |",
            f"| Tasks enqueued during the run | {tasks['enqueued']:,} |",
            f"| — finished successfully / failed | {tasks['SUCCESSFUL']:,} / {tasks['FAILED']:,} |",
            f"| — left READY / RUNNING (lost) | {tasks['READY']:,} / {tasks['RUNNING']:,} |",
            f"| Tasks READY or RUNNING in the whole table at the end (before the load) | {left_anywhere} ({backlog}) |",
            f"| Tasks host A's worker held when killed (requeued after ≥ 1 min) | {len(held)} |",
            f"| Course completions with credits (whole database / during the run) | {check['completions']:,} / {check['new_completions']:,} |",
            f"| Ledger rows of kind `course` (whole database / during the run) | {check['ledger']:,} / {check['new_ledger']:,} |",
            f"| Completions without an award / pairs awarded twice | {check['unpaid']} / {check['duplicates']} |",
            f"| Certificates issued during the run / private files (PDFs) in the S3 bucket | {certificates:,} / {stored} |",
        ]  # fmt: skip
        print("\n".join(table), flush=True)
        if failures_csv:
            print(failures_csv, flush=True)
        for row in other_failures[:20]:
            print("other failure:", row, flush=True)
        verdict = "all three held" if ok else "NOT all held (see below)"
        lines = [
            f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; load average"
            f" (1/5/15) at the start {loads[0]}, after the load {loads[1]} (the machine was shared with other work).",
            f"- Command: `bench/two_hosts.sh --users {args.users} --seconds {args.seconds} --web-workers"
            f" {args.web_workers}{' --no-s3' if args.no_s3 else ''}`: PostgreSQL and Redis"
            f" (scripts/with-postgres-redis.sh), {'local disk for media' if args.no_s3 else 'a moto S3 server for media and certificate PDFs'},"
            f" two gunicorns ({args.web_workers} sync workers each) and two `db_worker`s, nginx with"
            f" deploy/nginx/academy.conf as shipped and both gunicorns in its upstream; {prepared['users']} trainees"
            f" (locust, bench/locustfile.py) browsing and completing the {prepared['courses']} online courses of the demo"
            f" catalogue for {load_seconds:.0f} s. Host A's gunicorn (master and workers) was SIGKILLed at 35 % of the"
            f" run (gone {(gone - kill) * 1000:.0f} ms after the signal); host A's worker at 50 % or later, {'holding ' + str(len(held)) + ' task(s)' if held else 'holding no task (none came within 20 s)'}"
            + (f"; Redis SIGKILLed at 70 % and started again, empty, {args.redis_outage} s later." if redis_up else "; Redis left running."),
            f"- Result: {verdict}: no failure beyond those in flight at the kill, no task lost, credits equal"
            " completions.",
            f"- Tasks enqueued during the run, by task: {paths}.",
            "",
            *table,
        ]  # fmt: skip
        if requeue_output:
            lines += ["", f"`requeue_stale_tasks --older-than 1` after the load: {requeue_output.splitlines()[-1]}"]
        write_report(lines)
        return 0 if ok else 1
    finally:
        processes.stop_all()
        print(f"logs in {work}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
