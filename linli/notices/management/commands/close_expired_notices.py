"""Close published notices whose period has ended (run from cron, e.g. every hour)."""

from django.core.management.base import BaseCommand

from linli.notices.services import notices_close_expired


class Command(BaseCommand):
    help = "结束公示期已满的公示（保留公示记录）"

    def handle(self, *args, **options):
        n = notices_close_expired()
        self.stdout.write(f"已结束 {n} 条公示期满的公示")
