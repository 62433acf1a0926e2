#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL and Redis on loopback:
#   scripts/with-postgres-redis.sh .venv/bin/python -m pytest ...
# Both servers live in a fresh temporary directory that is deleted afterwards, listen on 127.0.0.1 only
# (ports PG_PORT, default 55400, and REDIS_PORT, default 55401) and are stopped however the command ends.
# The command gets DATABASE_URL (a superuser, so pytest-django can create test_<name>_gw0 per xdist worker) and
# REDIS_URL. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user that
# Debian's package creates. Durability is switched off: the data are thrown away, and fsync would only slow the
# migrations down.
set -euo pipefail

PG_PORT=${PG_PORT:-55400}
REDIS_PORT=${REDIS_PORT:-55401}
PG_USER=academy
PG_DB=academy

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is not installed: run scripts/install-system-packages.sh as root" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed: run scripts/install-system-packages.sh as root" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/academy-pg.XXXXXX")
chmod 755 "$WORK"
as_owner() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "user postgres is missing (Debian's postgresql package creates it)" >&2; exit 1; }
  chown postgres: "$WORK"
  as_owner() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  status=$?
  as_owner "$PG_BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  if [ -f "$WORK/redis.pid" ]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT INT TERM

as_owner "$PG_BIN/initdb" -D "$WORK/data" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
as_owner "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK -c fsync=off -c synchronous_commit=off \
   -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" >/dev/null \
  || { cat "$WORK/postgres.log" >&2; exit 1; }
as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB"

redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$WORK" \
  --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null || { cat "$WORK/redis.log" >&2; exit 1; }

export DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
# pg_dump and pg_restore of the same major version as the server, for the backup-restore test.
export PATH="$PG_BIN:$PATH"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT"
"$@"
