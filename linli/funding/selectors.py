"""Scoped reads and reports of money. Objects outside the user's scope are 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.engine.costshare import guidance_fund, match_contributions
from linli.funding.models import (
    Account,
    BotContract,
    Contribution,
    FundingPlan,
    FundingSource,
    JournalEntry,
    JournalLine,
    SourceKind,
    SourceStatus,
)
from linli.funding.models import CostItem as CostItemModel
from linli.places.models import Household
from linli.projects.models import Project

# ---------------------------------------------------------------- scoped lookups


def plans_visible_to(user) -> QuerySet[FundingPlan]:
    ids = scopes_for(user).visible_committee_ids
    return FundingPlan.objects.filter(project__committee_id__in=ids).select_related(
        "project", "project__committee"
    )


def entries_visible_to(user) -> QuerySet[JournalEntry]:
    ids = scopes_for(user).visible_committee_ids
    return JournalEntry.objects.filter(plan__project__committee_id__in=ids).select_related(
        "plan__project"
    )


def sources_visible_to(user) -> QuerySet[FundingSource]:
    ids = scopes_for(user).visible_committee_ids
    return FundingSource.objects.filter(plan__project__committee_id__in=ids).select_related(
        "plan__project"
    )


def contributions_visible_to(user) -> QuerySet[Contribution]:
    ids = scopes_for(user).visible_committee_ids
    return Contribution.objects.filter(source__plan__project__committee_id__in=ids).select_related(
        "source__plan__project", "household__flat__building"
    )


def bot_contracts_visible_to(user) -> QuerySet[BotContract]:
    ids = scopes_for(user).visible_committee_ids
    return BotContract.objects.filter(project__committee_id__in=ids).select_related("project")


# ---------------------------------------------------------------- ledger arithmetic


def posted_lines(plan: FundingPlan) -> QuerySet[JournalLine]:
    return JournalLine.objects.filter(entry__plan=plan, entry__posted_at__isnull=False)


def source_received_fen(source: FundingSource) -> int:
    """Money actually in from a source: credits to its income account, net of refunds."""
    total = (
        posted_lines(source.plan)
        .filter(account__kind=Account.Kind.INCOME, account__source=source)
        .aggregate(s=Sum("amount_fen"))["s"]
    )
    return -(total or 0)


def source_available_fen(source: FundingSource) -> int:
    total = (
        posted_lines(source.plan)
        .filter(account__kind=Account.Kind.FUND, account__source=source)
        .aggregate(s=Sum("amount_fen"))["s"]
    )
    return total or 0


def source_condition_failure(source: FundingSource) -> str | None:
    """Why this source may not be relied on or spent, or None. Conditions are checked."""
    if source.kind == SourceKind.MAINTENANCE_FUND:
        from linli.voting.models import Vote

        result = source.vote_result
        if result is None:
            return _("使用维修资金须关联已通过的业主共同决定")
        vote = result.vote
        project = source.plan.project
        if vote.kind != Vote.Kind.OWNERS:
            return _("关联的表决不是业主共同决定")
        if vote.matter not in (
            Vote.Matter.USE_MAINTENANCE_FUND,
            Vote.Matter.RAISE_MAINTENANCE_FUND,
        ):
            return _("关联的业主共同决定不是关于使用或筹集维修资金的事项")
        if vote.status != Vote.Status.CLOSED:
            return _("关联的业主共同决定尚未结束")
        if vote.committee_id != project.committee_id or (
            vote.project_id is not None and vote.project_id != project.pk
        ):
            return _("关联的业主共同决定不属于本项目")
        if result.passed is not True:
            return _("业主共同决定未通过，不能使用维修资金")
    return None


def cost_fen(plan: FundingPlan) -> int:
    return plan.items.aggregate(s=Sum("amount_fen"))["s"] or 0


def source_effective_fen(source: FundingSource, *, plan_cost: int | None = None) -> int:
    """What a source can actually provide: matching from real receipts, guidance from cost."""
    if source.kind == SourceKind.STREET_MATCHING and source.matches_id:
        received = source_received_fen(source.matches)
        return match_contributions(
            [received], ratio=source.match_ratio, cap_fen=source.amount_fen or None
        ).match_fen
    if source.kind == SourceKind.GUIDANCE and source.percent_of_cost is not None:
        cost = cost_fen(source.plan) if plan_cost is None else plan_cost
        amount = guidance_fund(cost, source.percent_of_cost)
        return min(amount, source.amount_fen) if source.amount_fen else amount
    return source.amount_fen


@dataclass
class SourceLine:
    source: FundingSource
    effective_fen: int
    received_fen: int
    available_fen: int
    condition_failure: str | None
    counts: bool


@dataclass
class Coverage:
    cost_fen: int
    approved_fen: int
    pledged_fen: int
    received_fen: int
    lines: list[SourceLine] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.cost_fen > 0 and self.approved_fen >= self.cost_fen

    @property
    def gap_fen(self) -> int:
        return max(0, self.cost_fen - self.approved_fen)


def plan_coverage(plan: FundingPlan) -> Coverage:
    cost = cost_fen(plan)
    cov = Coverage(cost_fen=cost, approved_fen=0, pledged_fen=0, received_fen=0)
    for s in plan.sources.select_related("vote_result__vote", "matches", "plan__project"):
        eff = source_effective_fen(s, plan_cost=cost)
        failure = source_condition_failure(s)
        counts = s.status in (SourceStatus.APPROVED, SourceStatus.RECEIVED) and failure is None
        line = SourceLine(s, eff, source_received_fen(s), source_available_fen(s), failure, counts)
        cov.lines.append(line)
        cov.pledged_fen += eff
        cov.received_fen += line.received_fen
        if counts:
            cov.approved_fen += eff
    return cov


# ---------------------------------------------------------------- reports


def balances(plan: FundingPlan) -> list[Account]:
    return list(plan.accounts.select_related("source", "item").order_by("kind", "id"))


@dataclass
class Transparency:
    income: list[tuple[str, int]]
    spending: list[tuple[str, int]]
    income_total_fen: int
    spending_total_fen: int
    balance_fen: int
    cost_fen: int


def transparency(plan: FundingPlan) -> Transparency:
    """Income by source, spending by item, balance: from posted entries only."""
    income: list[tuple[str, int]] = []
    spending: list[tuple[str, int]] = []
    for a in plan.accounts.select_related("source", "item").order_by("id"):
        if a.kind == Account.Kind.INCOME and a.balance_fen:
            income.append((str(a.source), -a.balance_fen))
        elif a.kind == Account.Kind.EXPENSE and a.balance_fen:
            spending.append((a.item.name, a.balance_fen))
    fund = plan.accounts.filter(kind=Account.Kind.FUND).aggregate(s=Sum("balance_fen"))["s"] or 0
    inc = sum(v for _, v in income)
    spe = sum(v for _, v in spending)
    return Transparency(income, spending, inc, spe, fund, cost_fen(plan))


def statement(plan: FundingPlan, start: datetime.date, end: datetime.date) -> dict:
    """Posted entries dated in [start, end], with the fund balance before and after."""
    fund_lines = posted_lines(plan).filter(account__kind=Account.Kind.FUND)
    opening = fund_lines.filter(entry__date__lt=start).aggregate(s=Sum("amount_fen"))["s"] or 0
    entries = list(
        plan.entries.filter(posted_at__isnull=False, date__gte=start, date__lte=end)
        .select_related("source", "item")
        .prefetch_related("lines__account")
        .order_by("date", "id")
    )
    rows = []
    running = opening
    for e in entries:
        delta = sum(
            line.amount_fen for line in e.lines.all() if line.account.kind == Account.Kind.FUND
        )
        running += delta
        rows.append(
            {"entry": e, "in_fen": max(delta, 0), "out_fen": max(-delta, 0), "balance_fen": running}
        )
    return {
        "opening_fen": opening,
        "closing_fen": running,
        "rows": rows,
        "start": start,
        "end": end,
    }


def contribution_rows(source: FundingSource) -> list[dict]:
    """Who has and has not paid: share, pledge, paid (posted receipts − refunds)."""
    rows = []
    contribs = (
        source.contributions.select_related("household__flat__building")
        .prefetch_related("receipts__entry", "refunds__entry")
        .order_by("household__flat__floor", "household__flat__room")
    )
    reversed_ids = set(
        JournalEntry.objects.filter(
            plan=source.plan, posted_at__isnull=False, reverses__isnull=False
        ).values_list("reverses_id", flat=True)
    )
    for c in contribs:
        paid = sum(
            r.amount_fen
            for r in c.receipts.all()
            if r.entry.posted_at and r.entry_id not in reversed_ids
        )
        pending = sum(r.amount_fen for r in c.receipts.all() if not r.entry.posted_at)
        refunded = sum(
            r.amount_fen
            for r in c.refunds.all()
            if r.entry.posted_at and r.entry_id not in reversed_ids
        )
        net = paid - refunded
        due = 0 if c.exempt else max(c.pledged_fen or c.share_fen, c.share_fen)
        rows.append(
            {
                "contribution": c,
                "household": c.household,
                "share_fen": c.share_fen,
                "pledged_fen": c.pledged_fen,
                "paid_fen": paid,
                "pending_fen": pending,
                "refunded_fen": refunded,
                "net_fen": net,
                "outstanding_fen": max(0, c.share_fen - net) if not c.exempt else 0,
                "status": _("免缴")
                if c.exempt
                else (
                    _("已缴清")
                    if net >= c.share_fen and net > 0
                    else (_("部分缴纳") if net else _("未缴"))
                ),
                "receipts": list(c.receipts.all()),
                "due_fen": due,
            }
        )
    return rows


def project_households(project: Project):
    """Households in the project's scope: its buildings, else its compounds, else its committee."""
    qs = Household.objects.select_related("flat__building__compound")
    if project.buildings.exists():
        return qs.filter(flat__building__in=project.buildings.all())
    if project.compounds.exists():
        return qs.filter(flat__building__compound__in=project.compounds.all())
    return qs.filter(flat__building__compound__committee_id=project.committee_id)


def split_buildings(plan: FundingPlan):
    """Buildings whose households may be asked to pay: those in the project's scope."""
    from django.db.models import Count

    from linli.places.models import Building

    ids = project_households(plan.project).values("flat__building_id")
    return (
        Building.objects.filter(pk__in=ids)
        .select_related("compound")
        .annotate(n_households=Count("flats__households", distinct=True))
        .order_by("compound__name", "number")
    )


def reconciliation(plan: FundingPlan) -> list[dict]:
    """Per residents' source: pledged vs received, with the households still owing."""
    out = []
    for s in plan.sources.filter(kind=SourceKind.RESIDENTS):
        rows = contribution_rows(s)
        out.append(
            {
                "source": s,
                "rows": rows,
                "share_fen": sum(r["share_fen"] for r in rows),
                "pledged_fen": sum(r["pledged_fen"] for r in rows),
                "net_fen": sum(r["net_fen"] for r in rows),
                "ledger_fen": source_received_fen(s),
                "unpaid": [r for r in rows if r["outstanding_fen"] > 0],
            }
        )
    return out


def ledger_total_fen() -> int:
    return JournalLine.objects.aggregate(s=Sum("amount_fen"))["s"] or 0


def unbalanced_entries() -> list[int]:
    return list(
        JournalEntry.objects.annotate(s=Sum("lines__amount_fen"))
        .filter(~Q(s=0) | Q(s__isnull=True))
        .values_list("pk", flat=True)
    )


def stale_account_balances() -> list[int]:
    bad = []
    for a in Account.objects.annotate(
        s=Sum("lines__amount_fen", filter=Q(lines__entry__posted_at__isnull=False))
    ):
        if (a.s or 0) != a.balance_fen:
            bad.append(a.pk)
    return bad


# ---------------------------------------------------------------- BOT


def bot_projection(contract: BotContract):
    from linli.funding.bot import project_bot

    revenue = sum(f.price_fen * f.assumed_units_per_year for f in contract.fees.all())
    return project_bot(
        construction_cost_fen=contract.construction_cost_fen,
        yearly_revenue_fen=revenue,
        yearly_cost_fen=contract.annual_operating_cost_fen,
        recovery_years=contract.recovery_years,
        sharing_years=contract.sharing_years,
        owners_percent=contract.owners_share_percent,
    )


def bot_actual_vs_projection(contract: BotContract) -> list[dict]:
    """Each contract year: projected vs actual revenue, net and owners' share."""
    from fractions import Fraction

    projection = bot_projection(contract)
    actual = {r.year: r for r in contract.revenues.all()}
    pct = Fraction(contract.owners_share_percent)
    out = []
    for row in projection.rows:
        a = actual.get(row.year)
        a_net = a.revenue_fen - a.cost_fen if a else None
        a_owners = None
        if a is not None:
            share = max(a_net, 0) * pct / 100 if row.phase == "sharing" else Fraction(0)
            a_owners = share.numerator // share.denominator
        out.append(
            {
                "row": row,
                "actual": a,
                "actual_net_fen": a_net,
                "actual_owners_fen": a_owners,
                "diff_fen": (a_net - row.net_fen) if a is not None else None,
            }
        )
    return out


def _add_years(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def bot_boundaries(contract: BotContract) -> list[dict]:
    r, s = contract.recovery_years, contract.sharing_years
    return [
        {
            "date": _add_years(contract.start_date, r),
            "label": _("成本回收期结束，第%(value)s年起与业委会分成") % {"value": r + 1},
        },
        {
            "date": _add_years(contract.start_date, r + s),
            "label": _("合同期满移交：%(transfers)s") % {"transfers": contract.transfers},
        },
    ]


def upcoming_bot_boundaries(
    user, *, within_days: int = 90, today: datetime.date | None = None
) -> list[dict]:
    """Phase boundaries of visible BOT contracts that fall within the next ``within_days``."""
    today = today or datetime.date.today()
    horizon = today + datetime.timedelta(days=within_days)
    out = []
    for c in bot_contracts_visible_to(user):
        for b in bot_boundaries(c):
            if today <= b["date"] <= horizon:
                out.append({**b, "contract": c, "days_left": (b["date"] - today).days})
    return sorted(out, key=lambda b: b["date"])


def committee_balances(user, committee) -> list[dict]:
    """Balance by project for one committee: cost, income, spending, balance (posted only)."""
    plans = plans_visible_to(user).filter(project__committee=committee).order_by("project__title")
    rows = []
    sums = (
        Account.objects.filter(plan__in=plans)
        .values("plan_id", "kind")
        .annotate(s=Sum("balance_fen"))
    )
    by_plan: dict[int, dict[str, int]] = {}
    for r in sums:
        by_plan.setdefault(r["plan_id"], {})[r["kind"]] = r["s"] or 0
    costs = dict(
        CostItemModel.objects.filter(plan__in=plans)
        .values("plan_id")
        .annotate(s=Sum("amount_fen"))
        .values_list("plan_id", "s")
    )
    for plan in plans:
        k = by_plan.get(plan.pk, {})
        rows.append(
            {
                "plan": plan,
                "project": plan.project,
                "cost_fen": costs.get(plan.pk, 0) or 0,
                "income_fen": -k.get(Account.Kind.INCOME, 0),
                "spending_fen": k.get(Account.Kind.EXPENSE, 0),
                "balance_fen": k.get(Account.Kind.FUND, 0),
            }
        )
    return rows
