#!/usr/bin/env bash
# Serve the platform on http://127.0.0.1:$PORT with a background task worker (roster imports).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
BIN=.venv/bin
$BIN/python manage.py db_worker >/tmp/linli-worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT
echo "邻里 Linli 已启动：http://127.0.0.1:${PORT}/   （Ctrl+C 停止）"
exec $BIN/python manage.py runserver "127.0.0.1:${PORT}" --noreload
