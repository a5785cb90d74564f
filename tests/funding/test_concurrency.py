"""Concurrent postings on PostgreSQL: threads with their own connections, no lost entry."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from linli.funding import selectors, services
from linli.funding.models import Account, JournalEntry
from tests.funding.helpers import make_books

pytestmark = pytest.mark.django_db(transaction=True)


def _run_all(fns):
    errors: list[Exception] = []
    barrier = threading.Barrier(len(fns))

    def run(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_postings_never_lose_or_double(world):
    b = make_books(world)
    source = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="foundation",
        name="基金会",
        amount_fen=10_000_000,
        status="approved",
    )
    item = services.cost_item_add(actor=b.staff, plan=b.plan, name="施工", amount_fen=1_000_000)
    n = 12
    errors = _run_all(
        [
            (
                lambda i=i: services.receipt_record(
                    actor=b.accountant, source=source, amount_fen=1000 + i
                )
            )
            for i in range(n)
        ]
    )
    assert errors == []
    entries = list(JournalEntry.objects.filter(plan=b.plan))
    assert len(entries) == n
    assert len({e.number for e in entries}) == n
    # the cashier confirms every entry twice at once: each is posted exactly once
    errors = _run_all(
        [(lambda e=e: services.entry_confirm(actor=b.cashier, entry=e)) for e in entries * 2]
    )
    assert len(errors) == n and all("重复确认" in str(e) for e in errors)
    fund = Account.objects.get(plan=b.plan, kind="fund", source=source)
    expected = sum(1000 + i for i in range(n))
    assert fund.balance_fen == expected
    # concurrent spendings that together would overdraw: only those that fit are posted
    spends = [
        services.spending_record(actor=b.accountant, item=item, source=source, amount_fen=5000)
        for _ in range(4)
    ]
    errors = _run_all(
        [(lambda s=s: services.entry_confirm(actor=b.cashier, entry=s)) for s in spends]
    )
    fund.refresh_from_db()
    assert fund.balance_fen == expected - 5000 * (4 - len(errors)) >= 0
    assert len(errors) == 4 - expected // 5000
    assert selectors.ledger_total_fen() == 0
    call_command("verify_ledger")
