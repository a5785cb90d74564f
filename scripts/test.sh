#!/usr/bin/env bash
# Run the whole suite on SQLite, then on PostgreSQL (started or created when none answers).
# Usage: scripts/test.sh [sqlite|postgres|all] [extra pytest args]
set -uo pipefail
cd "$(dirname "$0")/.."
WHICH="${1:-all}"; shift || true
BIN=.venv/bin
mkdir -p test-artifacts
# Two processes by default (pytest-xdist; one test file stays on one worker so its module
# fixtures are built once). LINLI_TEST_WORKERS=0 runs in one process.
WORKERS="${LINLI_TEST_WORKERS:-2}"
XDIST=()
[ "$WORKERS" != "0" ] && XDIST=(-n "$WORKERS" --dist loadfile)
status=0

echo "=== 代码检查 · ruff 与迁移 ==="
$BIN/ruff check . && $BIN/ruff format --check . >/dev/null && env -u DATABASE_URL $BIN/python manage.py makemigrations --check --dry-run >/dev/null \
  && echo "ruff、格式与迁移检查通过" || { echo "代码检查未通过（ruff check / ruff format / makemigrations --check）"; status=1; }

if [ "$WHICH" = "all" ] || [ "$WHICH" = "sqlite" ]; then
  echo "=== 测试套件 · SQLite ==="
  env -u DATABASE_URL $BIN/pytest "${XDIST[@]}" "$@"
  rc=$?; [ $rc -ne 0 ] && status=$rc
fi

if [ "$WHICH" = "all" ] || [ "$WHICH" = "postgres" ]; then
  echo "=== 测试套件 · PostgreSQL ==="
  PG_URL=$(bash scripts/ensure_postgres.sh) || { echo "PostgreSQL 不可用" >&2; exit 1; }
  # The engine never touches a database: its tests ran above and are not repeated here.
  DATABASE_URL="$PG_URL" $BIN/pytest "${XDIST[@]}" --ignore=tests/engine "$@"
  rc=$?; [ $rc -ne 0 ] && status=$rc
fi
exit $status
