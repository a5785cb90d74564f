#!/usr/bin/env bash
# Prove that a backup restores: dump a PostgreSQL database and its media the way
# docs/deploy.md says, restore both into a FRESH database and folder, and run verify_audit and
# verify_ledger on the restored copy (plus row counts compared with the source).
#
#   scripts/restore_check.sh                  build a small demo database to back up (~1-3 min)
#   scripts/restore_check.sh SOURCE_URL [MEDIA_DIR]   back up an existing database instead
#
# The audit checkpoints are verified with this installation's signing key (db/, never in the
# dump): restore on a machine that has the same key file, as docs/deploy.md says.
# Prints one line: `restore: events=… ledger_lines=… dump_kb=… restore_s=… verify_audit=ok verify_ledger=ok`
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
BASE_URL=$(bash scripts/ensure_postgres.sh)   # postgres://ROLE@127.0.0.1:5432/linli
SERVER_URL="${BASE_URL%/*}"
ADMIN_URL="$SERVER_URL/postgres"
WORK=$(mktemp -d /tmp/linli-restore-check.XXXXXX)
SUFFIX="$$_$(date +%s)"
RESTORED_DB="linli_restore_${SUFFIX}"
RESTORED_URL="$SERVER_URL/$RESTORED_DB"
CREATED_SOURCE=""

cleanup() {
  psql "$ADMIN_URL" -qtAc "DROP DATABASE IF EXISTS \"$RESTORED_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  if [ -n "$CREATED_SOURCE" ]; then
    psql "$ADMIN_URL" -qtAc "DROP DATABASE IF EXISTS \"$CREATED_SOURCE\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

manage() { # manage URL MEDIA args...
  local url="$1" media="$2"; shift 2
  DATABASE_URL="$url" MEDIA_ROOT="$media" $BIN/python manage.py "$@"
}

counts() { # events and ledger lines of a database
  DATABASE_URL="$1" $BIN/python manage.py shell -v 0 -c \
    "from linli.audit.models import AuditEvent; from linli.funding.models import JournalLine; \
print(AuditEvent.objects.count(), JournalLine.objects.count())"
}

if [ $# -ge 1 ]; then
  SOURCE_URL="$1"
  SOURCE_MEDIA="${2:-media}"
else
  CREATED_SOURCE="linli_restore_src_${SUFFIX}"
  SOURCE_URL="$SERVER_URL/$CREATED_SOURCE"
  SOURCE_MEDIA="$WORK/source-media"
  mkdir -p "$SOURCE_MEDIA"
  psql "$ADMIN_URL" -qtAc "CREATE DATABASE \"$CREATED_SOURCE\"" >/dev/null
  echo "== 建设一个小型演示库作为备份来源（$CREATED_SOURCE）"
  manage "$SOURCE_URL" "$SOURCE_MEDIA" migrate --noinput -v 0
  manage "$SOURCE_URL" "$SOURCE_MEDIA" demo_district --scale small -v 0 >/dev/null
fi
read -r SRC_EVENTS SRC_LINES < <(counts "$SOURCE_URL")
[ "$SRC_EVENTS" -gt 0 ] || { echo "来源库没有审计事件，无从检验" >&2; exit 1; }

echo "== 备份：pg_dump（自定义格式）与媒体文件"
pg_dump --format=custom --no-owner --no-privileges --dbname="$SOURCE_URL" --file="$WORK/linli.dump"
tar -czf "$WORK/media.tar.gz" -C "$SOURCE_MEDIA" .
DUMP_KB=$(( $(stat -c %s "$WORK/linli.dump") / 1024 ))

echo "== 恢复到全新的数据库 $RESTORED_DB 与全新的媒体目录"
started=$(date +%s.%N)
psql "$ADMIN_URL" -qtAc "CREATE DATABASE \"$RESTORED_DB\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$RESTORED_URL" "$WORK/linli.dump"
mkdir -p "$WORK/restored-media"
tar -xzf "$WORK/media.tar.gz" -C "$WORK/restored-media"
RESTORE_S=$(python3 -c "import time,sys; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$started")

echo "== 在恢复的副本上校验"
manage "$RESTORED_URL" "$WORK/restored-media" migrate --check --noinput -v 0 \
  || { echo "恢复的库缺少迁移" >&2; exit 1; }
manage "$RESTORED_URL" "$WORK/restored-media" verify_audit
manage "$RESTORED_URL" "$WORK/restored-media" verify_ledger
read -r DST_EVENTS DST_LINES < <(counts "$RESTORED_URL")
if [ "$SRC_EVENTS" != "$DST_EVENTS" ] || [ "$SRC_LINES" != "$DST_LINES" ]; then
  echo "行数不符：审计事件 $SRC_EVENTS → $DST_EVENTS，分录 $SRC_LINES → $DST_LINES" >&2
  exit 1
fi
if ! diff -r "$SOURCE_MEDIA" "$WORK/restored-media" >/dev/null; then
  echo "媒体文件恢复后与来源不一致" >&2
  exit 1
fi
echo "restore: events=$DST_EVENTS ledger_lines=$DST_LINES dump_kb=$DUMP_KB restore_s=$RESTORE_S verify_audit=ok verify_ledger=ok"
