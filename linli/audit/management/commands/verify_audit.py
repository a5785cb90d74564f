"""``python manage.py verify_audit``: check every audit chain and its signed checkpoints.

Names the first broken link, or a chain rewritten or truncated since a checkpoint.
``--checkpoints FILE`` adds checkpoints kept outside the database (printed texts).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.audit.checkpoints import CheckpointFormatError, parse_checkpoints
from linli.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计日志的每条哈希链，并与最新的签名检查点核对，指出第一处断点、改写或截断"

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            action="append",
            default=[],
            metavar="FILE",
            help="另存于数据库之外的检查点文本（可多次给出）",
        )

    def handle(self, *args, **options):
        external = []
        for name in options["checkpoints"]:
            try:
                external.extend(parse_checkpoints(Path(name).read_text(encoding="utf-8")))
            except (OSError, CheckpointFormatError) as exc:
                raise CommandError(f"无法读取检查点文件 {name}：{exc}") from exc
        report = audit_chain_verify(external=external)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
        if not report.ok:
            raise CommandError(
                f"审计链校验失败：{report.reason}（此前 {report.checked} 条事件完好）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完好：共 {report.checked} 条事件，{report.chains} 条链，"
                f"与 {report.checkpoints} 个签名检查点相符"
            )
        )
