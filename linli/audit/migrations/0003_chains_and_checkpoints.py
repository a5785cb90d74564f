"""One chain per committee: events and heads get a chain key and a position (ADR 0007).

The existing single chain becomes the ``platform`` chain: its events keep their hashes and
are numbered 1..n in id order.
"""

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models


def number_existing_events(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead.objects.filter(chain__isnull=True).update(chain="platform")
    # 0002 created the head with an explicit pk=1: move PostgreSQL's id sequence past it, or
    # the first new chain's head would collide with it
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [AuditChainHead]):
        schema_editor.execute(sql)
    seq = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:2000])
        if not batch:
            break
        for event in batch:
            seq += 1
            event.seq = seq
            event.chain = "platform"
        AuditEvent.objects.bulk_update(batch, ["seq", "chain"])
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_head_row"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=40, null=True, verbose_name="审计链"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="platform", max_length=40, verbose_name="审计链"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="链内序号"),
        ),
        migrations.RunPython(number_existing_events, migrations.RunPython.noop),
    ]
