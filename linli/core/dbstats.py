"""Fresh planner statistics after bulk writes (issue 15).

A bulk load (the demo builder, a roster import of a whole committee) leaves PostgreSQL with
no statistics for the rows it wrote until autovacuum gets round to them, which may be never
when autovacuum is off or slow: the planner then guesses, and a 12-flat prefetch
hash-joined the whole 1.3 M-row person table (building page 735 ms; 55 ms after one
``ANALYZE``). SQLite keeps its statistics in ``sqlite_stat1``, also written by ``ANALYZE``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db import connections

logger = logging.getLogger(__name__)

# The tables a roster import writes: the registry of places and people.
REGISTRY_TABLES = (
    "places_building",
    "places_flat",
    "places_person",
    "places_household",
    "places_residency",
    "places_ownership",
)


def analyze(tables: Iterable[str] | None = None, *, using: str = "default") -> float:
    """Run ``ANALYZE`` on ``tables`` (every table when None); returns the seconds it took."""
    connection = connections[using]
    started = time.monotonic()
    names = list(tables) if tables is not None else []
    existing = set(connection.introspection.table_names()) if names else set()
    with connection.cursor() as cursor:
        if not names:
            cursor.execute("ANALYZE")
        for name in names:
            if name in existing:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    elapsed = time.monotonic() - started
    logger.info("ANALYZE %s: %.1f s", ", ".join(names) or "（全部表）", elapsed)
    return elapsed
