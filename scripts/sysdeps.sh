#!/usr/bin/env bash
# Install the Debian packages Linli needs, when running as root on Debian and they are missing:
# Chromium (browser tests), Noto CJK fonts + Pango (WeasyPrint PDFs in Chinese), gettext
# (translations), poppler-utils (PDF → PNG in tests), PostgreSQL (the second test database),
# redis-server (the Redis cache/session/task tests; production uses Redis only when REDIS_URL is set).
set -euo pipefail
PACKAGES=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext poppler-utils postgresql redis-server nodejs npm)
if ! command -v dpkg >/dev/null 2>&1; then
  echo "sysdeps: not a Debian system; please install: ${PACKAGES[*]}" >&2
  exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# node/npm may come from elsewhere (e.g. NodeSource); only install Debian's if absent.
if command -v node >/dev/null 2>&1; then missing=("${missing[@]/nodejs}"); fi
if command -v npm >/dev/null 2>&1; then missing=("${missing[@]/npm}"); fi
read -r -a missing <<< "${missing[*]}"
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "sysdeps: missing Debian packages (run as root to install): ${missing[*]}" >&2
  exit 0
fi
echo "sysdeps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
