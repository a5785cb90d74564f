"""Fast row writer for the registry: reserve primary keys, then ``executemany``.

Building a million model instances and letting ``bulk_create`` render them costs more than
the database work itself, so the demo writes plain tuples. Primary keys are reserved first
so that child rows can point at their parents without reading anything back:

Rows go in with ``COPY`` on PostgreSQL and ``executemany`` on SQLite.

* PostgreSQL: ``nextval`` of the table's identity sequence, ``n`` at a time — safe with
  concurrent writers.
* SQLite: one past the larger of ``max(id)`` and ``sqlite_sequence``; the settings open
  transactions with ``BEGIN IMMEDIATE``, so the write lock is held from the reservation
  to the insert (callers run inside ``transaction.atomic``). An explicit id larger than
  the sequence moves the AUTOINCREMENT sequence forward by itself.
"""

from __future__ import annotations

from django.db import connection


class RowWriter:
    def __init__(self, batch_size: int = 2000):
        self.batch_size = batch_size
        self.vendor = connection.vendor
        self._next: dict[str, int] = {}

    def reserve(self, model, n: int) -> list[int]:
        if n <= 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [r[0] for r in cur.fetchall()]
            cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            start = cur.fetchone()[0]
            if self.vendor == "sqlite":
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cur.fetchone()
                if row and row[0] and row[0] > start:
                    start = row[0]
        start = max(start, self._next.get(table, 0))
        self._next[table] = start + n
        return list(range(start + 1, start + n + 1))

    def insert(self, model, columns: list[str], rows: list) -> None:
        if not rows:
            return
        table = model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            # COPY is the fastest way into PostgreSQL (psycopg 3 streams the rows)
            with connection.cursor() as cur:
                raw = cur.cursor
                with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({placeholders})'
        with connection.cursor() as cur:
            for i in range(0, len(rows), self.batch_size):
                cur.executemany(sql, rows[i : i + self.batch_size])
