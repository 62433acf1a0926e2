#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL and Redis on loopback:
#   scripts/with-postgres-redis.sh .venv/bin/python -m pytest ...
# Both servers live in a fresh temporary directory that is deleted afterwards, listen on 127.0.0.1 only
# (ports PG_PORT, default 55400, and REDIS_PORT, default 55401) and are stopped however the command ends.
# The command gets DATABASE_URL (a superuser, so pytest-django can create test_<name>_gw0 per xdist worker) and
# REDIS_URL. PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user that
# Debian's package creates. Durability is switched off: the data are thrown away, and fsync would only slow the
# migrations down.
#
# With PGBOUNCER=1, Debian's pgbouncer (port PGBOUNCER_PORT, default 55402) also runs, in transaction mode, in front
# of that PostgreSQL, and the command gets PGBOUNCER_DATABASE_URL. Run a command through it as deploy/README.md says
# production does: DATABASE_URL=$PGBOUNCER_DATABASE_URL DISABLE_SERVER_SIDE_CURSORS=true DATABASE_CONN_MAX_AGE=0.
set -euo pipefail

PG_PORT=${PG_PORT:-55400}
REDIS_PORT=${REDIS_PORT:-55401}
PGBOUNCER_PORT=${PGBOUNCER_PORT:-55402}
PGBOUNCER=${PGBOUNCER:-}
PG_USER=academy
PG_DB=academy

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is not installed: run scripts/install-system-packages.sh as root" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed: run scripts/install-system-packages.sh as root" >&2; exit 1; }
if [ -n "$PGBOUNCER" ]; then
  command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed: run scripts/install-system-packages.sh as root" >&2; exit 1; }
fi

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
  if [ -f "$WORK/pgbouncer.pid" ]; then kill "$(cat "$WORK/pgbouncer.pid")" 2>/dev/null || true; fi
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
   -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB -c timezone=UTC" >/dev/null \
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
if [ -n "$PGBOUNCER" ]; then
  # Every database name is passed through (the test databases pytest-django creates too); trust, as PostgreSQL has.
  # pgbouncer refuses to run as root: like PostgreSQL it runs as the cluster's owner.
  cat >"$WORK/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $WORK/pgbouncer.users
pool_mode = transaction
max_client_conn = 400
default_pool_size = 80
ignore_startup_parameters = extra_float_digits,options
logfile = $WORK/pgbouncer.log
pidfile = $WORK/pgbouncer.pid
INI
  echo "\"$PG_USER\" \"\"" >"$WORK/pgbouncer.users"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$WORK/pgbouncer.ini" "$WORK/pgbouncer.users"
  as_owner pgbouncer -d "$WORK/pgbouncer.ini" || { cat "$WORK/pgbouncer.log" >&2; exit 1; }
  for _ in $(seq 50); do
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$PG_USER" -d "$PG_DB" -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.1
  done
  export PGBOUNCER_DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PGBOUNCER_PORT/$PG_DB"
  export PGBOUNCER_PIDFILE="$WORK/pgbouncer.pid"
fi
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
# A command that stops Redis on purpose (bench/two_hosts.py) starts it again with this pid file, so it is still stopped.
export REDIS_PIDFILE="$WORK/redis.pid"
# pg_dump and pg_restore of the same major version as the server, for the backup-restore test.
export PATH="$PG_BIN:$PATH"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT${PGBOUNCER:+, pgbouncer (transaction mode) on 127.0.0.1:$PGBOUNCER_PORT}"
"$@"
