"""``python manage.py audit_checkpoint``: sign the heads of the audit chains (daily, by cron).

By default every chain that grew since its latest checkpoint gets a new one. ``--print``
writes the signed texts (what a committee pins on its notice board), ``--qr FILE`` a QR code
of one chain's checkpoint (``-`` draws it in the terminal), ``--append FILE`` adds the texts
to a file kept outside the database.
"""

import io

import segno
from django.core.management.base import BaseCommand, CommandError

from linli.audit.checkpoints import (
    Checkpoint,
    checkpoint_chain,
    checkpoint_changed,
    checkpoint_text,
)
from linli.audit.models import AuditCheckpoint


class Command(BaseCommand):
    help = "为审计链签署检查点（链头哈希与事件数，Ed25519 签名），并可打印或生成二维码"

    def add_arguments(self, parser):
        parser.add_argument(
            "--chain",
            action="append",
            default=None,
            metavar="CHAIN",
            help="只处理这条链，如 committee:12 或 platform（可多次给出）",
        )
        parser.add_argument(
            "--show",
            action="store_true",
            help="不签署新检查点，只打印所选链最新的检查点",
        )
        parser.add_argument(
            "--force", action="store_true", help="链未增长也签署新检查点（须给出 --chain）"
        )
        parser.add_argument("--reason", default="daily", help="记录的原因（默认 daily）")
        parser.add_argument("--print", action="store_true", help="打印签名文本")
        parser.add_argument("--append", metavar="FILE", help="把签名文本追加到该文件")
        parser.add_argument(
            "--qr",
            metavar="FILE",
            help="把（唯一一条链的）检查点写成二维码：.png/.svg，或 - 打印到终端",
        )

    def handle(self, *args, **options):
        chains = options["chain"]
        if options["show"]:
            if not chains:
                raise CommandError("--show 须配合 --chain 使用")
            rows = [
                AuditCheckpoint.objects.filter(chain=c).order_by("-count", "-id").first()
                for c in chains
            ]
            missing = [c for c, r in zip(chains, rows, strict=True) if r is None]
            if missing:
                raise CommandError(f"这些链还没有检查点：{', '.join(missing)}")
        elif options["force"]:
            if not chains:
                raise CommandError("--force 须配合 --chain 使用")
            rows = [checkpoint_chain(c, reason=options["reason"]) for c in chains]
            empty = [c for c, r in zip(chains, rows, strict=True) if r is None]
            if empty:
                raise CommandError(f"这些链没有任何审计事件：{', '.join(empty)}")
        else:
            rows = checkpoint_changed(reason=options["reason"], chains=chains)
            if not options["print"]:
                self.stdout.write(f"已签署 {len(rows)} 个检查点")
        texts = [checkpoint_text(Checkpoint.of(row)) for row in rows]
        if options["print"]:
            self.stdout.write("\n".join(texts), ending="")
        if options["append"]:
            with open(options["append"], "a", encoding="utf-8") as fh:
                fh.write("".join(t + "\n" for t in texts))
        if options["qr"]:
            if len(texts) != 1:
                raise CommandError(
                    f"二维码只能容纳一个检查点，现在有 {len(texts)} 个：请用 --chain 选定"
                )
            qr = segno.make(texts[0], error="m")
            if options["qr"] == "-":
                buf = io.StringIO()
                qr.terminal(out=buf, compact=True)
                self.stdout.write(buf.getvalue(), ending="")
            else:
                qr.save(options["qr"], scale=4)
                self.stdout.write(f"二维码已写入 {options['qr']}")
