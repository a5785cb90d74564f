"""The ledger: balanced, posted once, never edited, separated duties, reversals, audit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.core.money import fen_to_yuan, yuan_to_fen
from linli.funding import selectors, services
from linli.funding.models import Account, JournalEntry, JournalLine
from tests.funding.helpers import make_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(world):
    b = make_books(world)
    b.item = services.cost_item_add(
        actor=b.staff, plan=b.plan, name="架空层装修", amount_fen=500_000
    )
    b.source = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="foundation",
        name="区社区基金会",
        amount_fen=500_000,
        status="approved",
    )
    return b


def test_yuan_parsing_is_exact():
    assert yuan_to_fen("4,000.50") == 400_050
    assert yuan_to_fen("0.1") == 10
    assert yuan_to_fen("96000") == 9_600_000
    assert fen_to_yuan(400_050) == "4,000.50"
    for bad in ("1.005", "abc", "-3", "", "NaN"):
        with pytest.raises(ServiceError):
            yuan_to_fen(bad)
    with pytest.raises(ServiceError):
        yuan_to_fen(1.5)


def test_record_confirm_review_with_separated_duties(books):
    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=300_000)
    assert e.posted_at is None
    fund = Account.objects.get(plan=books.plan, kind="fund", source=books.source)
    assert fund.balance_fen == 0  # not counted until the cashier confirms
    with pytest.raises(ServiceError) as exc:
        services.entry_review(actor=books.supervisor, entry=e)
    assert "尚未" in exc.value.message
    services.entry_confirm(actor=books.cashier, entry=e)
    fund.refresh_from_db()
    assert fund.balance_fen == 300_000
    with pytest.raises(ServiceError):
        services.entry_confirm(actor=books.cashier, entry=e)  # posted once
    services.entry_review(actor=books.supervisor, entry=e, note="与银行回单一致")
    e.refresh_from_db()
    assert e.status == "reviewed"
    actions = set(AuditEvent.objects.filter(object_id=str(e.pk)).values_list("action", flat=True))
    assert {"funding.entry_record", "funding.entry_confirm", "funding.entry_review"} <= actions
    call_command("verify_ledger")


def test_nobody_approves_their_own_entry(books):
    # Holding two duties is refused at assignment …
    with pytest.raises(ServiceError, match="不能同时由一人担任"):
        services.duty_assign(
            actor=books.staff, user=books.accountant, project=books.project, duty="cashier"
        )
    # … and where it exists anyway (rows from before that rule, or written by hand), one
    # person holding two duties still may not confirm or review their own entry.
    from linli.funding.models import FundingDuty

    for user, duty in ((books.accountant, "cashier"), (books.cashier, "supervisor")):
        FundingDuty.objects.create(
            user=user, committee_id=books.project.committee_id, project=books.project, duty=duty
        )
    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=1000)
    with pytest.raises(ServiceError) as exc:
        services.entry_confirm(actor=books.accountant, entry=e)
    assert "自己" in exc.value.message
    services.entry_confirm(actor=books.cashier, entry=e)
    with pytest.raises(ServiceError) as exc:
        services.entry_review(actor=books.cashier, entry=e)
    assert "自己" in exc.value.message
    e.refresh_from_db()
    assert e.reviewed_at is None


def test_only_duty_holders_act(books, world):
    with pytest.raises(ScopeError):
        services.receipt_record(actor=books.cashier, source=books.source, amount_fen=1000)
    with pytest.raises(ScopeError):
        services.receipt_record(actor=world.users.staff_a, source=books.source, amount_fen=1000)
    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=1000)
    with pytest.raises(ScopeError):
        services.entry_confirm(actor=books.supervisor, entry=e)


def test_unbalanced_and_bad_amounts_refused_nothing_recorded(books):
    fund = Account.objects.get(plan=books.plan, kind="fund", source=books.source)
    income = Account.objects.get(plan=books.plan, kind="income", source=books.source)
    before = (JournalEntry.objects.count(), JournalLine.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as exc:
        services.entry_record(
            actor=books.accountant, plan=books.plan, memo="错账", lines=[(fund, 100), (income, -99)]
        )
    assert "借贷不平衡" in exc.value.message
    with pytest.raises(ServiceError):
        services.entry_record(
            actor=books.accountant, plan=books.plan, memo="单边", lines=[(fund, 100)]
        )
    with pytest.raises(ServiceError):
        services.receipt_record(actor=books.accountant, source=books.source, amount_fen=-5)
    with pytest.raises(ServiceError):
        services.cost_item_add(actor=books.staff, plan=books.plan, name="负数", amount_fen=-1)
    assert (
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_posted_entries_are_never_edited_and_reversal_corrects(books):
    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=200_000)
    services.entry_confirm(actor=books.cashier, entry=e)
    e.refresh_from_db()
    e.memo = "改过的摘要"
    with pytest.raises(RuntimeError):
        e.save()
    with pytest.raises(RuntimeError):
        e.lines.first().save()
    with pytest.raises(RuntimeError):
        e.delete()
    r = services.entry_reverse(actor=books.accountant, entry=e, reason="金额录错")
    assert r.reverses_id == e.pk and r.kind == "reversal"
    assert sorted(line.amount_fen for line in r.lines.all()) == sorted(
        -line.amount_fen for line in e.lines.all()
    )
    with pytest.raises(ServiceError):
        services.entry_reverse(actor=books.accountant, entry=e, reason="再来一次")
    services.entry_confirm(actor=books.cashier, entry=r)
    assert selectors.source_received_fen(books.source) == 0
    call_command("verify_ledger")


def test_spending_needs_money_and_met_conditions(books):
    with pytest.raises(ServiceError) as exc:
        services.spending_record(
            actor=books.accountant, item=books.item, source=books.source, amount_fen=100
        )
    assert "余额" in exc.value.message
    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=500_000)
    services.entry_confirm(actor=books.cashier, entry=e)
    s = services.spending_record(
        actor=books.accountant, item=books.item, source=books.source, amount_fen=450_000
    )
    services.entry_confirm(actor=books.cashier, entry=s)
    t = selectors.transparency(books.plan)
    assert (t.income_total_fen, t.spending_total_fen, t.balance_fen) == (500_000, 450_000, 50_000)
    # two spendings recorded before either is confirmed cannot overdraw at posting time
    s1 = services.spending_record(
        actor=books.accountant, item=books.item, source=books.source, amount_fen=40_000
    )
    s2 = services.spending_record(
        actor=books.accountant, item=books.item, source=books.source, amount_fen=40_000
    )
    services.entry_confirm(actor=books.cashier, entry=s1)
    with pytest.raises(ServiceError) as exc:
        services.entry_confirm(actor=books.cashier, entry=s2)
    assert "不足" in exc.value.message
    call_command("verify_ledger")


def test_attachments_validated(books):
    from django.core.files.uploadedfile import SimpleUploadedFile

    e = services.receipt_record(actor=books.accountant, source=books.source, amount_fen=100)
    ok = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    att = services.attachment_add(actor=books.accountant, entry=e, kind="invoice", file=ok)
    assert att.pk
    bad = SimpleUploadedFile("evil.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ServiceError):
        services.attachment_add(actor=books.accountant, entry=e, kind="invoice", file=bad)


def test_spending_from_unapproved_source_refused(books):
    pledged = services.source_add(
        actor=books.staff, plan=books.plan, kind="co_building", name="共建单位", amount_fen=100
    )
    with pytest.raises(ServiceError) as exc:
        services.spending_record(
            actor=books.accountant, item=books.item, source=pledged, amount_fen=100
        )
    assert "尚未批准" in exc.value.message
