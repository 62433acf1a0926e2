#!/usr/bin/env bash
# Install the Debian packages the academy needs: Pango and HarfBuzz-subset for WeasyPrint, CJK fonts for
# Chinese certificates, gettext for translations, Chromium for browser tests, poppler for PDF checks, and
# PostgreSQL, Redis and PgBouncer for `make test-postgres`, nginx and openssl for the proxy tests (none is started
# here: scripts/with-postgres-redis.sh and the tests start throw-away servers on loopback; the Debian packages' own
# services are left as the machine has them).
# As root it installs what is missing; otherwise it prints the exact command and carries on.
set -u
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext chromium poppler-utils postgresql redis-server nginx pgbouncer openssl)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed for: ${missing[*]}" >&2; exit 1; }
else
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
fi
exit 0
