"""Funding endpoints: the same services, selectors and rules as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from linli.core.errors import ScopeError
from linli.core.money import yuan_to_fen
from linli.core.permissions import get_visible, require
from linli.funding import selectors, services
from linli.funding.models import CostItem, FundingPlan
from linli.places.models import Household
from linli.projects.selectors import projects_visible_to

router = Router(tags=["筹资与账目"])


class SourceOut(Schema):
    id: int
    kind: str
    name: str
    status: str
    effective_fen: int
    received_fen: int
    available_fen: int
    condition_failure: str | None


class PlanOut(Schema):
    project_id: int
    cost_fen: int
    approved_fen: int
    received_fen: int
    covered: bool
    sources: list[SourceOut]


class AmountLineOut(Schema):
    label: str = Field(description="资金来源或费用项目")
    fen: int = Field(description="金额（分）")


class TransparencyOut(Schema):
    income: list[AmountLineOut]
    spending: list[AmountLineOut]
    income_total_fen: int
    spending_total_fen: int
    balance_fen: int


class EntryOut(Schema):
    id: int
    number: str
    kind: str
    memo: str
    status: str
    lines: list[tuple[int, int]]


class ItemIn(Schema):
    name: str
    amount: str  # yuan, e.g. "4,000.50"


class SourceIn(Schema):
    kind: str
    name: str
    amount: str = "0"
    conditions: str = ""
    status: str = "pledged"
    matches_id: int | None = None
    match_ratio: str | None = None
    percent_of_cost: str | None = None
    vote_result_id: int | None = None


class ReceiptIn(Schema):
    source_id: int
    amount: str
    memo: str = ""


class SpendingIn(ReceiptIn):
    item_id: int


class PayIn(Schema):
    household_id: int
    amount: str


class FundingNoteIn(Schema):
    note: str = ""


def _plan(request, project_id: int) -> FundingPlan:
    return get_visible(selectors.plans_visible_to(request.auth), project_id=project_id)


def _plan_out(plan: FundingPlan) -> PlanOut:
    cov = selectors.plan_coverage(plan)
    return PlanOut(
        project_id=plan.project_id,
        cost_fen=cov.cost_fen,
        approved_fen=cov.approved_fen,
        received_fen=cov.received_fen,
        covered=cov.covered,
        sources=[
            SourceOut(
                id=line.source.pk,
                kind=line.source.kind,
                name=line.source.name,
                status=line.source.status,
                effective_fen=line.effective_fen,
                received_fen=line.received_fen,
                available_fen=line.available_fen,
                condition_failure=line.condition_failure,
            )
            for line in cov.lines
        ],
    )


def _entry_out(e) -> EntryOut:
    return EntryOut(
        id=e.pk,
        number=e.number,
        kind=e.kind,
        memo=e.memo,
        status=e.status,
        lines=[(line.account_id, line.amount_fen) for line in e.lines.all()],
    )


@router.post("/projects/{project_id}/plan", response=PlanOut, summary="建立筹资方案")
def open_plan(request, project_id: int):
    project = get_visible(projects_visible_to(request.auth), pk=project_id)
    return _plan_out(services.plan_open(actor=request.auth, project=project))


@router.get("/projects/{project_id}/plan", response=PlanOut, summary="筹资方案与覆盖情况")
def get_plan(request, project_id: int):
    plan = _plan(request, project_id)
    if not request.auth.has_perm("funding.view_books", plan.project):
        require(request.auth, "funding.view_public", plan.project)
    return _plan_out(plan)


@router.get("/projects/{project_id}/public", response=TransparencyOut, summary="收支公开")
def get_public(request, project_id: int):
    plan = _plan(request, project_id)
    require(request.auth, "funding.view_public", plan.project)
    t = selectors.transparency(plan)
    return TransparencyOut(
        income=[AmountLineOut(label=label, fen=fen) for label, fen in t.income],
        spending=[AmountLineOut(label=label, fen=fen) for label, fen in t.spending],
        income_total_fen=t.income_total_fen,
        spending_total_fen=t.spending_total_fen,
        balance_fen=t.balance_fen,
    )


@router.post("/projects/{project_id}/items", response=PlanOut, summary="添加费用项目")
def add_item(request, project_id: int, data: ItemIn):
    plan = _plan(request, project_id)
    services.cost_item_add(
        actor=request.auth, plan=plan, name=data.name, amount_fen=yuan_to_fen(data.amount)
    )
    return _plan_out(plan)


@router.post("/projects/{project_id}/sources", response=PlanOut, summary="添加资金来源")
def add_source(request, project_id: int, data: SourceIn):
    from linli.voting.models import VoteResult

    plan = _plan(request, project_id)
    matches = get_visible(plan.sources.all(), pk=data.matches_id) if data.matches_id else None
    vote_result = (
        get_visible(
            VoteResult.objects.filter(vote__committee_id=plan.project.committee_id),
            pk=data.vote_result_id,
        )
        if data.vote_result_id
        else None
    )
    services.source_add(
        actor=request.auth,
        plan=plan,
        kind=data.kind,
        name=data.name,
        amount_fen=yuan_to_fen(data.amount),
        conditions=data.conditions,
        status=data.status,
        matches=matches,
        match_ratio=data.match_ratio,
        percent_of_cost=data.percent_of_cost,
        vote_result=vote_result,
    )
    return _plan_out(plan)


@router.post("/projects/{project_id}/receipts", response=EntryOut, summary="会计记录收款")
def add_receipt(request, project_id: int, data: ReceiptIn):
    plan = _plan(request, project_id)
    source = get_visible(plan.sources.all(), pk=data.source_id)
    e = services.receipt_record(
        actor=request.auth, source=source, amount_fen=yuan_to_fen(data.amount), memo=data.memo
    )
    return _entry_out(e)


@router.post("/projects/{project_id}/spendings", response=EntryOut, summary="会计记录支出")
def add_spending(request, project_id: int, data: SpendingIn):
    plan = _plan(request, project_id)
    source = get_visible(plan.sources.all(), pk=data.source_id)
    item = get_visible(CostItem.objects.filter(plan=plan), pk=data.item_id)
    e = services.spending_record(
        actor=request.auth,
        item=item,
        source=source,
        amount_fen=yuan_to_fen(data.amount),
        memo=data.memo,
    )
    return _entry_out(e)


@router.post("/sources/{source_id}/payments", response=EntryOut, summary="登记住户缴款")
def pay(request, source_id: int, data: PayIn):
    source = get_visible(selectors.sources_visible_to(request.auth), pk=source_id)
    household = get_visible(Household.objects.all(), pk=data.household_id)
    r = services.contribution_receive(
        actor=request.auth, source=source, household=household, amount_fen=yuan_to_fen(data.amount)
    )
    return _entry_out(r.entry)


@router.get("/sources/{source_id}/contributions", response=list[dict], summary="各户缴款情况")
def contributions(request, source_id: int):
    source = get_visible(selectors.sources_visible_to(request.auth), pk=source_id)
    if not request.auth.has_perm("funding.view_contributions", source.plan):
        raise ScopeError(_("只有本楼工作小组和居委会可以查看缴款情况"))
    return [
        {
            "household_id": r["household"].pk,
            "flat": str(r["household"].flat),
            "share_fen": r["share_fen"],
            "net_fen": r["net_fen"],
            "status": r["status"],
            "receipts": [x.number for x in r["receipts"]],
        }
        for r in selectors.contribution_rows(source)
    ]


class SplitIn(Schema):
    total: str = Field(max_length=20, description="分摊总额（元），如 12000 或 12,000.00")
    method: str = Field(
        "equal", max_length=10, description="equal 均摊 / area 按面积 / floor 按楼层"
    )
    building_ids: list[int] = Field(
        default_factory=list,
        max_length=200,
        description="由哪些楼栋的住户分摊；不填为项目范围内全部住户",
    )
    exempt_household_ids: list[int] = Field(default_factory=list, max_length=2000)
    floor_coefficients: dict[int, str] = Field(
        default_factory=dict, description='按楼层分摊的系数，如 {"2": "1", "6": "1.5"}'
    )
    exempt_floors: list[int] = Field(default_factory=list, max_length=100)


class ShareOut(Schema):
    household_id: int
    flat: str
    share_fen: int
    share: str
    exempt: bool


class SplitOut(Schema):
    source_id: int
    total_fen: int
    shares: list[ShareOut]


@router.post(
    "/sources/{source_id}/split", response=SplitOut, summary="计算各户分摊（均摊/按面积/按楼层）"
)
def split(request, source_id: int, data: SplitIn):
    from decimal import Decimal, InvalidOperation

    from linli.core.errors import ServiceError
    from linli.core.money import fen_to_yuan
    from linli.places.models import Building

    source = get_visible(selectors.sources_visible_to(request.auth), pk=source_id)
    committee_id = source.plan.project.committee_id
    buildings = list(
        Building.objects.filter(pk__in=data.building_ids, compound__committee_id=committee_id)
    )
    if len(buildings) != len(set(data.building_ids)):
        raise ServiceError(_("所选楼栋不在本项目范围内（或没有登记住户）"), code="out_of_scope")
    exempt = list(
        Household.objects.filter(
            pk__in=data.exempt_household_ids,
            flat__building__compound__committee_id=committee_id,
        )
    )
    try:
        coefficients = {int(k): Decimal(v) for k, v in data.floor_coefficients.items()}
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("楼层系数格式不正确")) from exc
    rows = services.contributions_split(
        actor=request.auth,
        source=source,
        total_fen=yuan_to_fen(data.total),
        method=data.method,
        buildings=buildings,
        exempt=exempt,
        floor_coefficients=coefficients,
        exempt_floors=set(data.exempt_floors),
    )
    return {
        "source_id": source.pk,
        "total_fen": sum(c.share_fen for c in rows),
        "shares": [
            {
                "household_id": c.household_id,
                "flat": str(c.household.flat),
                "share_fen": c.share_fen,
                "share": fen_to_yuan(c.share_fen),
                "exempt": c.exempt,
            }
            for c in rows
        ],
    }


@router.post("/entries/{entry_id}/confirm", response=EntryOut, summary="出纳确认入账")
def confirm(request, entry_id: int):
    e = get_visible(selectors.entries_visible_to(request.auth), pk=entry_id)
    return _entry_out(services.entry_confirm(actor=request.auth, entry=e))


@router.post("/entries/{entry_id}/review", response=EntryOut, summary="监事审核")
def review(request, entry_id: int, data: FundingNoteIn):
    e = get_visible(selectors.entries_visible_to(request.auth), pk=entry_id)
    return _entry_out(services.entry_review(actor=request.auth, entry=e, note=data.note))


@router.post("/entries/{entry_id}/reverse", response=EntryOut, summary="冲正")
def reverse(request, entry_id: int, data: FundingNoteIn):
    e = get_visible(selectors.entries_visible_to(request.auth), pk=entry_id)
    return _entry_out(services.entry_reverse(actor=request.auth, entry=e, reason=data.note))


class DutyIn(Schema):
    user_id: int
    duty: str
    whole_committee: bool = False


class AmountIn(Schema):
    amount: str
    reason: str = ""


@router.post("/projects/{project_id}/duties", response=dict, summary="指定会计、出纳、监事")
def assign_duty(request, project_id: int, data: DutyIn):
    from linli.accounts.models import User

    project = get_visible(projects_visible_to(request.auth), pk=project_id)
    user = User.objects.filter(is_active=True, pk=data.user_id).first()
    d = services.duty_assign(
        actor=request.auth,
        user=user,
        project=project,
        duty=data.duty,
        whole_committee=data.whole_committee,
    )
    return {"id": d.pk, "user_id": d.user_id, "duty": d.duty}


def _contribution(request, contribution_id: int):
    from linli.accounts.scopes import scopes_for
    from linli.funding.models import Contribution

    ids = scopes_for(request.auth).visible_committee_ids
    return get_visible(
        Contribution.objects.filter(source__plan__project__committee_id__in=ids),
        pk=contribution_id,
    )


@router.post("/contributions/{contribution_id}/pledge", response=dict, summary="登记认缴")
def pledge(request, contribution_id: int, data: AmountIn):
    c = services.contribution_pledge(
        actor=request.auth,
        contribution=_contribution(request, contribution_id),
        amount_fen=yuan_to_fen(data.amount),
    )
    return {"id": c.pk, "pledged_fen": c.pledged_fen}


@router.post("/contributions/{contribution_id}/refund", response=EntryOut, summary="登记退款")
def refund(request, contribution_id: int, data: AmountIn):
    r = services.contribution_refund(
        actor=request.auth,
        contribution=_contribution(request, contribution_id),
        amount_fen=yuan_to_fen(data.amount),
        reason=data.reason,
    )
    return _entry_out(r.entry)


@router.get("/projects/{project_id}/reconciliation", response=list[dict], summary="认缴与实缴核对")
def reconciliation(request, project_id: int):
    plan = _plan(request, project_id)
    require(request.auth, "funding.view_contributions", plan)
    return [
        {
            "source_id": rec["source"].pk,
            "share_fen": rec["share_fen"],
            "pledged_fen": rec["pledged_fen"],
            "paid_fen": rec["net_fen"],
            "ledger_fen": rec["ledger_fen"],
            "unpaid_households": [r["household"].pk for r in rec["unpaid"]],
        }
        for rec in selectors.reconciliation(plan)
    ]


class BotFeeIn(Schema):
    name: str
    unit: str
    price: str  # yuan
    assumed_units_per_year: int


class BotIn(Schema):
    operator: str
    construction_cost: str
    annual_operating_cost: str = "0"
    start_date: str
    owners_share_percent: str
    transfers: str
    maintenance_priority: str = ""
    recovery_years: int = 5
    sharing_years: int = 5
    fees: list[BotFeeIn]


class BotRevenueIn(Schema):
    year: int
    revenue: str
    cost: str = "0"


def _bot_out(contract) -> dict:
    p = selectors.bot_projection(contract)
    return {
        "id": contract.pk,
        "payback_year": p.payback_year,
        "owners_total_fen": p.owners_total_fen,
        "transfer_after_year": p.transfer_after_year,
        "years": [
            {
                "year": r["row"].year,
                "phase": r["row"].phase,
                "projected_net_fen": r["row"].net_fen,
                "projected_owners_fen": r["row"].owners_fen,
                "actual_net_fen": r["actual_net_fen"],
                "actual_owners_fen": r["actual_owners_fen"],
            }
            for r in selectors.bot_actual_vs_projection(contract)
        ],
        "boundaries": [
            {"date": b["date"].isoformat(), "label": b["label"]}
            for b in selectors.bot_boundaries(contract)
        ],
    }


@router.post("/projects/{project_id}/bot", response=dict, summary="登记BOT合同")
def bot_create(request, project_id: int, data: BotIn):
    import datetime
    from decimal import Decimal, InvalidOperation

    from linli.core.errors import ServiceError

    project = get_visible(projects_visible_to(request.auth), pk=project_id)
    try:
        start = datetime.date.fromisoformat(data.start_date)
        percent = Decimal(data.owners_share_percent)
    except (ValueError, InvalidOperation) as exc:
        raise ServiceError(_("开始日期或分成比例格式不正确")) from exc
    contract = services.bot_contract_create(
        actor=request.auth,
        project=project,
        operator=data.operator,
        construction_cost_fen=yuan_to_fen(data.construction_cost),
        annual_operating_cost_fen=yuan_to_fen(data.annual_operating_cost),
        start_date=start,
        owners_share_percent=percent,
        transfers=data.transfers,
        maintenance_priority=data.maintenance_priority,
        recovery_years=data.recovery_years,
        sharing_years=data.sharing_years,
        fees=[
            {
                "name": f.name,
                "unit": f.unit,
                "price_fen": yuan_to_fen(f.price),
                "assumed_units_per_year": f.assumed_units_per_year,
            }
            for f in data.fees
        ],
    )
    return _bot_out(contract)


@router.get("/projects/{project_id}/bot", response=dict, summary="BOT测算与实际")
def bot_get(request, project_id: int):
    contract = get_visible(selectors.bot_contracts_visible_to(request.auth), project_id=project_id)
    return _bot_out(contract)


@router.post("/projects/{project_id}/bot/revenues", response=dict, summary="登记BOT实际收入")
def bot_revenue(request, project_id: int, data: BotRevenueIn):
    contract = get_visible(selectors.bot_contracts_visible_to(request.auth), project_id=project_id)
    services.bot_revenue_record(
        actor=request.auth,
        contract=contract,
        year=data.year,
        revenue_fen=yuan_to_fen(data.revenue),
        cost_fen=yuan_to_fen(data.cost),
    )
    return _bot_out(contract)


@router.get("/reminders", response=list[dict], summary="即将到来的BOT阶段节点")
def reminders(request, within_days: int = 90):
    return [
        {
            "project_id": b["contract"].project_id,
            "date": b["date"].isoformat(),
            "label": b["label"],
            "days_left": b["days_left"],
        }
        for b in selectors.upcoming_bot_boundaries(request.auth, within_days=within_days)
    ]
