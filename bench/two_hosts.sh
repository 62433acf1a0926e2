#!/usr/bin/env bash
# The two-host rehearsal (issue 18), by hand, not part of `make test`: a throw-away PostgreSQL and Redis on loopback
# (scripts/with-postgres-redis.sh, which stops them however the run ends), then bench/two_hosts.py, which starts and
# stops everything else. Arguments go to bench/two_hosts.py, e.g.  bench/two_hosts.sh --users 24 --seconds 90
set -euo pipefail
cd "$(dirname "$0")/.."
export PG_PORT=${PG_PORT:-55530} REDIS_PORT=${REDIS_PORT:-55531}
exec scripts/with-postgres-redis.sh .venv/bin/python bench/two_hosts.py "$@"
