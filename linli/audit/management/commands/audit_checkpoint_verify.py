"""``python manage.py audit_checkpoint_verify FILE``: check a printed checkpoint.

Reads the text (``-`` for standard input), checks its Ed25519 signature with this
installation's keys (or ``--public-key`` for someone who only holds the public key), then
checks that the database's chain still has that many events ending in that hash.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.audit import signing
from linli.audit.checkpoints import (
    CheckpointFormatError,
    chain_problem,
    parse_checkpoints,
    signature_problem,
)


class Command(BaseCommand):
    help = "核对打印或另存的审计检查点：签名是否成立、数据库中的审计链是否与之相符"

    def add_arguments(self, parser):
        parser.add_argument("file", help="检查点文本文件，- 表示标准输入")
        parser.add_argument("--public-key", metavar="PEM", help="用这个公钥核对签名")
        parser.add_argument("--signature-only", action="store_true", help="只核对签名，不查数据库")

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                text = Path(options["file"]).read_text(encoding="utf-8")
            found = parse_checkpoints(text)
        except (OSError, UnicodeDecodeError, CheckpointFormatError) as exc:
            raise CommandError(f"无法读取检查点：{exc}") from exc
        if options["public_key"]:
            try:
                public = signing.load_public_key(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取公钥：{exc}") from exc
            keys = {signing.key_id(public): public}
        else:
            keys = signing.trusted_public_keys()
            if not keys:
                raise CommandError(f"找不到审计签名密钥 {signing.key_path()}，请用 --public-key")
        for cp in found:
            problem = signature_problem(cp, keys)
            if problem is None and not options["signature_only"]:
                problem = chain_problem(cp)
            if problem:
                raise CommandError(f"检查点不符：{problem}")
            scope = (
                "签名成立" if options["signature_only"] else "签名成立，数据库中的审计链与之相符"
            )
            self.stdout.write(self.style.SUCCESS(f"{cp.label()}：{scope}"))
