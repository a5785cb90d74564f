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

# The read-replica test (tests/core/test_replica.py) clones this cluster with pg_basebackup:
# it needs wal_level replica (PostgreSQL's default), WAL senders and a pg_hba line allowing
# replication connections from 127.0.0.1. Added here, when missing and we may.
allow_replication() {
  local url="$1" hba level senders
  hba=$(psql "$url" -tAc "show hba_file" 2>/dev/null) || return 0
  if [ -w "$hba" ] && ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
    echo "host replication all 127.0.0.1/32 trust" >> "$hba"
    psql "$url" -qtAc "select pg_reload_conf()" >/dev/null
  fi
  level=$(psql "$url" -tAc "show wal_level"); senders=$(psql "$url" -tAc "show max_wal_senders")
  if [ "$level" = "minimal" ] || [ "${senders:-0}" -lt 2 ]; then
    echo "ensure_postgres: 只读副本测试需要 wal_level=replica 与 max_wal_senders>=2（当前 $level / $senders）" >&2
  fi
}

for role in postgres root; do
  if can_connect "$(url_for "$role")"; then
    allow_replication "$(url_for "$role")"
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
