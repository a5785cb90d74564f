import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chains_and_checkpoints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=40, unique=True, verbose_name="审计链"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(verbose_name="链内序号"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_event_chain_seq"
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("chain", models.CharField(max_length=40, verbose_name="审计链")),
                ("count", models.BigIntegerField(verbose_name="事件数")),
                ("head_hash", models.CharField(max_length=64, verbose_name="链头哈希")),
                ("at", models.DateTimeField(verbose_name="签署时间")),
                ("key_id", models.CharField(max_length=16, verbose_name="签名密钥指纹")),
                ("signature", models.CharField(max_length=100, verbose_name="签名")),
                ("reason", models.CharField(blank=True, max_length=80, verbose_name="原因")),
            ],
            options={
                "verbose_name": "审计检查点",
                "verbose_name_plural": "审计检查点",
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["chain", "-count"], name="audit_ckpt_chain_count")
                ],
            },
        ),
    ]
