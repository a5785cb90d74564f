"""Step 4 of the cases (筹资): household shares, receipts and a ledger whose entries are
recorded, confirmed and reviewed by three different people; a maintenance-fund source
approved through a passed owners' decision; the 市光四村 garage's BOT contract and its
yearly revenues.

安顺苑5号楼 (seed 000): 12 households × 4,000 元 and 四平路街道 1:1. The books are kept by the
5号楼楼道自治管理小组 — the demo logins 13800000016 (会计), …17 (出纳), …18 (监事) — with
work left for each: one household's payment waits for the cashier, and the first payment
to the builder waits for the supervisor's review.

明丰苑6号楼加装电梯 (still 筹资): cost shared by floor coefficients (ground floor exempt), the
owners' 专项维修资金 approved once the 6号楼 owners' decision to use it passed, and the
city/district subsidy.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

CHEN = 4
ACCOUNTANT, CASHIER, SUPERVISOR = 16, 17, 18

YUAN = 100  # fen


def _anshun(story) -> None:
    from linli.funding import services as fs
    from linli.funding.models import Duty, SourceKind

    chen = story.user(CHEN)
    accountant, cashier, supervisor = (story.user(n) for n in (ACCOUNTANT, CASHIER, SUPERVISOR))
    project = story.project("睦邻客厅")
    plan = project.funding_plan
    for user, duty in ((accountant, Duty.ACCOUNTANT), (cashier, Duty.CASHIER),
                       (supervisor, Duty.SUPERVISOR)):  # fmt: skip
        fs.duty_assign(actor=chen, user=user, project=project, duty=duty)
        story.add("funding_duties")
    residents = plan.sources.get(kind=SourceKind.RESIDENTS)
    street = plan.sources.exclude(kind=SourceKind.RESIDENTS).get()
    item = plan.items.get()
    shares = fs.contributions_split(
        actor=chen, source=residents, total_fen=residents.amount_fen, method="equal"
    )
    story.add("household_shares", len(shares))

    entries = []
    for k, share in enumerate(shares):
        if k == len(shares) - 1:
            break  # the last household has not paid yet
        # the household that asked (objection to the notice) pays in two instalments
        amount = share.share_fen // 2 if k == 2 else share.share_fen
        receipt = fs.contribution_receive(
            actor=accountant,
            source=residents,
            household=share.household,
            amount_fen=amount,
            payer_name=share.household.label or "",
        )
        entries.append(receipt.entry)
        story.add("receipts")
    entries.append(
        fs.receipt_record(
            actor=accountant,
            source=street,
            amount_fen=street.amount_fen,
            memo="四平路街道配套资金到账（与居民出资1:1）",
            date=datetime.date(2019, 9, 2),
        )
    )
    # the cashier confirms all but the last receipt, the supervisor reviews what was confirmed
    for entry in entries[:-2] + entries[-1:]:
        fs.entry_confirm(actor=cashier, entry=entry)
        fs.entry_review(actor=supervisor, entry=entry, note="与银行回单核对一致")
        story.add("ledger_reviewed")
    story.add("ledger_pending_confirmation")
    pay = fs.spending_record(
        actor=accountant,
        item=item,
        source=street,
        amount_fen=30_000 * YUAN,
        memo="支付施工单位首期工程款（合同价的三成）",
        date=datetime.date(2019, 9, 10),
    )
    fs.entry_confirm(actor=cashier, entry=pay)
    story.add("ledger_pending_review")


def _lift(story) -> None:
    from linli.funding import services as fs
    from linli.funding.models import SourceKind, SourceStatus

    staff = story.user(13)
    project = story.project("加装电梯")
    plan = fs.plan_open(actor=staff, project=project)
    story.add("funding_plans")
    for name, yuan in (("电梯设备与土建安装", 620_000), ("设计、监理与检测", 40_000)):
        fs.cost_item_add(actor=staff, plan=plan, name=name, amount_fen=yuan * YUAN)
    fs.source_add(
        actor=staff,
        plan=plan,
        kind=SourceKind.GOVERNMENT,
        name="既有多层住宅加装电梯财政补贴（市、区两级）",
        amount_fen=280_000 * YUAN,
        status=SourceStatus.APPROVED,
    )
    fs.source_add(
        actor=staff,
        plan=plan,
        kind=SourceKind.MAINTENANCE_FUND,
        name="6号楼业主专项维修资金",
        amount_fen=120_000 * YUAN,
        conditions="须经6号楼业主共同决定同意使用",
        vote_result=story.refs["lift_results"]["278-5"],
        status=SourceStatus.APPROVED,
    )
    residents = fs.source_add(
        actor=staff,
        plan=plan,
        kind=SourceKind.RESIDENTS,
        name="6号楼住户按楼层系数分摊",
        amount_fen=260_000 * YUAN,
        status=SourceStatus.APPROVED,
    )
    story.add("funding_sources_approved", 3)
    coefficients = {2: Decimal("0.6"), 3: Decimal("1.0"), 4: Decimal("1.2"), 5: Decimal("1.4"),
                    6: Decimal("1.6")}  # fmt: skip
    shares = fs.contributions_split(
        actor=staff,
        source=residents,
        total_fen=residents.amount_fen,
        method="floor",
        floor_coefficients=coefficients,
        exempt_floors={1},
    )
    story.add("household_shares", len(shares))


def _garage(story) -> None:
    from linli.funding import services as fs

    staff = story.user(12)
    project = story.project("BOT")
    contract = fs.bot_contract_create(
        actor=staff,
        project=project,
        operator="上海邻智停车服务有限公司",
        construction_cost_fen=450_000 * YUAN,
        annual_operating_cost_fen=48_000 * YUAN,
        start_date=datetime.date(2019, 1, 15),
        owners_share_percent=40,
        transfers="10年期满后智能充电设备（充电桩、门禁与监控）所有权归全体业主",
        maintenance_priority="企业同等条件下享有维修维护优先权；业委会所获利润委托物业公司管理，用于车库日常维护",
        fees=[
            {"name": "电动自行车停车费", "unit": "辆·月", "price_fen": 15 * YUAN,
             "assumed_units_per_year": 3600},
            {"name": "智能充电费", "unit": "次", "price_fen": 1 * YUAN,
             "assumed_units_per_year": 72000},
        ],
    )  # fmt: skip
    story.add("bot_contracts")
    # contract years 1–7 (2019–2025): uptake grew, then settled; costs rose with wages
    for year, revenue, cost in [(1, 96_400, 47_200), (2, 118_900, 48_100), (3, 121_300, 49_600),
                                (4, 124_800, 50_300), (5, 126_100, 51_800), (6, 127_500, 52_400),
                                (7, 128_200, 53_100)]:  # fmt: skip
        fs.bot_revenue_record(
            actor=staff,
            contract=contract,
            year=year,
            revenue_fen=revenue * YUAN,
            cost_fen=cost * YUAN,
        )
        story.add("bot_revenues")


def build(story) -> None:
    _anshun(story)
    _lift(story)
    _garage(story)
