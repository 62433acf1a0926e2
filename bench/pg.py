"""A throwaway PostgreSQL cluster for the district benchmarks, on loopback, in /tmp.

Uses Debian's PostgreSQL server binaries (``apt-get install postgresql``); when run as root the cluster belongs
to the ``postgres`` user. Authentication is ``trust`` on 127.0.0.1 only, which is fine for a benchmark cluster
that listens nowhere else and is deleted afterwards; never use it for anything that matters.

    .venv/bin/python bench/pg.py start [--port 55421]      # initdb on first use, then start; prints DATABASE_URL
    .venv/bin/python bench/pg.py createdb academy_bench    # (re)create an empty database; prints its URL
    .venv/bin/python bench/pg.py stop | status | destroy    # destroy stops the cluster and deletes its directory

The other bench scripts import ``database_url`` / ``create_database`` from here.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_PORT = int(os.environ.get("BENCH_PG_PORT", "55421"))
SUPERUSER = "postgres"
# Settings for a benchmark on a small shared machine: enough shared buffers to hold the hot indexes, no
# parallel workers fighting the web workers for two cores. Durability stays on (fsync, synchronous_commit):
# the locust scenario writes, and its figures should include a real commit.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "512MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "4GB",
    "max_connections": "100",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
}


def bin_dir() -> Path:
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql")
    return Path(found[-1]).parent


def data_dir(port: int) -> Path:
    return Path(f"/tmp/bench-pg-{port}")  # noqa: S108  (a throwaway cluster, one directory per port)


def _run(args: list[str], *, check: bool = True, capture: bool = False) -> subprocess.CompletedProcess:
    """Run a server binary as the postgres user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", SUPERUSER, "--", *args]
    return subprocess.run(args, check=check, text=True, capture_output=capture)  # noqa: S603


def running(port: int = DEFAULT_PORT) -> bool:
    result = _run([str(bin_dir() / "pg_ctl"), "status", "-D", str(data_dir(port) / "data")], check=False, capture=True)
    return result.returncode == 0


def start(port: int = DEFAULT_PORT) -> str:
    """Initialise the cluster on first use and start it; return the URL of the maintenance database."""
    root = data_dir(port)
    pgdata = root / "data"
    if not (pgdata / "PG_VERSION").exists():
        root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(root, SUPERUSER, SUPERUSER)
        _run([str(bin_dir() / "initdb"), "-D", str(pgdata), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
              "--locale", "C.UTF-8"], capture=True)  # fmt: skip
    if not running(port):
        options = " ".join(f"-c {key}={value}" for key, value in SERVER_SETTINGS.items())
        options += f" -p {port} -k {root}"
        _run([str(bin_dir() / "pg_ctl"), "start", "-w", "-D", str(pgdata), "-l", str(root / "server.log"),
              "-o", options], capture=True)  # fmt: skip
    return database_url("postgres", port)


def stop(port: int = DEFAULT_PORT) -> None:
    if running(port):
        _run([str(bin_dir() / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(data_dir(port) / "data")], capture=True)


def destroy(port: int = DEFAULT_PORT) -> None:
    stop(port)
    shutil.rmtree(data_dir(port), ignore_errors=True)


def database_url(name: str, port: int = DEFAULT_PORT) -> str:
    return f"postgres://{SUPERUSER}@127.0.0.1:{port}/{name}"


def psql(sql: str, *, database: str = "postgres", port: int = DEFAULT_PORT) -> str:
    """Run SQL through psql over TCP and return its unaligned output."""
    result = _run([str(bin_dir().parent / "bin" / "psql") if (bin_dir() / "psql").exists() else "psql",
                   "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, "-d", database, "-X", "-A", "-t", "-q",
                   "-v", "ON_ERROR_STOP=1", "-c", sql], capture=True)  # fmt: skip
    return result.stdout.strip()


def _plain(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain database name: {name!r}")
    return name


def database_exists(name: str, port: int = DEFAULT_PORT) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{_plain(name)}'", port=port) == "1"  # noqa: S608


def create_database(name: str, port: int = DEFAULT_PORT) -> str:
    """Drop ``name`` if it exists and create it empty; return its URL. The cluster is started if need be."""
    _plain(name)
    start(port)
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port=port)
    psql(f'CREATE DATABASE "{name}"', port=port)
    return database_url(name, port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop", "status", "destroy", "createdb", "url"])
    parser.add_argument("name", nargs="?", default="academy_bench", help="database name (createdb, url)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args()
    if args.command == "start":
        start(args.port)
        print(f"running in {data_dir(args.port)}; DATABASE_URL={database_url(args.name, args.port)}")
    elif args.command == "stop":
        stop(args.port)
    elif args.command == "status":
        print("running" if running(args.port) else "stopped")
        return 0 if running(args.port) else 3
    elif args.command == "destroy":
        destroy(args.port)
    elif args.command == "createdb":
        print(create_database(args.name, args.port))
    else:
        print(database_url(args.name, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
