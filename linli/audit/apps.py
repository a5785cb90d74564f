from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_guard(sender, using, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put them back."""
    from django.db import connections

    from linli.audit import guard

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if {*guard.APPEND_ONLY_TABLES, guard.HEAD_TABLE} <= tables:
        guard.install(connection)


class AuditConfig(AppConfig):
    name = "linli.audit"
    verbose_name = "审计日志"

    def ready(self):
        post_migrate.connect(_reinstall_guard, sender=self, dispatch_uid="linli_audit_guard")
