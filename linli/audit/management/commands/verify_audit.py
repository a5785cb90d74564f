"""``python manage.py verify_audit``: check the audit hash chain, name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from linli.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一处断点"

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"审计链校验失败：{report.reason}（此前 {report.checked} 条事件完好）"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共 {report.checked} 条事件"))
