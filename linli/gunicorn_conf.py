"""gunicorn settings for Linli: ``gunicorn -c linli/gunicorn_conf.py`` (scripts/serve.sh).

Every value can be changed from the environment; docs/deploy.md lists them.
"""

from __future__ import annotations

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

wsgi_app = "linli.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# Workers from the cores (2 × cores + 1, gunicorn's rule of thumb), each with a few threads
# for requests that wait on the database; WEB_CONCURRENCY / GUNICORN_THREADS override.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (_cores or 1) + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Import the application once in the master; workers share its memory.
preload_app = True
# PDF and xlsx exports of a district take seconds, not minutes.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# Request line and headers: refuse oversized ones before Django sees them (bodies are capped
# by LINLI_MAX_REQUEST_BYTES in core.middleware and client_max_body_size in nginx).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Only the proxy on this machine may set X-Forwarded-* (see LINLI_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The access log is written by the application (linli.access: time and query count per
# request); gunicorn logs only its own errors and worker events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "linli"


def when_ready(server):
    """Warm the master before it forks: import every URLconf (and with it every view and the
    libraries they use: WeasyPrint, scikit-learn, jieba…) and load the translation catalogs,
    so workers share them instead of each importing them on its first request (which took
    30–80 s per worker on a busy 2-core machine)."""
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 — imports the URL modules
    for language in ("zh-hans", "en"):
        with translation.override(language):
            translation.gettext("首页")
    connections.close_all()  # never hand a connection opened here to a forked worker
    server.log.info("Linli: URLconf, views and translations loaded before forking workers")
