"""Read replicas: dashboards, open data and exports read from a PostgreSQL streaming replica.

``DATABASE_REPLICA_URLS`` (settings) adds ``replica1``, ``replica2``… to ``DATABASES``.
:class:`ReplicaReadsMiddleware` decides per request: a ``GET``/``HEAD`` whose path matches
``LINLI_REPLICA_PATHS`` reads from a replica, every other request (and every write) uses the
primary. Read-your-own-writes: a request that writes (any unsafe method) sets a cookie
pinning that browser to the primary for ``LINLI_REPLICA_PIN_SECONDS``, longer than the
replication lag, so the page shown after a change always contains it. Inside a transaction
every read goes to the primary (a service reading what it is about to write).

The choice lives in a context variable, so threads and async tasks never see another
request's choice; outside a request (commands, tasks, tests) reads go to the primary.
"""

from __future__ import annotations

import random
import re
import time
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "linli_primary_until"
_read_alias: ContextVar[str | None] = ContextVar("linli_read_alias", default=None)


@lru_cache(maxsize=8)
def _patterns(raw: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(p) for p in raw]


def replica_eligible(path: str) -> bool:
    """Whether a read-only request for ``path`` may be served from a replica."""
    return any(p.search(path) for p in _patterns(tuple(settings.LINLI_REPLICA_PATHS)))


def pinned_to_primary(request, now: float | None = None) -> bool:
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return (now or time.time()) < until


def choose_read_alias(request) -> str | None:
    """The replica alias this request reads from, or None for the primary."""
    replicas = getattr(settings, "DATABASE_REPLICAS", [])
    if not replicas or request.method not in ("GET", "HEAD"):
        return None
    if pinned_to_primary(request) or not replica_eligible(request.path):
        return None
    return random.choice(replicas)


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "DATABASE_REPLICAS", []):
            return self.get_response(request)
        alias = choose_read_alias(request)
        request.read_alias = alias or DEFAULT_DB_ALIAS
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            seconds = settings.LINLI_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class ReplicaRouter:
    """Writes, migrations and reads in a transaction: the primary. Other reads: the
    replica the current request chose (see the module's docstring)."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
