"""``flush`` that lifts the audit guard while it empties the database.

Emptying the whole database (tests between transactional cases, an operator starting over)
is not tampering with the audit trail, but the append-only triggers would refuse it: they
are dropped for the flush and put back right after. See linli/audit/guard.py.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from linli.audit import guard


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        tables = set(connection.introspection.table_names())
        if not {*guard.APPEND_ONLY_TABLES, guard.HEAD_TABLE} <= tables:
            return super().handle(**options)
        with guard.lifted(connection):
            return super().handle(**options)
