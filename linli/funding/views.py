"""Money pages: the books (会计/出纳/监事), who has paid, the public page, BOT, exports."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.scopes import scopes_for
from linli.core.actions import run_service
from linli.core.documents import XLSX, download
from linli.core.errors import ScopeError, ServiceError
from linli.core.money import yuan_to_fen
from linli.core.permissions import get_visible, require
from linli.funding import exports, selectors, services
from linli.funding.models import (
    Attachment,
    BotContract,
    Contribution,
    CostItem,
    Duty,
    FundingDuty,
    FundingPlan,
    FundingSource,
    JournalEntry,
    Receipt,
    SourceKind,
    SourceStatus,
)
from linli.places.models import Building, Household
from linli.places.ordering import grouped_buildings
from linli.projects.selectors import projects_visible_to
from linli.voting.models import VoteResult


def _project(request, project_id):
    return get_visible(projects_visible_to(request.user), pk=project_id)


def _plan(request, project_id) -> FundingPlan:
    return get_visible(selectors.plans_visible_to(request.user), project_id=project_id)


def _back(project_id, anchor=""):
    return redirect(reverse("funding:plan", args=[project_id]) + anchor)


def _act(request, project_id: int, action, ok: str, anchor: str = ""):
    """Run one service from the books page: a refusal shows the same page again with the
    Chinese reason and the refusal's 4xx (nothing was written: the service runs in one
    transaction); success goes back to the page, at ``anchor``."""
    return run_service(
        request,
        action,
        success=ok,
        redirect_to=reverse("funding:plan", args=[project_id]) + anchor,
        render_refusal=lambda status: _plan_page(request, project_id, status),
    )


def _act_contributions(request, project_id: int, action, ok: str):
    """The same for the buttons of the contributions page."""
    return run_service(
        request,
        action,
        success=ok,
        redirect_to=reverse("funding:contributions", args=[project_id]),
        render_refusal=lambda status: _contributions_page(request, project_id, status),
    )


@login_required
def plan(request, project_id: int):
    return _plan_page(request, project_id)


def _plan_page(request, project_id: int, status: int = 200):
    project = _project(request, project_id)
    user = request.user
    if not user.has_perm("funding.view_books", project):
        if user.has_perm("funding.view_public", project):
            return redirect("funding:public", project_id=project.pk)
        raise ScopeError(_("您无权查看该项目的账目"))
    plan = FundingPlan.objects.filter(project=project).first()
    ctx = {"project": project, "plan": plan}
    if plan is not None:
        entries = list(
            plan.entries.select_related(
                "recorded_by", "confirmed_by", "reviewed_by", "source", "item"
            )
            .prefetch_related("attachments", "lines")
            .order_by("-id")[:200]
        )
        for e in entries:
            e.amount_fen = sum(line.amount_fen for line in e.lines.all() if line.amount_fen > 0)
            e.can_confirm = (
                e.posted_at is None
                and user.has_perm("funding.confirm_entry", plan)
                and e.recorded_by_id != user.pk
            )
            e.can_review = (
                e.posted_at is not None
                and e.reviewed_at is None
                and user.has_perm("funding.review_entry", plan)
                and user.pk not in (e.recorded_by_id, e.confirmed_by_id)
            )
        ctx.update(
            coverage=selectors.plan_coverage(plan),
            items=list(plan.items.all()),
            entries=entries,
            can_record=user.has_perm("funding.record_entry", plan),
            can_confirm=user.has_perm("funding.confirm_entry", plan),
            can_review=user.has_perm("funding.review_entry", plan),
            can_manage=user.has_perm("funding.manage_plan", plan),
            kinds=SourceKind.choices,
            statuses=SourceStatus.choices,
            attachment_kinds=Attachment.Kind.choices,
            residents_sources=list(plan.sources.filter(kind=SourceKind.RESIDENTS)),
            duties=list(
                FundingDuty.objects.filter(committee_id=project.committee_id)
                .filter(Q(project=project) | Q(project__isnull=True))
                .select_related("user")
            ),
            duty_choices=Duty.choices,
            owner_decisions=list(
                VoteResult.objects.filter(
                    vote__committee_id=project.committee_id, vote__kind="owners"
                )
                .select_related("vote")
                .order_by("-vote__closes_at")[:50]
            ),
            upcoming=selectors.upcoming_bot_boundaries(user, within_days=120),
        )
    else:
        ctx["can_manage"] = user.has_perm("funding.manage_plan", project)
    return render(request, "funding/plan.html", ctx, status=status)


@login_required
@require_POST
def plan_open(request, project_id: int):
    project = _project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.plan_open(actor=request.user, project=project),
        _("已建立筹资方案"),
    )


@login_required
@require_POST
def item_add(request, project_id: int):
    plan = _plan(request, project_id)
    p = request.POST
    return _act(
        request,
        project_id,
        lambda: services.cost_item_add(
            actor=request.user,
            plan=plan,
            name=p.get("name", ""),
            amount_fen=yuan_to_fen(p.get("amount", "")),
            note=p.get("note", ""),
        ),
        _("已添加费用项目"),
        "#items",
    )


@login_required
@require_POST
def source_add(request, project_id: int):
    plan = _plan(request, project_id)
    p = request.POST

    def run():
        matches = vote_result = None
        # "matches_source", not "matches": a form field named "matches" shadows the DOM's
        # form.matches() and breaks htmx on the page.
        if p.get("matches_source"):
            matches = get_visible(plan.sources.all(), pk=p["matches_source"])
        if p.get("vote_result"):
            vote_result = get_visible(
                VoteResult.objects.filter(vote__committee_id=plan.project.committee_id),
                pk=p["vote_result"],
            )
        services.source_add(
            actor=request.user,
            plan=plan,
            kind=p.get("kind", ""),
            name=p.get("name", ""),
            amount_fen=yuan_to_fen(p.get("amount") or "0"),
            conditions=p.get("conditions", ""),
            status=p.get("status") or SourceStatus.PLEDGED,
            matches=matches,
            match_ratio=p.get("match_ratio") or (1 if matches else None),
            percent_of_cost=p.get("percent") or None,
            vote_result=vote_result,
        )

    return _act(request, project_id, run, _("已添加资金来源"), "#sources")


@login_required
@require_POST
def source_status(request, source_id: int):
    source = get_visible(selectors.sources_visible_to(request.user), pk=source_id)
    return _act(
        request,
        source.plan.project_id,
        lambda: services.source_set_status(
            actor=request.user, source=source, status=request.POST.get("status", "")
        ),
        _("已更新资金来源状态"),
        "#sources",
    )


@login_required
@require_POST
def receipt_add(request, project_id: int):
    plan = _plan(request, project_id)
    p = request.POST

    def run():
        source = get_visible(plan.sources.all(), pk=p.get("source"))
        services.receipt_record(
            actor=request.user,
            source=source,
            amount_fen=yuan_to_fen(p.get("amount", "")),
            memo=p.get("memo", ""),
        )

    return _act(request, project_id, run, _("已记录收款，待出纳确认"), "#entries")


@login_required
@require_POST
def spending_add(request, project_id: int):
    plan = _plan(request, project_id)
    p = request.POST

    def run():
        source = get_visible(plan.sources.all(), pk=p.get("source"))
        item = get_visible(CostItem.objects.filter(plan=plan), pk=p.get("item"))
        services.spending_record(
            actor=request.user,
            item=item,
            source=source,
            amount_fen=yuan_to_fen(p.get("amount", "")),
            memo=p.get("memo", ""),
        )

    return _act(request, project_id, run, _("已记录支出，待出纳确认"), "#entries")


def _entry(request, entry_id) -> JournalEntry:
    return get_visible(selectors.entries_visible_to(request.user), pk=entry_id)


def _contribution(request, contribution_id) -> Contribution:
    return get_visible(
        Contribution.objects.filter(
            source__plan__project__committee_id__in=scopes_for(request.user).visible_committee_ids
        ).select_related("source__plan"),
        pk=contribution_id,
    )


@login_required
@require_POST
def entry_confirm(request, entry_id: int):
    entry = _entry(request, entry_id)
    return _act(
        request,
        entry.plan.project_id,
        lambda: services.entry_confirm(actor=request.user, entry=entry),
        _("凭证 %(number)s 已确认入账") % {"number": entry.number},
        "#entries",
    )


@login_required
@require_POST
def entry_review(request, entry_id: int):
    entry = _entry(request, entry_id)
    return _act(
        request,
        entry.plan.project_id,
        lambda: services.entry_review(
            actor=request.user, entry=entry, note=request.POST.get("note", "")
        ),
        _("凭证 %(number)s 已审核") % {"number": entry.number},
        "#entries",
    )


@login_required
@require_POST
def entry_reverse(request, entry_id: int):
    entry = _entry(request, entry_id)
    return _act(
        request,
        entry.plan.project_id,
        lambda: services.entry_reverse(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        ),
        _("已为凭证 %(number)s 做冲正，待出纳确认") % {"number": entry.number},
        "#entries",
    )


@login_required
@require_POST
def attachment_add(request, entry_id: int):
    entry = _entry(request, entry_id)

    def run():
        f = request.FILES.get("file")
        if f is None:
            raise ServiceError(_("请选择要上传的文件"))
        services.attachment_add(
            actor=request.user, entry=entry, kind=request.POST.get("kind", "other"), file=f
        )

    return _act(request, entry.plan.project_id, run, _("附件已上传"), "#entries")


@login_required
def attachment_download(request, entry_id: int, attachment_id: int):
    """Invoices, contracts and receipt photos: for those who keep or manage the books."""
    from django.http import FileResponse

    entry = _entry(request, entry_id)
    require(
        request.user, "funding.view_books", entry.plan, _("只有居委会和账目经办人可以查看凭证附件")
    )
    attachment = get_object_or_404(entry.attachments, pk=attachment_id)
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=False, filename=name)


@login_required
def contributions(request, project_id: int):
    return _contributions_page(request, project_id)


def _contributions_page(request, project_id: int, status: int = 200):
    plan = _plan(request, project_id)
    require(
        request.user,
        "funding.view_contributions",
        plan,
        _("只有本楼工作小组和居委会可以查看缴款情况"),
    )
    return render(
        request,
        "funding/contributions.html",
        {
            "project": plan.project,
            "plan": plan,
            "reconciliation": selectors.reconciliation(plan),
            "buildings": grouped_buildings(selectors.split_buildings(plan)),
            "can_record": request.user.has_perm("funding.record_entry", plan),
            "can_manage": request.user.has_perm("funding.manage_plan", plan),
        },
        status=status,
    )


@login_required
@require_POST
def contribution_pay(request, source_id: int):
    source = get_visible(selectors.sources_visible_to(request.user), pk=source_id)
    household = get_visible(Household.objects.all(), pk=request.POST.get("household"))
    return _act_contributions(
        request,
        source.plan.project_id,
        lambda: services.contribution_receive(
            actor=request.user,
            source=source,
            household=household,
            amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        ),
        _("已登记缴款并开具收据，待出纳确认"),
    )


@login_required
@require_POST
def contributions_split(request, source_id: int):
    source = get_visible(selectors.sources_visible_to(request.user), pk=source_id)
    return _act_contributions(
        request,
        source.plan.project_id,
        lambda: services.contributions_split(
            actor=request.user,
            source=source,
            total_fen=yuan_to_fen(request.POST.get("total", "")),
            method=request.POST.get("method", "equal"),
            floor_coefficients=_coefficients(request.POST.get("coefficients", "")),
            exempt_floors={1} if request.POST.get("exempt_ground") else set(),
            buildings=list(
                Building.objects.filter(
                    pk__in=[b for b in request.POST.getlist("buildings") if b.isdigit()][:200],
                    compound__committee_id=source.plan.project.committee_id,
                )
            ),
        ),
        _("已按规则计算各户应摊金额"),
    )


def _coefficients(text: str) -> dict[int, Decimal]:
    """ "2:1, 3:1.2, 4:1.5" → {2: 1, 3: 1.2, 4: 1.5} (floor: coefficient)."""
    out: dict[int, Decimal] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        try:
            floor, coeff = part.replace("：", ":").split(":")
            out[int(floor)] = Decimal(coeff.strip())
        except (ValueError, InvalidOperation) as exc:
            raise ServiceError(
                _("楼层系数格式不正确：%(part)s（应为 楼层:系数）") % {"part": part}
            ) from exc
    return out


@login_required
def receipt_pdf(request, receipt_id: int):
    receipt = get_visible(
        Receipt.objects.filter(
            contribution__source__plan__project__committee_id__in=scopes_for(
                request.user
            ).visible_committee_ids
        ).select_related(
            "contribution__source__plan__project",
            "contribution__household__flat__building",
            "entry",
        ),
        pk=receipt_id,
    )
    plan = receipt.contribution.source.plan
    if not (
        request.user.has_perm("funding.view_contributions", plan)
        or receipt.contribution.household.flat_id in scopes_for(request.user).resident_flat_ids
    ):
        raise ScopeError(_("您无权查看该收据"))
    pdf = exports.receipt_pdf_bytes(receipt)
    return download(pdf, f"receipt-{receipt.number}.pdf")


@login_required
def public(request, project_id: int):
    """The residents' page: income by source, spending by item, balance."""
    project = _project(request, project_id)
    require(request.user, "funding.view_public", project)
    plan = FundingPlan.objects.filter(project=project).first()
    ctx = {"project": project, "plan": plan}
    if plan:
        ctx["t"] = selectors.transparency(plan)
        ctx["coverage"] = selectors.plan_coverage(plan)
        ctx["can_books"] = request.user.has_perm("funding.view_books", project)
    return render(request, "funding/public.html", ctx)


@login_required
def report_xlsx(request, project_id: int):
    plan = _plan(request, project_id)
    require(request.user, "funding.view_books", plan.project)
    start, end = _period(request)
    data = exports.report_xlsx_bytes(plan, start, end)
    return download(data, f"funding-{plan.project_id}.xlsx", content_type=XLSX, as_attachment=True)


def _period(request):
    today = datetime.date.today()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = datetime.date(2000, 1, 1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, end


@login_required
def statement(request, project_id: int):
    plan = _plan(request, project_id)
    require(request.user, "funding.view_books", plan.project)
    start, end = _period(request)
    return render(
        request,
        "funding/statement.html",
        {"project": plan.project, "plan": plan, "s": selectors.statement(plan, start, end)},
    )


@login_required
def bot(request, project_id: int):
    return _bot_page(request, project_id)


def _bot_page(request, project_id: int, status: int = 200):
    project = _project(request, project_id)
    require(request.user, "funding.view_public", project)
    contract = BotContract.objects.filter(project=project).first()
    ctx = {
        "project": project,
        "contract": contract,
        "can_manage": request.user.has_perm("funding.manage_bot", project),
    }
    if contract:
        projection = selectors.bot_projection(contract)
        ctx.update(
            projection=projection,
            rows=selectors.bot_actual_vs_projection(contract),
            boundaries=selectors.bot_boundaries(contract),
            upcoming=[
                b
                for b in selectors.upcoming_bot_boundaries(request.user, within_days=120)
                if b["contract"].pk == contract.pk
            ],
            fees=list(contract.fees.all()),
        )
    return render(request, "funding/bot.html", ctx, status=status)


@login_required
@require_POST
def bot_revenue(request, project_id: int):
    project = _project(request, project_id)
    contract = get_visible(BotContract.objects.filter(project=project))
    p = request.POST

    def run():
        try:
            year = int(p.get("year", ""))
        except ValueError as exc:
            raise ServiceError(_("请填写合同年度")) from exc
        services.bot_revenue_record(
            actor=request.user,
            contract=contract,
            year=year,
            revenue_fen=yuan_to_fen(p.get("revenue", "")),
            cost_fen=yuan_to_fen(p.get("cost") or "0"),
        )

    return run_service(
        request,
        run,
        success=_("已登记实际收入"),
        redirect_to=reverse("funding:bot", args=[project.pk]),
        render_refusal=lambda status: _bot_page(request, project.pk, status),
    )


__all__ = ["FundingSource"]


@login_required
@require_POST
def duty_assign(request, project_id: int):
    from linli.accounts.models import User

    project = _project(request, project_id)

    def run():
        mobile = (request.POST.get("mobile") or "").strip()
        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            raise ServiceError(_("找不到手机号为 %(mobile)s 的账号") % {"mobile": mobile})
        services.duty_assign(
            actor=request.user, user=user, project=project, duty=request.POST.get("duty", "")
        )

    return _act(request, project.pk, run, _("已指定财务职责"), "#duties")


@login_required
@require_POST
def contribution_refund(request, contribution_id: int):
    contribution = _contribution(request, contribution_id)
    return _act_contributions(
        request,
        contribution.source.plan.project_id,
        lambda: services.contribution_refund(
            actor=request.user,
            contribution=contribution,
            amount_fen=yuan_to_fen(request.POST.get("amount", "")),
            reason=request.POST.get("reason", ""),
        ),
        _("已登记退款，待出纳确认"),
    )


@login_required
def committee(request, committee_id: int):
    """Balance by project for a committee, for everyone who sees it."""
    from linli.places.selectors import committees_visible_to

    c = get_visible(committees_visible_to(request.user), pk=committee_id)
    require(request.user, "funding.view_public", c)
    rows = selectors.committee_balances(request.user, c)
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("cost_fen", "income_fen", "spending_fen", "balance_fen")
    }
    return render(
        request, "funding/committee.html", {"committee": c, "rows": rows, "totals": totals}
    )


@login_required
@require_POST
def contribution_pledge(request, contribution_id: int):
    contribution = _contribution(request, contribution_id)
    return _act_contributions(
        request,
        contribution.source.plan.project_id,
        lambda: services.contribution_pledge(
            actor=request.user,
            contribution=contribution,
            amount_fen=yuan_to_fen(request.POST.get("amount", "")),
        ),
        _("已登记认缴"),
    )
