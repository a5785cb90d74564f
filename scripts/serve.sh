#!/usr/bin/env bash
# Serve the platform through gunicorn (linli/gunicorn_conf.py) with the background task worker
# (roster imports, notifications; db_worker, or rqworker when TASKS_BACKEND=rq) alongside; Ctrl+C stops both.
#   PORT=8000 HOST=127.0.0.1   where to listen
#   WEB_CONCURRENCY, GUNICORN_THREADS   workers (default 2 × cores + 1) and threads each
# Static files are collected (hashed, gzip + brotli) into staticfiles/ and served by WhiteNoise.
# Plain HTTP works only with LINLI_LOOPBACK_HTTP=1 (what `make demo` passes) and loopback
# ALLOWED_HOSTS; anywhere else put TLS in front (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PORT="${PORT:-8000}"
export HOST="${HOST:-127.0.0.1}"
BIN=.venv/bin
VIRTUAL_ENV_MARKER=.venv/.installed

# Collect (hash + compress, ~15 s of CPU) only when a source is newer than the manifest.
MANIFEST=staticfiles/staticfiles.json
if [ ! -f "$MANIFEST" ] || [ -n "$(find static linli/settings.py linli/core/staticfiles.py node_modules/.package-lock.json \
      "$VIRTUAL_ENV_MARKER" -newer "$MANIFEST" -print -quit 2>/dev/null)" ]; then
  echo "正在收集静态文件（collectstatic）…"
  $BIN/python manage.py collectstatic --noinput -v0
fi
# The task worker matches the queue: Redis (TASKS_BACKEND=rq, settings.py) or the database.
case "${TASKS_BACKEND:-}" in
  rq|django_tasks_rq.RQBackend)
    $BIN/python manage.py rqworker default --job-class django_tasks_rq.Job \
      >"/tmp/linli-worker-${PORT}.log" 2>&1 & ;;
  *) $BIN/python manage.py db_worker >"/tmp/linli-worker-${PORT}.log" 2>&1 & ;;
esac
WORKER=$!
$BIN/gunicorn -c linli/gunicorn_conf.py &
SERVER=$!
stop() {
  trap - EXIT INT TERM
  kill "$SERVER" "$WORKER" 2>/dev/null || true
  wait "$SERVER" "$WORKER" 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 0' INT TERM

for _ in $(seq 1 100); do
  if $BIN/python - "$HOST" "$PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/healthz", timeout=1)
PY
  kill -0 "$SERVER" 2>/dev/null || { echo "gunicorn 未能启动" >&2; exit 1; }
  sleep 0.2
done
if [ "${LINLI_LOOPBACK_HTTP:-}" = "1" ]; then
  echo "邻里 Linli 已启动：http://${HOST}:${PORT}/   （仅本机 HTTP；Ctrl+C 停止）"
else
  echo "邻里 Linli 已启动：${HOST}:${PORT}（仅 HTTPS：请经 TLS 反向代理访问，见 docs/deploy.md；Ctrl+C 停止）"
fi
echo "健康检查：/healthz  就绪检查：/readyz  访问日志：每个请求一行 JSON（耗时、查询数）"
wait -n "$SERVER" "$WORKER"
