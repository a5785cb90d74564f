"""The database refuses UPDATE/DELETE on audit events and checkpoints, and a head stepping back.

PostgreSQL: plpgsql trigger functions; SQLite: RAISE(ABORT) triggers. See linli/audit/guard.py.
"""

from django.db import migrations


def install(apps, schema_editor):
    from linli.audit import guard

    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from linli.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chains_and_checkpoints_finish")]
    operations = [migrations.RunPython(install, remove)]
