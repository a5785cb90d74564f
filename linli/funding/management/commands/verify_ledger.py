"""Check the ledger: all lines sum to zero, every entry balances, cached balances agree."""

from django.core.management.base import BaseCommand, CommandError

from linli.funding.selectors import ledger_total_fen, stale_account_balances, unbalanced_entries


class Command(BaseCommand):
    help = "核对账目：全部分录合计为零、每张凭证借贷平衡、账户余额与分录一致"

    def handle(self, *args, **options):
        total = ledger_total_fen()
        bad_entries = unbalanced_entries()
        stale = stale_account_balances()
        if total != 0 or bad_entries or stale:
            raise CommandError(
                f"账目不平：分录合计 {total} 分；不平衡凭证 {bad_entries}；余额不符账户 {stale}"
            )
        self.stdout.write(self.style.SUCCESS("账目平衡：全部分录合计为零"))
