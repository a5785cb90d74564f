"""Every change of step 5 goes through one of these functions: keyword-only, one transaction,
the permission first, ``full_clean()`` before ``save()``, an audit event in the same
transaction. Refusals are ``ServiceError`` / ``ScopeError`` with a Chinese message."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role
from linli.accounts.scopes import scopes_for
from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.money import fen_to_yuan
from linli.core.permissions import require
from linli.implementation import rules as impl_rules
from linli.implementation.models import (
    COMPARE_MAX_FEN,
    DIRECT_MAX_FEN,
    MAX_FEN,
    MIN_QUOTES,
    AcceptanceReview,
    AcceptanceWalk,
    Adoption,
    Arrangement,
    ChangeOrder,
    Contract,
    ContractAttachment,
    ContractPayment,
    Defect,
    DutySlot,
    Feedback,
    GroupRole,
    Instalment,
    Milestone,
    PatrolRecord,
    PatrolSite,
    Photo,
    Procurement,
    QualifiedCompany,
    Quote,
    Shift,
    Signoff,
    SignParty,
    SiteLog,
    TeamKind,
    TeamMember,
    Ticket,
    VolunteerTeam,
    WorkingGroupMember,
)
from linli.needs.images import MAX_PHOTOS, clean_photo
from linli.projects.models import Project, Stage


def _clean_save(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        msgs = []
        if hasattr(exc, "error_dict"):
            for v in exc.message_dict.values():
                msgs.extend(v)
        else:
            msgs = list(exc.messages)
        raise ServiceError("；".join(msgs)) from exc
    obj.save()


def _text(value, what: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required:
        ensure(value, _("请填写%(what)s") % {"what": what}, code="required")
    ensure(
        len(value) <= limit,
        _("%(what)s不能超过%(limit)s字") % {"what": what, "limit": limit},
        code="too_long",
    )
    return value


def _fen(value, what: str) -> int:
    ensure(
        isinstance(value, int) and not isinstance(value, bool),
        _("%(what)s必须是以分为单位的整数") % {"what": what},
        code="amount",
    )
    ensure(0 < value <= MAX_FEN, _("%(what)s应在0.01元到1亿元之间") % {"what": what}, code="amount")
    return value


def _photos(files) -> list:
    files = [f for f in (files or []) if f]
    ensure(
        len(files) <= MAX_PHOTOS,
        _("最多上传%(MAX_PHOTOS)s张照片") % {"MAX_PHOTOS": MAX_PHOTOS},
        code="too_many_photos",
    )
    return [clean_photo(f) for f in files]


def _save_photos(cleaned, **owner) -> None:
    for c in cleaned:
        photo = Photo(width=c.width, height=c.height, **owner)
        photo.image.save(c.content.name, c.content, save=False)
        _clean_save(photo)


def _not_future(day: datetime.date, what: str) -> None:
    ensure(
        day <= timezone.localdate(), _("%(what)s不能晚于今天") % {"what": what}, code="date_order"
    )


# ---------------------------------------------------------------- qualified companies


@transaction.atomic
def company_add(
    *,
    actor,
    street,
    name: str,
    builds: bool = False,
    manages: bool = False,
    credit_code: str = "",
    qualification: str = "",
    contact: str = "",
) -> QualifiedCompany:
    require(
        actor, "implementation.manage_companies", street, _("只有街道工作人员可以维护资质企业名单")
    )
    name = _text(name, _("企业名称"), 80)
    ensure(builds or manages, _("请至少选择一项资质：建造或管理"), code="qualification")
    ensure(
        not QualifiedCompany.objects.filter(street=street, name=name).exists(),
        _("“%(name)s”已在本街道的名单中") % {"name": name},
        code="duplicate",
        status=409,
    )
    company = QualifiedCompany(
        street=street,
        name=name,
        builds=bool(builds),
        manages=bool(manages),
        credit_code=_text(credit_code, _("统一社会信用代码"), 18, required=False),
        qualification=_text(qualification, _("资质说明"), 200, required=False),
        contact=_text(contact, _("联系人及电话"), 60, required=False),
        added_by=actor,
    )
    _clean_save(company)
    audit_record(
        actor=actor,
        action="implementation.company_add",
        obj=company,
        after={"street": street.pk, "name": name, "builds": builds, "manages": manages},
    )
    return company


@transaction.atomic
def company_set_active(*, actor, company: QualifiedCompany, active: bool) -> QualifiedCompany:
    require(
        actor,
        "implementation.manage_companies",
        company.street,
        _("只有街道工作人员可以维护资质企业名单"),
    )
    before = company.active
    company.active = bool(active)
    _clean_save(company)
    audit_record(
        actor=actor,
        action="implementation.company_active",
        obj=company,
        before={"active": before},
        after={"active": company.active},
    )
    return company


# ---------------------------------------------------------------- procurement


def method_allowed(method: str, budget_fen: int) -> str | None:
    """Why ``method`` may not be used for this budget, or None."""
    if method == Procurement.Method.DIRECT and budget_fen > DIRECT_MAX_FEN:
        return _("预算超过%(fen_to_yuan)s元，不能直接采购，请采用比价或公开招标") % {
            "fen_to_yuan": fen_to_yuan(DIRECT_MAX_FEN)
        }
    if method == Procurement.Method.COMPARE and budget_fen > COMPARE_MAX_FEN:
        return _("预算超过%(fen_to_yuan)s元，必须公开招标") % {
            "fen_to_yuan": fen_to_yuan(COMPARE_MAX_FEN)
        }
    return None


def _in_implementation(project: Project, what: str) -> None:
    ensure(
        project.stage in (Stage.FUNDING, Stage.IMPLEMENTATION, Stage.ACCEPTANCE),
        _("项目处于“%(get_stage_display)s”阶段，不能%(what)s")
        % {"get_stage_display": project.get_stage_display(), "what": what},
        code="stage",
        status=409,
    )


@transaction.atomic
def procurement_create(
    *, actor, project: Project, title: str, method: str, budget_fen: int
) -> Procurement:
    require(actor, "implementation.manage", project, _("您无权为该项目登记采购"))
    _in_implementation(project, _("登记采购"))
    ensure(method in Procurement.Method.values, _("采购方式不存在"), code="method")
    _fen(budget_fen, _("预算"))
    problem = method_allowed(method, budget_fen)
    ensure(problem is None, problem or "", code="method")
    procurement = Procurement(
        project=project,
        title=_text(title, _("采购事项"), 80),
        method=method,
        budget_fen=budget_fen,
        created_by=actor,
    )
    _clean_save(procurement)
    audit_record(
        actor=actor,
        action="implementation.procurement_create",
        obj=procurement,
        after={"project": project.pk, "method": method, "budget_fen": budget_fen},
    )
    return procurement


def _lock_procurement(procurement: Procurement) -> Procurement:
    return (
        Procurement.objects.select_for_update(of=("self",))
        .select_related("project", "project__committee")
        .get(pk=procurement.pk)
    )


@transaction.atomic
def quote_add(
    *, actor, procurement: Procurement, company: QualifiedCompany, amount_fen: int, note: str = ""
) -> Quote:
    procurement = _lock_procurement(procurement)
    require(actor, "implementation.manage", procurement.project, _("您无权登记报价"))
    ensure(procurement.status == "open", _("采购已确定，不能再登记报价"), code="status", status=409)
    ensure(
        company is not None and company.street_id == procurement.project.committee.street_id,
        _("报价企业不在本街道的资质企业名单中"),
        code="company",
    )
    ensure(
        company.active,
        _("“%(company)s”已移出资质企业名单，不能参与报价") % {"company": company},
        code="company",
    )
    _fen(amount_fen, _("报价"))
    ensure(
        not procurement.quotes.filter(company=company).exists(),
        _("“%(company)s”已经报过价") % {"company": company},
        code="duplicate",
        status=409,
    )
    quote = Quote(
        procurement=procurement,
        company=company,
        amount_fen=amount_fen,
        note=_text(note, _("说明"), 200, required=False),
        recorded_by=actor,
    )
    _clean_save(quote)
    audit_record(
        actor=actor,
        action="implementation.quote_add",
        obj=quote,
        after={"procurement": procurement.pk, "company": company.pk, "amount_fen": amount_fen},
    )
    return quote


@transaction.atomic
def procurement_decide(
    *, actor, procurement: Procurement, quote: Quote, reason: str, meeting=None, vote=None
) -> Procurement:
    """Record the choice, its reason and the meeting or vote of the same project approving it."""
    procurement = _lock_procurement(procurement)
    project = procurement.project
    require(actor, "implementation.manage", project, _("您无权确定采购结果"))
    ensure(procurement.status == "open", _("该采购已经确定"), code="status", status=409)
    ensure(quote is not None and quote.procurement_id == procurement.pk, _("所选报价不属于该采购"))
    n = procurement.quotes.count()
    if procurement.method in (Procurement.Method.COMPARE, Procurement.Method.TENDER):
        ensure(
            n >= MIN_QUOTES,
            _("%(get_method_display)s至少需要%(MIN_QUOTES)s家报价，目前只有%(n)s家")
            % {
                "get_method_display": procurement.get_method_display(),
                "MIN_QUOTES": MIN_QUOTES,
                "n": n,
            },
            code="quotes",
            status=409,
        )
    reason = _text(reason, _("确定理由"), 2000)
    ensure(
        meeting is not None or vote is not None, _("请关联批准该结果的会议或表决"), code="approval"
    )
    if meeting is not None:
        ensure(meeting.project_id == project.pk, _("所选会议不属于本项目"), code="approval")
        ensure(meeting.status == "closed", _("所选会议尚未结束"), code="approval", status=409)
    if vote is not None:
        ensure(vote.project_id == project.pk, _("所选表决不属于本项目"), code="approval")
        ensure(vote.status == "closed", _("所选表决尚未结束"), code="approval", status=409)
        result = getattr(vote, "result", None)
        ensure(
            result is None or result.passed,
            _("所选表决未获通过，不能作为采购依据"),
            code="approval",
            status=409,
        )
    procurement.chosen = quote
    procurement.reason = reason
    procurement.meeting = meeting
    procurement.vote = vote
    procurement.status = Procurement.Status.DECIDED
    procurement.decided_by = actor
    procurement.decided_at = timezone.now()
    _clean_save(procurement)
    audit_record(
        actor=actor,
        action="implementation.procurement_decide",
        obj=procurement,
        after={
            "quote": quote.pk,
            "company": quote.company_id,
            "amount_fen": quote.amount_fen,
            "reason": reason,
            "meeting": meeting.pk if meeting else None,
            "vote": vote.pk if vote else None,
        },
    )
    return procurement


# ---------------------------------------------------------------- contracts


@transaction.atomic
def contract_create(
    *,
    actor,
    project: Project,
    title: str,
    party: str = "",
    amount_fen: int | None = None,
    signed_on: datetime.date,
    procurement: Procurement | None = None,
) -> Contract:
    require(actor, "implementation.manage", project, _("您无权为该项目登记合同"))
    _in_implementation(project, _("登记合同"))
    if procurement is not None:
        procurement = Procurement.objects.select_related("chosen__company").get(pk=procurement.pk)
        ensure(procurement.project_id == project.pk, _("所选采购不属于本项目"))
        ensure(procurement.status == "decided", _("采购尚未确定结果，不能签订合同"), status=409)
        ensure(
            not Contract.objects.filter(procurement=procurement).exists(),
            _("该采购已签订合同"),
            status=409,
        )
        party = party or procurement.chosen.company.name
        amount_fen = amount_fen if amount_fen is not None else procurement.chosen.amount_fen
    _fen(amount_fen, _("合同金额"))
    ensure(signed_on is not None, _("请填写签订日期"), code="required")
    _not_future(signed_on, _("签订日期"))
    contract = Contract(
        project=project,
        procurement=procurement,
        title=_text(title, _("合同名称"), 80),
        party=_text(party, _("合同相对方"), 80),
        amount_fen=amount_fen,
        signed_on=signed_on,
        created_by=actor,
    )
    _clean_save(contract)
    audit_record(
        actor=actor,
        action="implementation.contract_create",
        obj=contract,
        after={
            "project": project.pk,
            "party": contract.party,
            "amount_fen": amount_fen,
            "procurement": procurement.pk if procurement else None,
        },
    )
    return contract


def contract_ceiling_fen(contract: Contract) -> int:
    """The contract amount plus every approved change order."""
    delta = (
        contract.changes.filter(status=ChangeOrder.Status.APPROVED).aggregate(s=Sum("delta_fen"))[
            "s"
        ]
        or 0
    )
    return contract.amount_fen + delta


def contract_paid_fen(contract: Contract) -> int:
    return contract.payments.aggregate(s=Sum("amount_fen"))["s"] or 0


@transaction.atomic
def instalment_add(
    *, actor, contract: Contract, label: str, due_on: datetime.date, amount_fen: int
) -> Instalment:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    require(actor, "implementation.manage", contract.project, _("您无权修改付款计划"))
    _fen(amount_fen, _("金额"))
    ensure(due_on is not None, _("请填写计划支付日期"), code="required")
    ensure(due_on >= contract.signed_on, _("计划支付日期不能早于合同签订日期"), code="date_order")
    planned = contract.instalments.aggregate(s=Sum("amount_fen"))["s"] or 0
    ceiling = contract_ceiling_fen(contract)
    ensure(
        planned + amount_fen <= ceiling,
        _("付款计划合计 %(fen_to_yuan)s 元将超过合同金额 %(fen_to_yuan2)s 元")
        % {"fen_to_yuan": fen_to_yuan(planned + amount_fen), "fen_to_yuan2": fen_to_yuan(ceiling)},
        code="over_contract",
        status=409,
    )
    inst = Instalment(
        contract=contract, label=_text(label, _("款项"), 40), due_on=due_on, amount_fen=amount_fen
    )
    _clean_save(inst)
    audit_record(
        actor=actor,
        action="implementation.instalment_add",
        obj=inst,
        after={"contract": contract.pk, "due_on": due_on, "amount_fen": amount_fen},
    )
    return inst


@transaction.atomic
def contract_attach(*, actor, contract: Contract, file) -> ContractAttachment:
    from linli.notices.validators import validate_attachment

    require(actor, "implementation.manage", contract.project, _("您无权上传合同附件"))
    ensure(file is not None, _("请选择文件"), code="required")
    try:
        validate_attachment(file)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), code="attachment") from exc
    att = ContractAttachment(
        contract=contract, file=file, name=(file.name or "附件")[:120], uploaded_by=actor
    )
    _clean_save(att)
    audit_record(
        actor=actor,
        action="implementation.contract_attach",
        obj=att,
        after={"contract": contract.pk, "name": att.name},
    )
    return att


@transaction.atomic
def change_propose(*, actor, contract: Contract, reason: str, delta_fen: int) -> ChangeOrder:
    require(actor, "implementation.propose_change", contract.project, _("您无权提出合同变更"))
    ensure(
        isinstance(delta_fen, int) and not isinstance(delta_fen, bool) and delta_fen != 0,
        _("变更金额必须是非零的整数（分）"),
        code="amount",
    )
    ensure(abs(delta_fen) <= MAX_FEN, _("变更金额超出范围"), code="amount")
    ensure(
        contract_ceiling_fen(contract) + delta_fen >= contract_paid_fen(contract),
        _("变更后的合同金额不能低于已支付金额"),
        code="amount",
        status=409,
    )
    change = ChangeOrder(
        contract=contract,
        reason=_text(reason, _("变更原因"), 2000),
        delta_fen=delta_fen,
        proposed_by=actor,
    )
    _clean_save(change)
    audit_record(
        actor=actor,
        action="implementation.change_propose",
        obj=change,
        after={"contract": contract.pk, "delta_fen": delta_fen, "reason": change.reason},
    )
    return change


@transaction.atomic
def change_decide(*, actor, change: ChangeOrder, approve: bool, note: str = "") -> ChangeOrder:
    """The working group (its residents' side, not the contractor) approves or rejects."""
    change = (
        ChangeOrder.objects.select_for_update(of=("self",))
        .select_related("contract__project")
        .get(pk=change.pk)
    )
    require(
        actor,
        "implementation.approve_change",
        change.contract.project,
        _("只有项目工作组中的居民代表、居委会、业委会或规划师可以审批合同变更"),
    )
    ensure(change.status == ChangeOrder.Status.PROPOSED, _("该变更已审批"), status=409)
    if change.proposed_by_id == actor.pk:
        raise ServiceError(_("不能审批自己提出的变更"), code="self_approval", status=403)
    change.status = ChangeOrder.Status.APPROVED if approve else ChangeOrder.Status.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = _text(note, _("审批意见"), 500, required=not approve)
    _clean_save(change)
    audit_record(
        actor=actor,
        action="implementation.change_decide",
        obj=change,
        before={"status": "proposed"},
        after={"status": change.status, "note": change.decision_note},
    )
    return change


def _entry_amount(entry) -> int:
    return sum(line.amount_fen for line in entry.lines.all() if line.amount_fen > 0)


@transaction.atomic
def payment_link(
    *, actor, contract: Contract, entry, instalment: Instalment | None = None
) -> ContractPayment:
    """Link a spending voucher of the project's ledger to the contract as a payment.

    Refused above the contract amount plus approved change orders (变更).
    """
    from linli.funding.models import JournalEntry

    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    project = contract.project
    if not (
        actor.has_perm("implementation.manage", project)
        or actor.has_perm("funding.record_entry", project)
    ):
        raise ScopeError(_("只有居委会工作人员或本项目的会计可以登记合同付款"))
    ensure(entry is not None, _("请选择支出凭证"), code="required")
    entry = JournalEntry.objects.select_related("plan").get(pk=entry.pk)
    ensure(entry.plan.project_id == project.pk, _("该凭证不属于本项目的账目"), code="entry")
    ensure(entry.kind == JournalEntry.Kind.SPENDING, _("只能关联支出凭证"), code="entry")
    ensure(
        not JournalEntry.objects.filter(reverses=entry).exists(),
        _("该凭证已被冲正，不能作为付款"),
        code="entry",
        status=409,
    )
    ensure(
        not ContractPayment.objects.filter(entry=entry).exists(),
        _("凭证 %(number)s 已登记为合同付款") % {"number": entry.number},
        code="duplicate",
        status=409,
    )
    if instalment is not None:
        ensure(instalment.contract_id == contract.pk, _("所选付款计划不属于该合同"))
    amount = _entry_amount(entry)
    ceiling = contract_ceiling_fen(contract)
    paid = contract_paid_fen(contract)
    if paid + amount > ceiling:
        raise ServiceError(
            _(
                "付款后累计 %(fen_to_yuan)s 元将超过合同金额 %(fen_to_yuan2)s 元；超出部分须先登记合同变更并经项目工作组批准"
            )
            % {"fen_to_yuan": fen_to_yuan(paid + amount), "fen_to_yuan2": fen_to_yuan(ceiling)},
            code="over_contract",
            status=409,
        )
    payment = ContractPayment(
        contract=contract, entry=entry, instalment=instalment, amount_fen=amount, recorded_by=actor
    )
    _clean_save(payment)
    audit_record(
        actor=actor,
        action="implementation.payment_link",
        obj=payment,
        after={"contract": contract.pk, "entry": entry.number, "amount_fen": amount},
    )
    return payment


# ---------------------------------------------------------------- working group


def _user_belongs(user, project: Project, role: str) -> bool:
    """Whether ``user`` may take ``role`` in the working group of ``project``."""
    s = scopes_for(user)
    if role == GroupRole.CONTRACTOR:
        return True  # a contractor contact needs no role in the community
    if role == GroupRole.COMMITTEE:
        return project.committee_id in s.managed_committee_ids
    if role == GroupRole.PLANNER:
        return project.committee.street_id in s.planner_street_ids
    if role == GroupRole.OWNERS_COMMITTEE:
        return (
            bool(s.owners_committee_compound_ids)
            and project.compounds.filter(pk__in=s.owners_committee_compound_ids).exists()
        )
    return project.committee_id in s.visible_committee_ids  # resident representative


@transaction.atomic
def group_add(*, actor, project: Project, user, role: str, note: str = "") -> WorkingGroupMember:
    require(actor, "implementation.manage", project, _("您无权组建该项目的工作组"))
    ensure(role in GroupRole.values, _("工作组职责不存在"), code="role")
    ensure(user is not None and user.is_active, _("用户不存在"), code="user")
    ensure(
        _user_belongs(user, project, role),
        _("%(name)s在本项目所在社区没有相应的身份，不能作为%(label)s加入工作组")
        % {"name": user.name, "label": GroupRole(role).label},
        code="role",
    )
    ensure(
        not WorkingGroupMember.objects.filter(project=project, user=user).exists(),
        _("%(name)s已在工作组中") % {"name": user.name},
        code="duplicate",
        status=409,
    )
    member = WorkingGroupMember(
        project=project,
        user=user,
        role=role,
        note=_text(note, _("说明"), 100, required=False),
        added_by=actor,
    )
    _clean_save(member)
    impl_rules.forget_group_roles(user)
    audit_record(
        actor=actor,
        action="implementation.group_add",
        obj=member,
        after={"project": project.pk, "user": user.pk, "role": role},
    )
    return member


@transaction.atomic
def group_remove(*, actor, member: WorkingGroupMember) -> None:
    require(actor, "implementation.manage", member.project, _("您无权调整该项目的工作组"))
    before = {"project": member.project_id, "user": member.user_id, "role": member.role}
    audit_record(actor=actor, action="implementation.group_remove", obj=member, before=before)
    user = member.user
    member.delete()
    impl_rules.forget_group_roles(user)


# ---------------------------------------------------------------- schedule and site


def _check_dates(planned_start, planned_end, actual_start=None, actual_end=None) -> None:
    ensure(planned_start and planned_end, _("请填写计划开始和计划完成日期"), code="required")
    ensure(planned_end >= planned_start, _("计划完成日期不能早于计划开始日期"), code="date_order")
    if actual_end is not None:
        ensure(actual_start is not None, _("请先填写实际开始日期"), code="date_order")
        ensure(actual_end >= actual_start, _("实际完成日期不能早于实际开始日期"), code="date_order")
        _not_future(actual_end, _("实际完成日期"))
    if actual_start is not None:
        _not_future(actual_start, _("实际开始日期"))


@transaction.atomic
def milestone_add(*, actor, project: Project, title: str, planned_start, planned_end) -> Milestone:
    require(actor, "implementation.manage", project, _("您无权编排该项目的进度节点"))
    _check_dates(planned_start, planned_end)
    m = Milestone(
        project=project,
        title=_text(title, _("节点名称"), 60),
        planned_start=planned_start,
        planned_end=planned_end,
    )
    _clean_save(m)
    audit_record(
        actor=actor,
        action="implementation.milestone_add",
        obj=m,
        after={"title": m.title, "planned_start": planned_start, "planned_end": planned_end},
    )
    return m


@transaction.atomic
def milestone_progress(
    *, actor, milestone: Milestone, actual_start=None, actual_end=None
) -> Milestone:
    """Record when a milestone actually started and finished (contractor or staff)."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    require(actor, "implementation.record_progress", milestone.project, _("您无权填报进度"))
    ensure(actual_start or actual_end, _("请填写实际开始或实际完成日期"), code="required")
    start = actual_start or milestone.actual_start
    _check_dates(milestone.planned_start, milestone.planned_end, start, actual_end)
    before = {"actual_start": milestone.actual_start, "actual_end": milestone.actual_end}
    milestone.actual_start = start
    if actual_end is not None:
        milestone.actual_end = actual_end
    _clean_save(milestone)
    audit_record(
        actor=actor,
        action="implementation.milestone_progress",
        obj=milestone,
        before=before,
        after={"actual_start": milestone.actual_start, "actual_end": milestone.actual_end},
    )
    return milestone


@transaction.atomic
def site_log_add(
    *, actor, project: Project, date, work_done: str, issues: str = "", photos=None
) -> SiteLog:
    require(
        actor, "implementation.write_site_log", project, _("只有项目工作组成员可以填写施工日志")
    )
    ensure(date is not None, _("请填写日期"), code="required")
    _not_future(date, _("日志日期"))
    cleaned = _photos(photos)
    log = SiteLog(
        project=project,
        date=date,
        work_done=_text(work_done, _("施工内容"), 2000),
        issues=_text(issues, _("发现的问题"), 2000, required=False),
        author=actor,
    )
    _clean_save(log)
    _save_photos(cleaned, site_log=log)
    audit_record(
        actor=actor,
        action="implementation.site_log_add",
        obj=log,
        after={"project": project.pk, "date": date, "photos": len(cleaned)},
    )
    return log


@transaction.atomic
def feedback_submit(*, actor, project: Project, text: str, channel: str = "page") -> Feedback:
    ensure(getattr(actor, "is_authenticated", False), _("请先登录"), status=401)
    require(actor, "implementation.give_feedback", project, _("只有本社区的居民可以反馈意见"))
    ensure(channel in Feedback.Channel.values, _("来源不存在"))
    fb = Feedback(project=project, author=actor, channel=channel, text=_text(text, _("意见"), 1000))
    _clean_save(fb)
    audit_record(
        actor=actor,
        action="implementation.feedback_submit",
        obj=fb,
        after={"project": project.pk, "channel": channel},
    )
    return fb


@transaction.atomic
def feedback_answer(*, actor, feedback: Feedback, answer: str) -> Feedback:
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    require(
        actor, "implementation.answer_feedback", feedback.project, _("只有项目工作组可以答复意见")
    )
    ensure(not feedback.answered_at, _("该意见已答复"), status=409)
    feedback.answer = _text(answer, _("答复"), 1000)
    feedback.answered_by = actor
    feedback.answered_at = timezone.now()
    _clean_save(feedback)
    audit_record(
        actor=actor,
        action="implementation.feedback_answer",
        obj=feedback,
        after={"answer": feedback.answer},
    )
    return feedback


# ---------------------------------------------------------------- acceptance


@transaction.atomic
def review_record(
    *,
    actor,
    project: Project,
    reviewer: str,
    organisation: str,
    date,
    items_checked: str,
    conclusion: str = "",
    defects: list[tuple[str, datetime.date]] | None = None,
    photos=None,
) -> AcceptanceReview:
    require(actor, "implementation.record_review", project, _("您无权登记专业评审"))
    ensure(date is not None, _("请填写评审日期"), code="required")
    _not_future(date, _("评审日期"))
    cleaned = _photos(photos)
    review = AcceptanceReview(
        project=project,
        reviewer=_text(reviewer, _("评审人"), 40),
        organisation=_text(organisation, _("评审单位"), 80),
        date=date,
        items_checked=_text(items_checked, _("检查项目"), 2000),
        conclusion=_text(conclusion, _("评审结论"), 2000, required=False),
        recorded_by=actor,
    )
    _clean_save(review)
    for description, deadline in defects or []:
        _defect(review, description, deadline)
    _save_photos(cleaned, review=review)
    audit_record(
        actor=actor,
        action="implementation.review_record",
        obj=review,
        after={
            "project": project.pk,
            "organisation": review.organisation,
            "defects": len(defects or []),
            "photos": len(cleaned),
        },
    )
    return review


def _defect(review, description, deadline) -> Defect:
    ensure(deadline is not None, _("请填写整改期限"), code="required")
    ensure(deadline >= review.date, _("整改期限不能早于评审日期"), code="date_order")
    d = Defect(review=review, description=_text(description, _("问题"), 200), deadline=deadline)
    _clean_save(d)
    return d


@transaction.atomic
def defect_add(*, actor, review: AcceptanceReview, description: str, deadline) -> Defect:
    require(actor, "implementation.record_review", review.project, _("您无权登记整改问题"))
    d = _defect(review, description, deadline)
    audit_record(
        actor=actor,
        action="implementation.defect_add",
        obj=d,
        after={"review": review.pk, "description": d.description, "deadline": deadline},
    )
    return d


@transaction.atomic
def defect_close(*, actor, defect: Defect, note: str) -> Defect:
    defect = Defect.objects.select_for_update().select_related("review__project").get(pk=defect.pk)
    require(
        actor,
        "implementation.close_defect",
        defect.review.project,
        _("只有居委会或项目工作组（居民一方）可以确认整改完成"),
    )
    ensure(defect.closed_at is None, _("该问题已整改完成"), status=409)
    defect.closure_note = _text(note, _("整改说明"), 500)
    defect.closed_at = timezone.now()
    defect.closed_by = actor
    _clean_save(defect)
    audit_record(
        actor=actor,
        action="implementation.defect_close",
        obj=defect,
        after={"note": defect.closure_note},
    )
    return defect


def required_parties(project: Project) -> list[str]:
    """Who must sign acceptance: committee, planner, contractor, and the owners' committee
    where one of the project's compounds has one."""
    from linli.accounts.models import RoleAssignment

    parties = [SignParty.COMMITTEE]
    compound_ids = list(project.compounds.values_list("pk", flat=True))
    if (
        compound_ids
        and RoleAssignment.objects.filter(
            role=Role.OWNERS_COMMITTEE, compound_id__in=compound_ids
        ).exists()
    ):
        parties.append(SignParty.OWNERS_COMMITTEE)
    parties += [SignParty.PLANNER, SignParty.CONTRACTOR]
    return parties


def may_sign_as(user, project: Project, party: str) -> bool:
    s = scopes_for(user)
    roles = impl_rules.group_roles(user, project)
    if party == SignParty.COMMITTEE:
        return (
            Role.COMMITTEE_STAFF in s.roles and project.committee_id in s.managed_committee_ids
        ) or "committee" in roles
    if party == SignParty.OWNERS_COMMITTEE:
        return bool(impl_rules.owners_committee_of_project(user, project))
    if party == SignParty.PLANNER:
        return bool(impl_rules.planner_of_project(user, project))
    if party == SignParty.CONTRACTOR:
        return "contractor" in roles
    return False


@transaction.atomic
def signoff_sign(*, actor, project: Project, party: str, opinion: str) -> Signoff:
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure(party in SignParty.values, _("签署方不存在"), code="party")
    label = SignParty(party).label
    if not may_sign_as(actor, project, party):
        raise ScopeError(
            _("您不是本项目的%(label)s代表，不能以%(label)s名义签署验收") % {"label": label}
        )
    ensure(
        party in required_parties(project),
        _("本项目不需要%(label)s签署验收") % {"label": label},
        code="party",
    )
    ensure(
        project.stage == Stage.ACCEPTANCE,
        _("项目进入“验收与运维”阶段后才能签署验收"),
        code="stage",
        status=409,
    )
    ensure(
        not Signoff.objects.filter(project=project, party=party).exists(),
        _("%(label)s已经签署过验收") % {"label": label},
        code="duplicate",
        status=409,
    )
    sign = Signoff(
        project=project, party=party, user=actor, opinion=_text(opinion, _("验收意见"), 500)
    )
    try:
        with transaction.atomic():
            _clean_save(sign)
    except IntegrityError as exc:  # a concurrent signature of the same party
        raise ServiceError(
            _("%(label)s已经签署过验收") % {"label": label}, code="duplicate", status=409
        ) from exc
    audit_record(
        actor=actor,
        action="implementation.signoff",
        obj=sign,
        after={"project": project.pk, "party": party, "opinion": sign.opinion},
    )
    return sign


@transaction.atomic
def walk_record(
    *, actor, project: Project, date, participants: int, opinions: str, satisfied: bool = True
) -> AcceptanceWalk:
    require(actor, "implementation.manage", project, _("您无权登记居民踏勘验收"))
    ensure(date is not None, _("请填写日期"), code="required")
    _not_future(date, _("踏勘日期"))
    ensure(
        isinstance(participants, int) and 1 <= participants <= 10000,
        _("参加人数应在1到10000之间"),
        code="participants",
    )
    walk = AcceptanceWalk(
        project=project,
        date=date,
        participants=participants,
        opinions=_text(opinions, _("居民意见"), 2000),
        satisfied=bool(satisfied),
        recorded_by=actor,
    )
    _clean_save(walk)
    audit_record(
        actor=actor,
        action="implementation.walk_record",
        obj=walk,
        after={"project": project.pk, "participants": participants, "satisfied": satisfied},
    )
    return walk


# ---------------------------------------------------------------- O&M


@transaction.atomic
def team_create(
    *, actor, committee, name: str, kind: str, project: Project | None = None
) -> VolunteerTeam:
    require(actor, "places.manage_committee", committee, _("您无权在该居委会组建志愿团队"))
    ensure(kind in TeamKind.values, _("团队类型不存在"), code="kind")
    ensure(project is None or project.committee_id == committee.pk, _("所选项目不属于该居委会"))
    name = _text(name, _("团队名称"), 40)
    ensure(
        not VolunteerTeam.objects.filter(committee=committee, name=name).exists(),
        _("本居委会已有名为“%(name)s”的团队") % {"name": name},
        code="duplicate",
        status=409,
    )
    team = VolunteerTeam(
        committee=committee, project=project, name=name, kind=kind, created_by=actor
    )
    _clean_save(team)
    audit_record(
        actor=actor,
        action="implementation.team_create",
        obj=team,
        after={"committee": committee.pk, "name": name, "kind": kind},
    )
    return team


@transaction.atomic
def team_member_add(*, actor, team: VolunteerTeam, user, is_leader: bool = False) -> TeamMember:
    require(actor, "implementation.manage_team", team, _("您无权调整该团队成员"))
    ensure(user is not None, _("用户不存在"), code="user")
    ensure(
        team.committee_id in scopes_for(user).visible_committee_ids,
        _("%(name)s不是本社区登记的居民，不能加入%(name2)s")
        % {"name": user.name, "name2": team.name},
        code="not_member",
    )
    ensure(
        not TeamMember.objects.filter(team=team, user=user).exists(),
        _("%(name)s已是%(name2)s成员") % {"name": user.name, "name2": team.name},
        code="duplicate",
        status=409,
    )
    member = TeamMember(team=team, user=user, is_leader=bool(is_leader))
    _clean_save(member)
    audit_record(
        actor=actor,
        action="implementation.team_member_add",
        obj=member,
        after={"team": team.pk, "user": user.pk, "leader": bool(is_leader)},
    )
    return member


@transaction.atomic
def rota_set(
    *, actor, team: VolunteerTeam, member: TeamMember, date: datetime.date, shift: str
) -> DutySlot:
    require(actor, "implementation.set_rota", team, _("只有居委会或队长可以排班"))
    ensure(
        member is not None and member.team_id == team.pk, _("所选队员不属于该团队"), code="member"
    )
    ensure(shift in Shift.values, _("班次不存在"), code="shift")
    ensure(date is not None, _("请填写日期"), code="required")
    slot, created = DutySlot.objects.get_or_create(team=team, member=member, date=date, shift=shift)
    if created:
        audit_record(
            actor=actor,
            action="implementation.rota_set",
            obj=slot,
            after={"team": team.pk, "member": member.user_id, "date": date, "shift": shift},
        )
    return slot


@transaction.atomic
def patrol_site_add(
    *, actor, project: Project, team: VolunteerTeam, name: str, checklist: str
) -> PatrolSite:
    require(actor, "implementation.manage", project, _("您无权设置巡查点"))
    ensure(
        team is not None and team.committee_id == project.committee_id,
        _("巡查团队与项目不属于同一居委会"),
        code="team",
    )
    name = _text(name, _("巡查点名称"), 40)
    ensure(
        not PatrolSite.objects.filter(project=project, name=name).exists(),
        _("本项目已有名为“%(name)s”的巡查点") % {"name": name},
        status=409,
    )
    site = PatrolSite(
        project=project, team=team, name=name, checklist=_text(checklist, _("检查项目"), 1000)
    )
    _clean_save(site)
    audit_record(
        actor=actor,
        action="implementation.patrol_site_add",
        obj=site,
        after={"project": project.pk, "team": team.pk, "name": name},
    )
    return site


def current_shift(now: datetime.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return Shift.MORNING if now.hour < 14 else Shift.EVENING


@transaction.atomic
def patrol_check_in(
    *,
    actor,
    site: PatrolSite,
    checked: list[str] | None = None,
    problem: str = "",
    photo=None,
    at: datetime.datetime | None = None,
) -> tuple[PatrolRecord, bool]:
    """A volunteer checks in at a site (scanned QR). Idempotent per site, volunteer, day and
    shift: a second check-in returns the first record (``created`` is False)."""
    site = PatrolSite.objects.select_related("team", "project").get(pk=site.pk)
    ensure(getattr(actor, "is_authenticated", False), _("请先登录"), status=401)
    member_of = TeamMember.objects.filter(user=actor).select_related("team")
    if not member_of.exists():
        raise ScopeError(_("您不是志愿巡查队员，不能登记巡查"))
    if not member_of.filter(team__committee_id=site.project.committee_id).exists():
        raise ScopeError(_("该巡查点属于其他居委会，您不能为其登记巡查"))
    if not actor.has_perm("implementation.patrol", site.team):
        raise ScopeError(_("该巡查点由%(name)s负责，您不是该团队成员") % {"name": site.team.name})
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    shift = current_shift(at)
    existing = PatrolRecord.objects.filter(
        site=site, patroller=actor, date=day, shift=shift
    ).first()
    if existing is not None:
        return existing, False
    items = site.items
    checked = [c for c in (checked or []) if c]
    ensure(all(c in items for c in checked), _("检查项目不在该巡查点的清单中"), code="checklist")
    cleaned = clean_photo(photo) if photo else None
    record = PatrolRecord(
        site=site,
        patroller=actor,
        date=day,
        shift=shift,
        at=at,
        checked=checked,
        problem=_text(problem, _("发现的问题"), 500, required=False),
    )
    if cleaned is not None:
        record.photo.save(cleaned.content.name, cleaned.content, save=False)
    try:
        with transaction.atomic():
            _clean_save(record, exclude=["photo"] if cleaned is None else None)
    except (IntegrityError, ServiceError):
        again = PatrolRecord.objects.filter(
            site=site, patroller=actor, date=day, shift=shift
        ).first()
        if again is None:
            raise
        return again, False
    audit_record(
        actor=actor,
        action="implementation.patrol",
        obj=record,
        after={
            "site": site.pk,
            "date": day,
            "shift": shift,
            "checked": len(checked),
            "problem": record.problem,
        },
    )
    return record, True


@transaction.atomic
def arrangement_set(
    *,
    actor,
    project: Project,
    kind: str,
    keeper: str,
    team: VolunteerTeam | None = None,
    money: str = "",
    since: datetime.date | None = None,
) -> Arrangement:
    require(actor, "implementation.manage", project, _("您无权确定运维安排"))
    ensure(kind in Arrangement.Kind.values, _("运维方式不存在"), code="kind")
    if kind == Arrangement.Kind.VOLUNTEER:
        ensure(team is not None, _("志愿团队运维请选择负责的团队"), code="team")
    if team is not None:
        ensure(team.committee_id == project.committee_id, _("所选团队不属于本居委会"), code="team")
    keeper = _text(keeper or (team.name if team else ""), _("运维责任方"), 80)
    arr = Arrangement.objects.filter(project=project).first()
    before = {"kind": arr.kind, "keeper": arr.keeper} if arr else None
    arr = arr or Arrangement(project=project)
    arr.kind, arr.keeper, arr.team = kind, keeper, team
    arr.money = _text(money, _("运维资金"), 1000, required=False)
    arr.since = since or timezone.localdate()
    arr.recorded_by = actor
    arr.recorded_at = timezone.now()
    _clean_save(arr)
    audit_record(
        actor=actor,
        action="implementation.arrangement_set",
        obj=arr,
        before=before,
        after={"kind": kind, "keeper": keeper, "team": team.pk if team else None},
    )
    return arr


def _household_of(user, project: Project):
    from linli.places.models import Household

    flats = scopes_for(user).resident_flat_ids
    return (
        Household.objects.filter(
            flat_id__in=flats, flat__building__compound__committee_id=project.committee_id
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def adoption_add(
    *, actor, project: Project, plot: str, household=None, team: VolunteerTeam | None = None
) -> Adoption:
    """A household adopts a plot: the resident for their own household, or staff for any."""
    manages = actor.has_perm("implementation.manage", project)
    if household is None:
        household = _household_of(actor, project)
        ensure(household is not None, _("您不是本社区登记的住户，不能认养"), code="household")
    elif not manages:
        ensure(
            household.flat_id in scopes_for(actor).resident_flat_ids,
            _("只能为自己的家庭认养"),
            code="household",
            status=403,
        )
    from linli.places.hierarchy import committee_id_of

    ensure(committee_id_of(household) == project.committee_id, _("该住户不属于本项目所在居委会"))
    if not manages:
        require(actor, "implementation.give_feedback", project, _("只有本社区的居民可以认养"))
    if team is not None:
        ensure(team.committee_id == project.committee_id, _("所选团队不属于本居委会"), code="team")
    plot = _text(plot, _("认养对象"), 40)
    taken = Adoption.objects.filter(project=project, plot=plot, ended_on__isnull=True).first()
    ensure(
        taken is None,
        _("“%(plot)s”已由%(value)s认养")
        % {"plot": plot, "value": taken.household if taken else ""},
        status=409,
    )
    adoption = Adoption(
        project=project, plot=plot, household=household, team=team, recorded_by=actor
    )
    _clean_save(adoption)
    audit_record(
        actor=actor,
        action="implementation.adoption_add",
        obj=adoption,
        after={"project": project.pk, "plot": plot, "household": household.pk},
    )
    return adoption


def _route_for(project: Project) -> str:
    from linli.accounts.models import RoleAssignment

    has_property = RoleAssignment.objects.filter(
        role=Role.PROPERTY_COMPANY, compound__in=project.compounds.all()
    ).exists()
    return Ticket.Route.PROPERTY if has_property else Ticket.Route.COMMITTEE


@transaction.atomic
def ticket_report(
    *,
    actor,
    project: Project,
    place: str,
    description: str,
    photo=None,
    plan_x=None,
    plan_y=None,
) -> Ticket:
    ensure(getattr(actor, "is_authenticated", False), _("请先登录"), status=401)
    require(actor, "implementation.report_fault", project, _("只有本社区的居民可以报修"))
    ensure(
        (plan_x is None) == (plan_y is None), _("平面图位置需同时给出横、纵坐标"), code="position"
    )
    cleaned = clean_photo(photo) if photo else None
    ticket = Ticket(
        project=project,
        reporter=actor,
        place=_text(place, _("位置"), 60),
        description=_text(description, _("问题描述"), 1000),
        plan_x=plan_x,
        plan_y=plan_y,
        route=_route_for(project),
    )
    if cleaned is not None:
        ticket.photo.save(cleaned.content.name, cleaned.content, save=False)
    _clean_save(ticket, exclude=["photo"] if cleaned is None else None)
    audit_record(
        actor=actor,
        action="implementation.ticket_report",
        obj=ticket,
        after={"project": project.pk, "place": ticket.place, "route": ticket.route},
    )
    return ticket


def _lock_ticket(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("project").get(pk=ticket.pk)
    )


def may_handle(user, ticket: Ticket) -> bool:
    if ticket.route == Ticket.Route.PROPERTY:
        return bool(impl_rules.property_company_of_project(user, ticket.project)) or bool(
            impl_rules.manages_project(user, ticket.project)
        )
    return bool(impl_rules.manages_project(user, ticket.project))


@transaction.atomic
def ticket_route(*, actor, ticket: Ticket, route: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    require(actor, "implementation.manage", ticket.project, _("只有居委会可以改派工单"))
    ensure(route in Ticket.Route.values, _("处理方不存在"))
    ensure(ticket.status != Ticket.Status.CLOSED, _("工单已关闭"), status=409)
    before = ticket.route
    ticket.route = route
    _clean_save(ticket)
    audit_record(
        actor=actor,
        action="implementation.ticket_route",
        obj=ticket,
        before={"route": before},
        after={"route": route},
    )
    from linli.notifications.delivery import notify

    notify("ticket_updated", actor=actor, ticket_id=ticket.pk, change="route")
    return ticket


@transaction.atomic
def ticket_respond(*, actor, ticket: Ticket, note: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    if not may_handle(actor, ticket):
        raise ScopeError(
            _("该工单由%(get_route_display)s处理，您无权响应")
            % {"get_route_display": ticket.get_route_display()}
        )
    ensure(ticket.status == Ticket.Status.OPEN, _("该工单已经响应过"), status=409)
    ticket.status = Ticket.Status.RESPONDED
    ticket.handler = actor
    ticket.responded_at = timezone.now()
    ticket.response = _text(note, _("响应说明"), 500)
    _clean_save(ticket, exclude=["photo"])
    audit_record(
        actor=actor,
        action="implementation.ticket_respond",
        obj=ticket,
        after={"status": ticket.status, "response": ticket.response},
    )
    from linli.notifications.delivery import notify

    notify("ticket_updated", actor=actor, ticket_id=ticket.pk, change="responded")
    return ticket


@transaction.atomic
def ticket_resolve(*, actor, ticket: Ticket, resolution: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    if not may_handle(actor, ticket):
        raise ScopeError(
            _("该工单由%(get_route_display)s处理，您无权处理")
            % {"get_route_display": ticket.get_route_display()}
        )
    ensure(
        ticket.status in (Ticket.Status.OPEN, Ticket.Status.RESPONDED),
        _("工单已处理或已关闭"),
        status=409,
    )
    now = timezone.now()
    if ticket.responded_at is None:
        ticket.responded_at = now
    ticket.handler = ticket.handler or actor
    ticket.status = Ticket.Status.RESOLVED
    ticket.resolved_at = now
    ticket.resolution = _text(resolution, _("处理结果"), 500)
    _clean_save(ticket, exclude=["photo"])
    audit_record(
        actor=actor,
        action="implementation.ticket_resolve",
        obj=ticket,
        after={"status": ticket.status, "resolution": ticket.resolution},
    )
    from linli.notifications.delivery import notify

    notify("ticket_updated", actor=actor, ticket_id=ticket.pk, change="resolved")
    return ticket


CONFIRM_DAYS = 7


@transaction.atomic
def ticket_close(*, actor, ticket: Ticket, now: datetime.datetime | None = None) -> Ticket:
    """The reporter confirms the fix and closes; the handler may close a resolved ticket the
    reporter has not confirmed within 7 days. Nobody else may close."""
    ticket = _lock_ticket(ticket)
    now = now or timezone.now()
    is_reporter = actor is not None and actor.pk == ticket.reporter_id
    is_handler = (
        actor is not None and ticket.handler_id is not None and actor.pk == ticket.handler_id
    )
    if not (is_reporter or is_handler):
        raise ScopeError(_("只有报修人或处理人可以关闭工单"))
    ensure(ticket.status != Ticket.Status.CLOSED, _("工单已关闭"), status=409)
    if is_reporter:
        ensure(
            ticket.status == Ticket.Status.RESOLVED,
            _("工单尚未处理完成，处理人登记处理结果后才能确认关闭"),
            status=409,
        )
    else:
        ensure(ticket.status == Ticket.Status.RESOLVED, _("请先登记处理结果"), status=409)
        ensure(
            now - ticket.resolved_at >= datetime.timedelta(days=CONFIRM_DAYS),
            _("请等待报修人确认；处理完成%(CONFIRM_DAYS)s天后报修人仍未确认的，处理人才能关闭")
            % {"CONFIRM_DAYS": CONFIRM_DAYS},
            status=409,
        )
    ticket.status = Ticket.Status.CLOSED
    ticket.closed_at = now
    ticket.closed_by = actor
    ticket.confirmed_by_reporter = is_reporter
    _clean_save(ticket, exclude=["photo"])
    audit_record(
        actor=actor,
        action="implementation.ticket_close",
        obj=ticket,
        after={"confirmed_by_reporter": is_reporter},
    )
    from linli.notifications.delivery import notify

    notify("ticket_updated", actor=actor, ticket_id=ticket.pk, change="closed")
    return ticket
