"""Funding's part of the project spine: its section on the project page, its guard, to-dos."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.projects.models import Stage
from linli.projects.registry import (
    ProjectSection,
    SectionItem,
    StageApp,
    StageGuard,
    Todo,
    met,
    missing,
)


def implementation_needs_funding(project):
    """No implementation until approved sources cover the estimated cost."""
    from linli.core.money import fen_to_yuan
    from linli.funding.models import FundingPlan
    from linli.funding.selectors import plan_coverage

    link = reverse("funding:plan", args=[project.pk])
    plan = FundingPlan.objects.filter(project_id=project.pk).first()
    if plan is None:
        return missing(_("尚未制定筹资方案，不能进入实施阶段"), link, _("居委会工作人员"))
    cov = plan_coverage(plan)
    if cov.cost_fen <= 0:
        return missing(_("筹资方案尚无费用估算，不能进入实施阶段"), link, _("居委会工作人员"))
    if cov.approved_fen < cov.cost_fen:
        return missing(
            _(
                "已批准的资金 %(approved)s 元不足以覆盖项目费用 %(cost)s 元（缺口 %(gap)s 元），"
                "不能进入实施阶段"
            )
            % {
                "approved": fen_to_yuan(cov.approved_fen),
                "cost": fen_to_yuan(cov.cost_fen),
                "gap": fen_to_yuan(cov.cost_fen - cov.approved_fen),
            },
            link,
            _("居委会工作人员"),
        )
    return met(
        _("已批准的资金 %(approved)s 元覆盖项目费用 %(cost)s 元")
        % {"approved": fen_to_yuan(cov.approved_fen), "cost": fen_to_yuan(cov.cost_fen)},
        link,
    )


def funding_section(project, user):
    from linli.core.money import fen_to_yuan
    from linli.funding.models import FundingPlan
    from linli.funding.selectors import plan_coverage

    can_books = user.has_perm("funding.view_books", project)
    can_public = user.has_perm("funding.view_public", project)
    if not (can_books or can_public):
        return None
    plan = FundingPlan.objects.filter(project_id=project.pk).first()
    if plan is None and not user.has_perm("funding.manage_plan", project):
        return None
    section = ProjectSection(
        title=_("筹资与账目"),
        url=reverse("funding:plan" if can_books else "funding:public", args=[project.pk]),
    )
    if plan is None:
        section.status = _("尚未制定筹资方案")
        return section
    cov = plan_coverage(plan)
    section.status = _("已筹 %(received)s / %(cost)s 元") % {
        "received": fen_to_yuan(cov.received_fen),
        "cost": fen_to_yuan(cov.cost_fen),
    }
    section.items.append(
        SectionItem(_("账目公开"), reverse("funding:public", args=[project.pk]), "")
    )
    if can_books:
        section.items.append(
            SectionItem(
                _("各户分摊与缴款"), reverse("funding:contributions", args=[project.pk]), ""
            )
        )
    return section


def _yuan(fen: int) -> str:
    from decimal import Decimal

    return f"{Decimal(fen) / 100:,.2f}"


def funding_todos(user):
    """What waits for this user in the books, by duty: the accountant the approved sources
    whose money is not yet entered (none pending), the cashier the vouchers to confirm, the
    supervisor the confirmed ones to review. Each with its amount and a link to the books."""
    from django.db.models import Q, Sum

    from linli.funding.models import (
        Duty,
        FundingDuty,
        FundingSource,
        JournalEntry,
        SourceStatus,
    )
    from linli.funding.selectors import source_received_fen

    if not user.is_authenticated:
        return []
    duties = list(
        FundingDuty.objects.filter(user=user).values_list("duty", "committee_id", "project_id")
    )
    todos = []
    waiting = {
        Duty.CASHIER: ({"posted_at__isnull": True}, _("待出纳确认")),
        Duty.SUPERVISOR: (
            {"posted_at__isnull": False, "reviewed_at__isnull": True},
            _("待监事审核"),
        ),
    }
    for duty, committee_id, project_id in duties:
        if duty == Duty.ACCOUNTANT:
            sources = FundingSource.objects.filter(
                plan__project__committee_id=committee_id, status=SourceStatus.APPROVED
            )
            if project_id:
                sources = sources.filter(plan__project_id=project_id)
            pending = JournalEntry.objects.filter(posted_at__isnull=True)
            sources = (
                sources.exclude(entries__in=pending).select_related("plan").order_by("id")[:10]
            )
            for source in sources:
                missing = source.amount_fen - source_received_fen(source)
                if missing <= 0:
                    continue
                todos.append(
                    Todo(
                        kind=_("待入账"),
                        title=_("%(name)s：已批准 %(approved)s 元，尚有 %(missing)s 元未入账")
                        % {
                            "name": source.name,
                            "approved": _yuan(source.amount_fen),
                            "missing": _yuan(missing),
                        },
                        url=reverse("funding:plan", args=[source.plan.project_id]),
                    )
                )
            continue
        if duty not in waiting:
            continue
        lookup, label = waiting[duty]
        entries = JournalEntry.objects.filter(plan__project__committee_id=committee_id, **lookup)
        if project_id:
            entries = entries.filter(plan__project_id=project_id)
        rows = (
            entries.exclude(recorded_by=user)
            .exclude(confirmed_by=user)
            .select_related("plan")
            .annotate(amount=Sum("lines__amount_fen", filter=Q(lines__amount_fen__gt=0)))
            .order_by("id")[:10]
        )
        for entry in rows:
            todos.append(
                Todo(
                    kind=label,
                    title=_("%(number)s %(memo)s · %(yuan)s 元")
                    % {
                        "number": entry.number,
                        "memo": entry.memo,
                        "yuan": _yuan(entry.amount or 0),
                    },
                    url=reverse("funding:plan", args=[entry.plan.project_id]),
                )
            )
    return todos


STAGE_APP = StageApp(
    label="funding",
    order=40,
    stages=(Stage.FUNDING,),
    section=funding_section,
    guards=(
        StageGuard(
            key="funding.covered",
            title=gettext_lazy("筹资已覆盖费用"),
            check=implementation_needs_funding,
            entering=(Stage.IMPLEMENTATION,),
        ),
    ),
    todos=funding_todos,
)
