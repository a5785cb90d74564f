"""Every change to money goes through one of these functions (one transaction, audited).

Postings lock the plan row and then the accounts they touch (in id order), so concurrent
postings on PostgreSQL serialise instead of losing or doubling an entry.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.money import MAX_AMOUNT_FEN, fen_to_yuan
from linli.core.permissions import require
from linli.engine.costshare import (
    CostShareError,
    FloorCoefficients,
    split_by_area,
    split_by_floor,
    split_equal,
)
from linli.engine.costshare import Household as EngineHousehold
from linli.funding import selectors
from linli.funding.models import (
    Account,
    Attachment,
    BotContract,
    BotFee,
    BotRevenue,
    Contribution,
    CostItem,
    Duty,
    FundingDuty,
    FundingPlan,
    FundingSource,
    JournalEntry,
    JournalLine,
    Receipt,
    Refund,
    SourceKind,
    SourceStatus,
)
from linli.funding.selectors import project_households
from linli.places.models import Household
from linli.projects.models import Project


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        msgs = []
        for v in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            msgs.extend(v)
        raise ServiceError("；".join(msgs)) from exc


def _int_fen(value, what: str, *, positive: bool = True) -> int:
    ensure(
        isinstance(value, int) and not isinstance(value, bool),
        _("%(what)s必须是以分为单位的整数") % {"what": what},
    )
    ensure(
        abs(value) <= MAX_AMOUNT_FEN,
        _("%(what)s超出合理范围（单笔不超过 1 亿元），请核对后重新填写") % {"what": what},
        code="amount",
    )
    if positive:
        ensure(value > 0, _("%(what)s必须大于零") % {"what": what}, code="amount")
    else:
        ensure(value >= 0, _("%(what)s不能为负数") % {"what": what}, code="amount")
    return value


def _locked_plan(plan: FundingPlan) -> FundingPlan:
    return (
        FundingPlan.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=plan.pk)
    )


def _fresh_source(source: FundingSource) -> FundingSource:
    return FundingSource.objects.select_related(
        "plan__project", "vote_result__vote", "matches"
    ).get(pk=source.pk)


# ---------------------------------------------------------------- plan, items, sources


@transaction.atomic
def plan_open(*, actor, project: Project) -> FundingPlan:
    require(actor, "funding.manage_plan", project, _("您无权为该项目制定筹资方案"))
    plan, created = FundingPlan.objects.get_or_create(project=project)
    if created:
        audit_record(
            actor=actor, action="funding.plan_open", obj=plan, after={"project": project.pk}
        )
    return plan


@transaction.atomic
def cost_item_add(
    *, actor, plan: FundingPlan, name: str, amount_fen: int, note: str = ""
) -> CostItem:
    plan = _locked_plan(plan)
    require(actor, "funding.manage_plan", plan, _("您无权修改该项目的费用估算"))
    _int_fen(amount_fen, _("费用金额"))
    item = CostItem(plan=plan, name=(name or "").strip(), amount_fen=amount_fen, note=note.strip())
    ensure(item.name, _("请填写费用项目名称"))
    _full_clean(item)
    item.save()
    Account.objects.create(
        plan=plan, kind=Account.Kind.EXPENSE, item=item, name=f"支出·{item.name}"
    )
    audit_record(
        actor=actor,
        action="funding.item_add",
        obj=item,
        after={"name": item.name, "amount_fen": amount_fen},
    )
    return item


@transaction.atomic
def source_add(
    *,
    actor,
    plan: FundingPlan,
    kind: str,
    name: str,
    amount_fen: int,
    conditions: str = "",
    status: str = SourceStatus.PLEDGED,
    vote_result=None,
    matches: FundingSource | None = None,
    match_ratio: Decimal | int | None = None,
    percent_of_cost: Decimal | int | None = None,
) -> FundingSource:
    plan = _locked_plan(plan)
    require(actor, "funding.manage_plan", plan, _("您无权修改该项目的资金来源"))
    ensure(kind in SourceKind.values, _("资金来源类型不存在"))
    _int_fen(amount_fen, _("资金金额"), positive=False)
    if matches is not None:
        ensure(matches.plan_id == plan.pk, _("配套对象不属于本项目"))
        ensure(matches.kind == SourceKind.RESIDENTS, _("街道配套只能针对居民自筹"))
    if match_ratio is not None:
        ensure(Decimal(match_ratio) > 0, _("配套比例必须大于零"))
    source = FundingSource(
        plan=plan,
        kind=kind,
        name=(name or "").strip(),
        amount_fen=amount_fen,
        conditions=(conditions or "").strip(),
        status=SourceStatus.PLEDGED,
        vote_result=vote_result,
        matches=matches,
        match_ratio=Decimal(match_ratio) if match_ratio is not None else None,
        percent_of_cost=Decimal(percent_of_cost) if percent_of_cost is not None else None,
    )
    ensure(source.name, _("请填写出资方"))
    _full_clean(source)
    source.save()
    Account.objects.create(plan=plan, kind=Account.Kind.FUND, source=source, name=f"资金·{source}")
    Account.objects.create(
        plan=plan, kind=Account.Kind.INCOME, source=source, name=f"来源·{source}"
    )
    audit_record(
        actor=actor,
        action="funding.source_add",
        obj=source,
        after={"kind": kind, "name": source.name, "amount_fen": amount_fen},
    )
    if status != SourceStatus.PLEDGED:
        source = source_set_status(actor=actor, source=source, status=status)
    return source


@transaction.atomic
def source_set_status(*, actor, source: FundingSource, status: str) -> FundingSource:
    _locked_plan(source.plan)
    source = FundingSource.objects.select_related("plan__project", "vote_result__vote").get(
        pk=source.pk
    )
    require(actor, "funding.manage_plan", source.plan, _("您无权修改资金来源状态"))
    ensure(status in SourceStatus.values, _("状态不存在"))
    if status != SourceStatus.PLEDGED:
        failure = selectors.source_condition_failure(source)
        if failure:
            raise ServiceError(failure, code="condition")
    before = source.status
    source.status = status
    source.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="funding.source_status",
        obj=source,
        before={"status": before},
        after={"status": status},
    )
    return source


@transaction.atomic
def source_link_vote(*, actor, source: FundingSource, vote_result) -> FundingSource:
    _locked_plan(source.plan)
    require(actor, "funding.manage_plan", source.plan, _("您无权修改资金来源"))
    source.vote_result = vote_result
    failure = selectors.source_condition_failure(source)
    if failure:
        raise ServiceError(failure, code="condition")
    source.save(update_fields=["vote_result"])
    audit_record(
        actor=actor, action="funding.source_vote", obj=source, after={"vote_result": vote_result.pk}
    )
    return source


# ---------------------------------------------------------------- duties


@transaction.atomic
def duty_assign(
    *, actor, user, project: Project, duty: str, whole_committee: bool = False
) -> FundingDuty:
    require(actor, "funding.assign_duty", project, _("您无权指定财务职责"))
    ensure(duty in Duty.values, _("职责不存在"))
    from linli.accounts.scopes import scopes_for

    # A missing user gets the same answer as one from elsewhere: user ids reveal nothing.
    ensure(
        user is not None and project.committee_id in scopes_for(user).visible_committee_ids,
        _("该用户在本社区没有登记角色（居民、楼组长或工作人员），不能担任%(label)s")
        % {"label": Duty(duty).label},
        code="not_member",
    )
    # Separation of duties is refused at assignment, not only when a voucher is confirmed:
    # whoever keeps the books for a project holds exactly one of the three duties there.
    conflicting = (
        FundingDuty.objects.filter(user=user, committee_id=project.committee_id)
        .filter(Q(project=project) | Q(project__isnull=True))
        .exclude(duty=duty)
        .values_list("duty", flat=True)
        .first()
    )
    ensure(
        conflicting is None,
        _("该用户已担任%(value)s，会计、出纳、监事不能同时由一人担任")
        % {"value": Duty(conflicting).label if conflicting else ""},
        code="duty_conflict",
    )
    obj, created = FundingDuty.objects.get_or_create(
        user=user,
        committee_id=project.committee_id,
        project=None if whole_committee else project,
        duty=duty,
    )
    if hasattr(user, "_funding_duties"):
        del user._funding_duties
    if created:
        audit_record(
            actor=actor,
            action="funding.duty_assign",
            obj=obj,
            after={
                "user": user.pk,
                "duty": duty,
                "project": None if whole_committee else project.pk,
            },
        )
    return obj


# ---------------------------------------------------------------- journal


def _next_number(plan: FundingPlan, prefix: str, model) -> str:
    # called with the plan row locked, so numbers are unique and gap-free per plan
    if model is JournalEntry:
        n = JournalEntry.objects.filter(plan=plan).count() + 1
    else:
        n = Receipt.objects.filter(contribution__source__plan=plan).count() + 1
    return f"{prefix}{plan.pk:04d}-{n:05d}"


def _account(plan: FundingPlan, kind: str, *, source=None, item=None) -> Account:
    return Account.objects.get(plan=plan, kind=kind, source=source, item=item)


@transaction.atomic
def entry_record(
    *,
    actor,
    plan: FundingPlan,
    memo: str,
    lines: list[tuple[Account, int]],
    kind: str = JournalEntry.Kind.OTHER,
    source: FundingSource | None = None,
    item: CostItem | None = None,
    date: datetime.date | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """The accountant records a balanced entry; it counts once the cashier confirms it."""
    plan = _locked_plan(plan)
    require(actor, "funding.record_entry", plan, _("只有本项目的会计可以记账"))
    memo = (memo or "").strip()
    ensure(memo, _("请填写摘要"))
    ensure(len(lines) >= 2, _("一笔凭证至少要有借贷两条分录"), code="unbalanced")
    for account, amount in lines:
        ensure(account.plan_id == plan.pk, _("分录的账户不属于本项目"))
        ensure(
            isinstance(amount, int) and not isinstance(amount, bool) and amount != 0,
            _("分录金额必须是非零的整数（分）"),
        )
    total = sum(a for _, a in lines)
    if total != 0:
        raise ServiceError(
            _("借贷不平衡：借方合计与贷方合计相差 %(yuan)s 元") % {"yuan": fen_to_yuan(abs(total))},
            code="unbalanced",
        )
    entry = JournalEntry(
        plan=plan,
        number=_next_number(plan, "JZ", JournalEntry),
        kind=kind,
        memo=memo,
        date=date or timezone.localdate(),
        source=source,
        item=item,
        reverses=reverses,
        recorded_by=actor,
    )
    _full_clean(entry, exclude=["reverses"] if reverses else None)
    entry.save()
    JournalLine.objects.bulk_create(
        [JournalLine(entry=entry, account=a, amount_fen=amt) for a, amt in lines]
    )
    audit_record(
        actor=actor,
        action="funding.entry_record",
        obj=entry,
        after={
            "number": entry.number,
            "kind": kind,
            "memo": memo,
            "lines": [(a.pk, amt) for a, amt in lines],
        },
    )
    return entry


@transaction.atomic
def entry_confirm(*, actor, entry: JournalEntry) -> JournalEntry:
    """The cashier confirms the money moved: the entry is posted, once, and balances change."""
    plan = _locked_plan(entry.plan)
    entry = (
        JournalEntry.objects.select_for_update(of=("self",))
        .select_related("source", "reverses")
        .get(pk=entry.pk)
    )
    require(actor, "funding.confirm_entry", plan, _("只有本项目的出纳可以确认收付款"))
    if entry.recorded_by_id == actor.pk:
        raise ServiceError(
            _("不能确认自己记录的凭证（记账与出纳须由不同的人担任）"),
            code="self_approval",
            status=403,
        )
    ensure(entry.posted_at is None, _("该凭证已经入账，不能重复确认"), code="posted")
    lines = list(entry.lines.select_related("account"))
    account_ids = sorted({line.account_id for line in lines})
    accounts = {
        a.pk: a
        for a in Account.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    }
    # check at post time: the stored lines themselves must balance
    stored = JournalLine.objects.filter(entry=entry).aggregate(s=Sum("amount_fen"))["s"]
    ensure(stored == 0 and len(lines) >= 2, _("凭证借贷不平衡，不能入账"), code="unbalanced")
    deltas: dict[int, int] = {}
    for line in lines:
        deltas[line.account_id] = deltas.get(line.account_id, 0) + line.amount_fen
    for aid, delta in deltas.items():
        a = accounts[aid]
        if a.kind == Account.Kind.FUND and a.balance_fen + delta < 0:
            raise ServiceError(
                _("“%(source)s”的可用余额 %(yuan)s 元不足，不能支出 %(yuan2)s 元")
                % {
                    "source": a.source,
                    "yuan": fen_to_yuan(a.balance_fen),
                    "yuan2": fen_to_yuan(-delta),
                },
                code="overdraft",
            )
        if a.kind == Account.Kind.INCOME and a.balance_fen + delta > 0:
            raise ServiceError(_("退款不能超过该来源已收到的金额"), code="refund_exceeds")
    if entry.kind == JournalEntry.Kind.SPENDING and entry.source_id:
        failure = selectors.source_condition_failure(entry.source)
        if failure:
            raise ServiceError(failure, code="condition")
    if entry.kind == JournalEntry.Kind.RECEIPT and entry.source_id:
        src = entry.source
        if src.kind == SourceKind.STREET_MATCHING:
            allowed = selectors.source_effective_fen(src)
            already = selectors.source_received_fen(src)
            incoming = -sum(
                d for aid, d in deltas.items() if accounts[aid].kind == Account.Kind.INCOME
            )
            if already + incoming > allowed:
                raise ServiceError(
                    _("配套资金按居民实际出资计算，最多 %(yuan)s 元，已到账 %(yuan2)s 元")
                    % {"yuan": fen_to_yuan(allowed), "yuan2": fen_to_yuan(already)},
                    code="match_exceeds",
                )
    for aid, delta in deltas.items():
        Account.objects.filter(pk=aid).update(balance_fen=F("balance_fen") + delta)
    entry.confirmed_by = actor
    entry.posted_at = timezone.now()
    entry.save(update_fields=["confirmed_by", "posted_at"])
    audit_record(
        actor=actor,
        action="funding.entry_confirm",
        obj=entry,
        after={"number": entry.number, "posted_at": entry.posted_at},
    )
    return entry


@transaction.atomic
def entry_review(*, actor, entry: JournalEntry, note: str = "") -> JournalEntry:
    """The supervisor (监事) reviews a posted entry; never one they recorded or confirmed."""
    _locked_plan(entry.plan)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    require(actor, "funding.review_entry", entry.plan, _("只有本项目的监事可以审核"))
    if actor.pk in (entry.recorded_by_id, entry.confirmed_by_id):
        raise ServiceError(_("不能审核自己记录或确认的凭证"), code="self_approval", status=403)
    ensure(entry.posted_at is not None, _("凭证尚未由出纳确认入账，不能审核"), code="not_posted")
    ensure(entry.reviewed_at is None, _("该凭证已经审核过了"), code="reviewed")
    entry.reviewed_by = actor
    entry.reviewed_at = timezone.now()
    entry.review_note = (note or "").strip()[:200]
    entry.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="funding.entry_review",
        obj=entry,
        after={"number": entry.number, "note": entry.review_note},
    )
    return entry


@transaction.atomic
def entry_reverse(*, actor, entry: JournalEntry, reason: str) -> JournalEntry:
    """Correct a mistake: a new entry with every line negated, pointing at the original."""
    _locked_plan(entry.plan)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    reason = (reason or "").strip()
    ensure(reason, _("冲正须说明原因"))
    ensure(entry.posted_at is not None, _("未入账的凭证无需冲正"), code="not_posted")
    ensure(entry.kind != JournalEntry.Kind.REVERSAL, _("冲正凭证不能再冲正，请重新记账"))
    ensure(
        not JournalEntry.objects.filter(reverses=entry).exists(),
        _("该凭证已经冲正过"),
        code="reversed",
    )
    lines = [(line.account, -line.amount_fen) for line in entry.lines.select_related("account")]
    return entry_record(
        actor=actor,
        plan=entry.plan,
        memo=f"冲正 {entry.number}：{reason}"[:200],
        lines=lines,
        kind=JournalEntry.Kind.REVERSAL,
        source=entry.source,
        item=entry.item,
        reverses=entry,
    )


@transaction.atomic
def receipt_record(
    *, actor, source: FundingSource, amount_fen: int, memo: str = "", date=None
) -> JournalEntry:
    """Money in from a source (street, foundation, co-building unit …)."""
    _int_fen(amount_fen, _("收款金额"))
    plan = _locked_plan(source.plan)
    source = _fresh_source(source)
    failure = selectors.source_condition_failure(source)
    if failure:
        raise ServiceError(failure, code="condition")
    return entry_record(
        actor=actor,
        plan=plan,
        memo=memo or f"收到{source}",
        kind=JournalEntry.Kind.RECEIPT,
        source=source,
        date=date,
        lines=[
            (_account(plan, Account.Kind.FUND, source=source), amount_fen),
            (_account(plan, Account.Kind.INCOME, source=source), -amount_fen),
        ],
    )


@transaction.atomic
def spending_record(
    *, actor, item: CostItem, source: FundingSource, amount_fen: int, memo: str = "", date=None
) -> JournalEntry:
    """Pay for a cost item from one source; refused if its condition is not met."""
    _int_fen(amount_fen, _("支出金额"))
    plan = _locked_plan(item.plan)
    source = _fresh_source(source)
    ensure(source.plan_id == plan.pk, _("资金来源不属于本项目"))
    failure = selectors.source_condition_failure(source)
    if failure:
        raise ServiceError(failure, code="condition")
    ensure(
        source.status in (SourceStatus.APPROVED, SourceStatus.RECEIVED),
        _("“%(source)s”尚未批准，不能从中支出") % {"source": source},
        code="condition",
    )
    fund = _account(plan, Account.Kind.FUND, source=source)
    ensure(
        fund.balance_fen >= amount_fen,
        _("“%(source)s”的可用余额 %(yuan)s 元不足")
        % {"source": source, "yuan": fen_to_yuan(fund.balance_fen)},
        code="overdraft",
    )
    return entry_record(
        actor=actor,
        plan=plan,
        memo=memo or f"支付{item.name}",
        kind=JournalEntry.Kind.SPENDING,
        source=source,
        item=item,
        date=date,
        lines=[(_account(plan, Account.Kind.EXPENSE, item=item), amount_fen), (fund, -amount_fen)],
    )


@transaction.atomic
def attachment_add(*, actor, entry: JournalEntry, kind: str, file) -> Attachment:
    plan = entry.plan
    if not (
        actor.has_perm("funding.record_entry", plan)
        or actor.has_perm("funding.confirm_entry", plan)
    ):
        raise ScopeError(_("只有本项目的会计或出纳可以上传附件"))
    att = Attachment(entry=entry, kind=kind, file=file, uploaded_by=actor)
    _full_clean(att)
    att.save()
    audit_record(
        actor=actor,
        action="funding.attachment_add",
        obj=att,
        after={"entry": entry.number, "kind": kind, "name": att.file.name},
    )
    return att


# ---------------------------------------------------------------- household contributions


def _check_household(project: Project, household: Household) -> None:
    if not project_households(project).filter(pk=household.pk).exists():
        raise ScopeError(
            _("住户“%(household)s”不在本项目范围内，不能登记出资") % {"household": household},
            code="out_of_scope",
        )


@transaction.atomic
def contributions_split(
    *,
    actor,
    source: FundingSource,
    total_fen: int,
    method: str = "equal",
    households: list[Household] | None = None,
    exempt: list[Household] | None = None,
    floor_coefficients: dict[int, Decimal] | None = None,
    exempt_floors: set[int] | None = None,
    buildings: list | None = None,
) -> list[Contribution]:
    """Each household's share, computed by the engine (equal, by area, by floor).

    ``buildings`` narrows who pays to those buildings (e.g. "5号楼居民自筹" falls on 5号楼
    only, even when the project spans the whole compound); they must lie in the project's
    scope.
    """
    plan = _locked_plan(source.plan)
    require(actor, "funding.manage_plan", plan, _("您无权设定住户分摊"))
    ensure(source.kind == SourceKind.RESIDENTS, _("只有居民自筹来源才能分摊到户"))
    _int_fen(total_fen, _("分摊总额"))
    ensure(
        not source.contributions.filter(receipts__isnull=False).exists(),
        _("已有住户缴款，不能重新分摊"),
    )
    project = plan.project
    in_scope = project_households(project)
    if buildings:
        building_ids = {b.pk for b in buildings}
        ensure(
            in_scope.filter(flat__building_id__in=building_ids)
            .values("flat__building_id")
            .distinct()
            .count()
            == len(building_ids),
            _("所选楼栋不在本项目范围内（或没有登记住户）"),
            code="out_of_scope",
        )
        in_scope = in_scope.filter(flat__building_id__in=building_ids)
    hs = list(households) if households is not None else list(in_scope.order_by("id"))
    ensure(hs, _("本项目范围内没有住户"))
    for h in hs:
        _check_household(project, h)
    ex_ids = {str(h.pk) for h in (exempt or [])}
    eng = [EngineHousehold(id=str(h.pk), area=h.flat.area, floor=h.flat.floor) for h in hs]
    try:
        if method == "equal":
            split = split_equal(total_fen, [e.id for e in eng], exempt=ex_ids)
        elif method == "area":
            split = split_by_area(total_fen, eng, exempt=ex_ids)
        elif method == "floor":
            split = split_by_floor(
                total_fen,
                eng,
                FloorCoefficients(
                    by_floor=floor_coefficients or {}, exempt_floors=frozenset(exempt_floors or ())
                ),
                exempt=ex_ids,
            )
        else:
            raise ServiceError(_("分摊方式不存在（equal/area/floor）"))
    except CostShareError as exc:
        raise ServiceError(str(exc), code="costshare") from exc
    source.contributions.all().delete()
    rows = [
        Contribution(
            source=source,
            household=h,
            share_fen=split.amounts[str(h.pk)],
            exempt=str(h.pk) in ex_ids,
        )
        for h in hs
    ]
    Contribution.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="funding.contributions_split",
        obj=source,
        after={
            "method": method,
            "total_fen": total_fen,
            "buildings": sorted(b.pk for b in buildings or []),
            "shares": split.amounts,
        },
    )
    return list(source.contributions.order_by("id"))


@transaction.atomic
def contribution_pledge(*, actor, contribution: Contribution, amount_fen: int) -> Contribution:
    plan = _locked_plan(contribution.source.plan)
    require(actor, "funding.manage_plan", plan, _("您无权登记认缴"))
    _int_fen(amount_fen, _("认缴金额"), positive=False)
    before = contribution.pledged_fen
    contribution.pledged_fen = amount_fen
    contribution.pledged_at = timezone.now()
    _full_clean(contribution)
    contribution.save(update_fields=["pledged_fen", "pledged_at"])
    audit_record(
        actor=actor,
        action="funding.contribution_pledge",
        obj=contribution,
        before={"pledged_fen": before},
        after={"pledged_fen": amount_fen},
    )
    return contribution


@transaction.atomic
def contribution_receive(
    *, actor, source: FundingSource, household: Household, amount_fen: int, payer_name: str = ""
) -> Receipt:
    """The accountant records a household's payment: a receipt with a number and an entry."""
    plan = _locked_plan(source.plan)
    require(actor, "funding.record_entry", plan, _("只有本项目的会计可以登记收款"))
    ensure(source.kind == SourceKind.RESIDENTS, _("只有居民自筹来源可以登记住户缴款"))
    _int_fen(amount_fen, _("缴款金额"))
    _check_household(plan.project, household)
    contribution = Contribution.objects.filter(source=source, household=household).first()
    if contribution is None:
        contribution = Contribution.objects.create(source=source, household=household, share_fen=0)
    ensure(
        not contribution.exempt, _("“%(household)s”已免缴，不能登记缴款") % {"household": household}
    )
    if contribution.share_fen > 0:
        # What is still owed: the larger of the share and the pledge, less what was paid
        # and what is already recorded but not yet confirmed by the cashier.
        row = next(
            r
            for r in selectors.contribution_rows(source)
            if r["contribution"].pk == contribution.pk
        )
        due = max(contribution.pledged_fen or 0, contribution.share_fen)
        owed = due - row["net_fen"] - row["pending_fen"]
        ensure(
            amount_fen <= owed,
            _("缴款 %(yuan)s 元超过“%(household)s”尚未缴纳的应缴金额 %(yuan2)s 元，请核对金额")
            % {
                "yuan": fen_to_yuan(amount_fen),
                "household": household,
                "yuan2": fen_to_yuan(max(owed, 0)),
            },
            code="overpayment",
        )
    entry = entry_record(
        actor=actor,
        plan=plan,
        memo=f"{household}缴纳{source.name}",
        kind=JournalEntry.Kind.RECEIPT,
        source=source,
        lines=[
            (_account(plan, Account.Kind.FUND, source=source), amount_fen),
            (_account(plan, Account.Kind.INCOME, source=source), -amount_fen),
        ],
    )
    receipt = Receipt(
        number=_next_number(plan, "SJ", Receipt),
        contribution=contribution,
        amount_fen=amount_fen,
        entry=entry,
        payer_name=(payer_name or household.label or "").strip()[:50],
    )
    _full_clean(receipt)
    receipt.save()
    audit_record(
        actor=actor,
        action="funding.contribution_receive",
        obj=receipt,
        after={"number": receipt.number, "household": household.pk, "amount_fen": amount_fen},
    )
    return receipt


@transaction.atomic
def contribution_refund(
    *, actor, contribution: Contribution, amount_fen: int, reason: str
) -> Refund:
    plan = _locked_plan(contribution.source.plan)
    require(actor, "funding.record_entry", plan, _("只有本项目的会计可以登记退款"))
    _int_fen(amount_fen, _("退款金额"))
    reason = (reason or "").strip()
    ensure(reason, _("请填写退款原因"))
    row = next(
        r
        for r in selectors.contribution_rows(contribution.source)
        if r["contribution"].pk == contribution.pk
    )
    pending_refunds = sum(
        r.amount_fen for r in contribution.refunds.filter(entry__posted_at__isnull=True)
    )
    refundable = row["net_fen"] - pending_refunds
    if amount_fen > refundable:
        raise ServiceError(
            _("退款 %(yuan)s 元超过该户已缴金额 %(yuan2)s 元")
            % {"yuan": fen_to_yuan(amount_fen), "yuan2": fen_to_yuan(max(refundable, 0))},
            code="refund_exceeds",
        )
    source = contribution.source
    entry = entry_record(
        actor=actor,
        plan=plan,
        memo=f"退还{contribution.household}：{reason}"[:200],
        kind=JournalEntry.Kind.REFUND,
        source=source,
        lines=[
            (_account(plan, Account.Kind.INCOME, source=source), amount_fen),
            (_account(plan, Account.Kind.FUND, source=source), -amount_fen),
        ],
    )
    refund = Refund(contribution=contribution, amount_fen=amount_fen, entry=entry, reason=reason)
    _full_clean(refund)
    refund.save()
    audit_record(
        actor=actor,
        action="funding.contribution_refund",
        obj=refund,
        after={"amount_fen": amount_fen, "reason": reason},
    )
    return refund


# ---------------------------------------------------------------- BOT


@transaction.atomic
def bot_contract_create(
    *,
    actor,
    project: Project,
    operator: str,
    construction_cost_fen: int,
    start_date: datetime.date,
    owners_share_percent: Decimal | int,
    transfers: str,
    fees: list[dict],
    annual_operating_cost_fen: int = 0,
    recovery_years: int = 5,
    sharing_years: int = 5,
    maintenance_priority: str = "",
) -> BotContract:
    project = Project.objects.select_for_update().get(pk=project.pk)
    require(actor, "funding.manage_bot", project, _("您无权登记BOT合同"))
    ensure(not BotContract.objects.filter(project=project).exists(), _("该项目已有BOT合同"))
    _int_fen(construction_cost_fen, _("建设投资"))
    _int_fen(annual_operating_cost_fen, _("年运营成本"), positive=False)
    ensure(fees, _("请至少填写一项收费（如停车费、充电费）"))
    contract = BotContract(
        project=project,
        operator=(operator or "").strip(),
        construction_cost_fen=construction_cost_fen,
        annual_operating_cost_fen=annual_operating_cost_fen,
        start_date=start_date,
        recovery_years=recovery_years,
        sharing_years=sharing_years,
        owners_share_percent=Decimal(owners_share_percent),
        transfers=(transfers or "").strip(),
        maintenance_priority=(maintenance_priority or "").strip(),
    )
    _full_clean(contract)
    contract.save()
    for f in fees:
        fee = BotFee(contract=contract, **f)
        _full_clean(fee)
        fee.save()
    audit_record(
        actor=actor,
        action="funding.bot_create",
        obj=contract,
        after={"operator": contract.operator, "construction_cost_fen": construction_cost_fen},
    )
    return contract


@transaction.atomic
def bot_revenue_record(
    *, actor, contract: BotContract, year: int, revenue_fen: int, cost_fen: int = 0
) -> BotRevenue:
    contract = (
        BotContract.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=contract.pk)
    )
    require(actor, "funding.manage_bot", contract.project, _("您无权登记BOT实际收入"))
    _int_fen(revenue_fen, _("实际收入"), positive=False)
    _int_fen(cost_fen, _("实际成本"), positive=False)
    ensure(1 <= year <= contract.recovery_years + contract.sharing_years, _("合同年度超出合同期限"))
    ensure(
        not contract.revenues.filter(year=year).exists(),
        _("第%(year)s年的实际收入已登记") % {"year": year},
    )
    row = BotRevenue(
        contract=contract, year=year, revenue_fen=revenue_fen, cost_fen=cost_fen, recorded_by=actor
    )
    _full_clean(row)
    row.save()
    audit_record(
        actor=actor,
        action="funding.bot_revenue",
        obj=row,
        after={"year": year, "revenue_fen": revenue_fen, "cost_fen": cost_fen},
    )
    return row
