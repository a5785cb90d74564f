#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and print a DATABASE_URL for tests.
# Order: already reachable → start the existing cluster → create a cluster → install PostgreSQL.
set -euo pipefail
HOST=127.0.0.1
PORT=5432
url_for() { echo "postgres://$1@${HOST}:${PORT}/postgres"; }
can_connect() { psql "$1" -tAc "select 1" >/dev/null 2>&1; }

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT"; then
  :
else
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  VERSION=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1 || true)
  if [ -z "$VERSION" ]; then
    VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$VERSION" main >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h "$HOST" -p "$PORT" && break; sleep 1; done
fi

for role in postgres root; do
  if can_connect "$(url_for "$role")"; then
    echo "postgres://${role}@${HOST}:${PORT}/linli"
    exit 0
  fi
done
# A fresh cluster wants a password over TCP: give the postgres role one via the local socket.
if [ "$(id -u)" = "0" ] && command -v su >/dev/null 2>&1; then
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
  echo "postgres://postgres:postgres@${HOST}:${PORT}/linli"
  exit 0
fi
echo "ensure_postgres: cannot reach or start PostgreSQL on ${HOST}:${PORT}" >&2
exit 1
