"""Funding plan: sources with checked conditions, matching from receipts, the stage guard."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from linli.core.errors import ScopeError, ServiceError
from linli.funding import selectors, services
from linli.funding.models import Contribution
from linli.projects.models import Stage
from linli.projects.services import project_change_stage
from tests.funding.helpers import (
    build_anshunyuan,
    make_books,
    move_to_funding,
    passed_owners_decision,
)

pytestmark = pytest.mark.django_db


def test_guard_blocks_implementation_until_covered(world):
    b = make_books(world)
    project = move_to_funding(b.staff, b.project)
    with pytest.raises(ServiceError) as exc:
        project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    assert "费用估算" in exc.value.message
    services.cost_item_add(actor=b.staff, plan=b.plan, name="施工", amount_fen=1_000_000)
    fund = services.source_add(
        actor=b.staff, plan=b.plan, kind="self_governance", name="自治金", amount_fen=600_000
    )
    with pytest.raises(ServiceError) as exc:
        project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    assert "不足以覆盖" in exc.value.message  # pledged is not approved
    services.source_set_status(actor=b.staff, source=fund, status="approved")
    services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="guidance",
        name="街道引导资金",
        amount_fen=0,
        percent_of_cost=20,
        status="approved",
    )
    cov = selectors.plan_coverage(b.plan)
    assert cov.approved_fen == 600_000 + 200_000 and cov.gap_fen == 200_000
    with pytest.raises(ServiceError):
        project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="co_building",
        name="共建单位",
        amount_fen=200_000,
        status="approved",
    )
    project = project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    assert project.stage == Stage.IMPLEMENTATION


def test_guard_without_plan(world):
    from linli.projects.services import project_create

    p = project_create(actor=world.users.staff_a, committee=world.committee_a, title="无方案")
    p = move_to_funding(world.users.staff_a, p)
    with pytest.raises(ServiceError) as exc:
        project_change_stage(actor=world.users.staff_a, project=p, to_stage=Stage.IMPLEMENTATION)
    assert "尚未制定筹资方案" in exc.value.message


def test_maintenance_fund_needs_passed_owners_decision(world):
    b = make_books(world)
    item = services.cost_item_add(actor=b.staff, plan=b.plan, name="屋面维修", amount_fen=300_000)
    mf = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="maintenance_fund",
        name="5号楼维修资金",
        amount_fen=300_000,
    )
    with pytest.raises(ServiceError) as exc:
        services.source_set_status(actor=b.staff, source=mf, status="approved")
    assert "业主共同决定" in exc.value.message
    with pytest.raises(ServiceError):
        services.receipt_record(actor=b.accountant, source=mf, amount_fen=1)
    failed = passed_owners_decision(world, b.project, passed=False)
    with pytest.raises(ServiceError) as exc:
        services.source_link_vote(actor=b.staff, source=mf, vote_result=failed)
    assert "未通过" in exc.value.message
    other = passed_owners_decision(world, b.project, matter="278-9")
    with pytest.raises(ServiceError) as exc:
        services.source_link_vote(actor=b.staff, source=mf, vote_result=other)
    assert "维修资金" in exc.value.message
    ok = passed_owners_decision(world, b.project)
    services.source_link_vote(actor=b.staff, source=mf, vote_result=ok)
    services.source_set_status(actor=b.staff, source=mf, status="approved")
    e = services.receipt_record(actor=b.accountant, source=mf, amount_fen=300_000)
    services.entry_confirm(actor=b.cashier, entry=e)
    s = services.spending_record(actor=b.accountant, item=item, source=mf, amount_fen=300_000)
    services.entry_confirm(actor=b.cashier, entry=s)
    assert selectors.plan_coverage(b.plan).covered


def test_outsiders_cannot_touch_the_plan(world):
    b = make_books(world)
    with pytest.raises(ScopeError):
        services.cost_item_add(actor=world.users.staff_b, plan=b.plan, name="x", amount_fen=1)
    with pytest.raises(ScopeError):
        services.plan_open(actor=world.users.resident_a, project=b.project)


def test_anshunyuan_building_5(world):
    """安顺苑5号楼: 12 households × 4,000 yuan, matched 1:1 by the street = 96,000 yuan."""
    building, flats = build_anshunyuan(world)
    b = make_books(world, buildings=[building], title="安顺苑5号楼睦邻客厅")
    project = move_to_funding(b.staff, b.project)
    services.cost_item_add(actor=b.staff, plan=b.plan, name="架空层改造施工", amount_fen=8_400_000)
    services.cost_item_add(actor=b.staff, plan=b.plan, name="家具与灯具", amount_fen=1_200_000)
    residents = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="residents",
        name="5号楼居民自筹",
        amount_fen=4_800_000,
        conditions="楼组会议议定每户4000元",
        status="approved",
    )
    street = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="street_matching",
        name="四平路街道配套",
        amount_fen=4_800_000,
        conditions="按居民实际出资1:1配套",
        matches=residents,
        match_ratio=1,
        status="approved",
    )
    shares = services.contributions_split(actor=b.staff, source=residents, total_fen=4_800_000)
    assert [c.share_fen for c in shares] == [400_000] * 12
    # before any money arrives the street match is zero, so the plan is not covered
    assert selectors.plan_coverage(b.plan).approved_fen == 4_800_000
    with pytest.raises(ServiceError):
        project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    # the street may not pay ahead of the residents
    early = services.receipt_record(actor=b.accountant, source=street, amount_fen=400_000)
    with pytest.raises(ServiceError) as exc:
        services.entry_confirm(actor=b.cashier, entry=early)
    assert "配套" in exc.value.message
    receipts = []
    for c in shares:
        r = services.contribution_receive(
            actor=b.accountant, source=residents, household=c.household, amount_fen=400_000
        )
        services.entry_confirm(actor=b.cashier, entry=r.entry)
        services.entry_review(actor=b.supervisor, entry=r.entry)
        receipts.append(r)
    assert len({r.number for r in receipts}) == 12
    assert selectors.source_received_fen(residents) == 4_800_000
    assert selectors.source_effective_fen(street) == 4_800_000
    match = services.receipt_record(actor=b.accountant, source=street, amount_fen=4_800_000)
    services.entry_confirm(actor=b.cashier, entry=match)
    services.entry_review(actor=b.supervisor, entry=match)
    cov = selectors.plan_coverage(b.plan)
    assert cov.cost_fen == cov.approved_fen == cov.received_fen == 9_600_000
    project = project_change_stage(actor=b.staff, project=project, to_stage=Stage.IMPLEMENTATION)
    assert project.stage == Stage.IMPLEMENTATION
    t = selectors.transparency(b.plan)
    assert t.income_total_fen == 9_600_000 and t.balance_fen == 9_600_000
    assert dict(t.income) == {str(residents): 4_800_000, str(street): 4_800_000}
    rec = selectors.reconciliation(b.plan)[0]
    assert rec["net_fen"] == rec["ledger_fen"] == rec["share_fen"] == 4_800_000
    assert rec["unpaid"] == []
    assert selectors.ledger_total_fen() == 0
    call_command("verify_ledger")


def test_contributions_split_by_floor_and_area_with_exemption(world):
    building, flats = build_anshunyuan(world)
    b = make_books(world, buildings=[building], title="加装电梯")
    src = services.source_add(
        actor=b.staff, plan=b.plan, kind="residents", name="加装电梯分摊", amount_fen=60_000_000
    )
    coeff = {2: 1, 3: 2, 4: 3, 5: 4, 6: 5}
    rows = services.contributions_split(
        actor=b.staff,
        source=src,
        total_fen=60_000_000,
        method="floor",
        floor_coefficients=coeff,
        exempt_floors={1},
    )
    by_floor = {}
    for c in rows:
        by_floor.setdefault(c.household.flat.floor, set()).add(c.share_fen)
    assert by_floor[1] == {0}
    assert by_floor[6] == {10_000_000} and by_floor[2] == {2_000_000}
    assert sum(c.share_fen for c in rows) == 60_000_000
    ground = [c for c in rows if c.household.flat.floor == 1]
    rows = services.contributions_split(
        actor=b.staff,
        source=src,
        total_fen=1_000_001,
        method="area",
        exempt=[c.household for c in ground],
    )
    assert sum(c.share_fen for c in rows) == 1_000_001
    assert Contribution.objects.filter(source=src, exempt=True).count() == 2


def test_refunds_and_scope_of_contributions(world):
    building, flats = build_anshunyuan(world)
    b = make_books(world, buildings=[building])
    src = services.source_add(
        actor=b.staff,
        plan=b.plan,
        kind="residents",
        name="居民自筹",
        amount_fen=4_800_000,
        status="approved",
    )
    rows = services.contributions_split(actor=b.staff, source=src, total_fen=4_800_000)
    hh = rows[0].household
    r = services.contribution_receive(
        actor=b.accountant, source=src, household=hh, amount_fen=400_000
    )
    with pytest.raises(ServiceError) as exc:  # not posted yet: nothing to refund
        services.contribution_refund(
            actor=b.accountant, contribution=rows[0], amount_fen=1, reason="多缴"
        )
    assert "超过" in exc.value.message
    services.entry_confirm(actor=b.cashier, entry=r.entry)
    with pytest.raises(ServiceError) as exc:
        services.contribution_refund(
            actor=b.accountant, contribution=rows[0], amount_fen=400_001, reason="多缴"
        )
    assert "超过" in exc.value.message
    ref = services.contribution_refund(
        actor=b.accountant, contribution=rows[0], amount_fen=100_000, reason="少摊"
    )
    services.entry_confirm(actor=b.cashier, entry=ref.entry)
    row = selectors.contribution_rows(src)[0]
    assert row["net_fen"] == 300_000 and row["status"] == "部分缴纳"
    # a household of another building / committee is refused, nothing recorded
    outside = world.flat_b.households.first()
    n = r.entry.__class__.objects.count()
    with pytest.raises(ScopeError) as exc:
        services.contribution_receive(
            actor=b.accountant, source=src, household=outside, amount_fen=100
        )
    assert "不在本项目范围内" in exc.value.message
    assert r.entry.__class__.objects.count() == n
    call_command("verify_ledger")
