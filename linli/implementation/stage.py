"""Implementation's part of the project spine: its section, the acceptance guards, to-dos.

- entering 验收与运维: every milestone has its actual completion date;
- leaving 验收与运维: acceptance signed by every required party, every defect closed, the
  project's ledger balanced with no voucher pending, an O&M arrangement recorded.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
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


def _hub(project) -> str:
    return reverse("implementation:project", args=[project.pk])


def milestones_done(project):
    from linli.implementation.models import Milestone

    link = _hub(project) + "#milestones"
    rows = list(Milestone.objects.filter(project_id=project.pk).values_list("title", "actual_end"))
    if not rows:
        return missing(_("尚未编排施工进度节点，不能进入验收与运维阶段"), link, _("居委会工作人员"))
    open_ = [t for t, end in rows if end is None]
    if open_:
        return missing(
            _("进度节点《%(titles)s》尚未完成（共%(n)s个），全部完成后才能进入验收与运维阶段")
            % {"titles": "》《".join(open_[:5]), "n": len(open_)},
            link,
            _("施工单位联系人或居委会工作人员"),
        )
    return met(_("%(n)s个进度节点均已完成") % {"n": len(rows)}, link)


def acceptance_signed(project):
    from linli.implementation.models import SignParty
    from linli.implementation.selectors import signoffs_of
    from linli.implementation.services import required_parties

    link = reverse("implementation:acceptance", args=[project.pk])
    signed = signoffs_of(project)
    lacking = [str(SignParty(p).label) for p in required_parties(project) if p not in signed]
    if lacking:
        return missing(
            _("验收尚缺%(parties)s签署，各方签署后才能离开验收与运维阶段")
            % {"parties": "、".join(lacking)},
            link,
            "、".join(lacking),
        )
    return met(_("验收已由%(parties)s签署") % {"parties": "、".join(
        str(SignParty(p).label) for p in signed
    )}, link)  # fmt: skip


def defects_closed(project):
    from linli.implementation.models import Defect

    link = reverse("implementation:acceptance", args=[project.pk])
    rows = list(
        Defect.objects.filter(review__project_id=project.pk, closed_at__isnull=True)
        .order_by("deadline")
        .values_list("description", flat=True)
    )
    if rows:
        return missing(
            _("验收发现的问题“%(first)s”等%(n)s项尚未整改完成，整改完成后才能离开验收与运维阶段")
            % {"first": rows[0], "n": len(rows)},
            link,
            _("项目工作组"),
        )
    return met(_("验收发现的问题均已整改"), link)


def ledger_clear(project):
    from linli.implementation.selectors import pending_entries

    try:
        link = reverse("funding:plan", args=[project.pk])
    except Exception:  # pragma: no cover - funding not installed
        link = ""
    pending, unbalanced = pending_entries(project)
    if unbalanced:
        return missing(
            _("账目中凭证%(numbers)s借贷不平衡，不能离开验收与运维阶段")
            % {"numbers": "、".join(unbalanced[:5])},
            link,
            _("会计"),
        )
    if pending:
        return missing(
            _(
                "账目中尚有%(n)s张凭证未入账或未经监事审核（%(numbers)s），处理完毕后才能离开验收与运维阶段"
            )
            % {"n": len(pending), "numbers": "、".join(pending[:5])},
            link,
            _("出纳、监事"),
        )
    return met(_("账目平衡，没有待处理的凭证"), link)


def om_arranged(project):
    from linli.implementation.models import Arrangement

    link = reverse("implementation:om", args=[project.pk])
    arr = Arrangement.objects.filter(project_id=project.pk).first()
    if arr is None:
        return missing(
            _("尚未确定运维安排（物业、建设运营方或志愿团队），不能离开验收与运维阶段"),
            link,
            _("居委会工作人员"),
        )
    return met(_("运维安排：%(arr)s") % {"arr": str(arr)}, link)


def implementation_section(project, user):
    from linli.implementation.models import (
        Arrangement,
        Contract,
        Milestone,
        Procurement,
        Ticket,
    )
    from linli.implementation.selectors import signoffs_of
    from linli.implementation.services import required_parties

    if not user.has_perm("implementation.view_project", project):
        return None
    if project.stage_index < 3:  # before 筹资 there is nothing to build yet
        return None
    section = ProjectSection(title=_("实施与运维"), url=_hub(project))
    milestones = list(Milestone.objects.filter(project_id=project.pk))
    done = sum(1 for m in milestones if m.done)
    procurements = Procurement.objects.filter(project_id=project.pk)
    n_decided = procurements.filter(status="decided").count()
    section.items.append(
        SectionItem(
            _("采购"),
            _hub(project) + "#procurement",
            _("%(d)s/%(n)s 已确定") % {"d": n_decided, "n": procurements.count()},
        )
    )
    section.items.append(
        SectionItem(
            _("合同"),
            _hub(project) + "#contracts",
            _("%(n)s 份") % {"n": Contract.objects.filter(project_id=project.pk).count()},
        )
    )
    section.items.append(
        SectionItem(
            _("进度节点"),
            _hub(project) + "#milestones",
            _("已完成 %(d)s/%(n)s") % {"d": done, "n": len(milestones)}
            if milestones
            else _("尚未编排"),
        )
    )
    signed = signoffs_of(project)
    required = required_parties(project)
    section.items.append(
        SectionItem(
            _("验收签署"),
            reverse("implementation:acceptance", args=[project.pk]),
            _("%(s)s/%(n)s 方已签署")
            % {"s": sum(1 for p in required if p in signed), "n": len(required)},
        )
    )
    arr = Arrangement.objects.filter(project_id=project.pk).first()
    open_tickets = Ticket.objects.filter(project_id=project.pk).exclude(status="closed").count()
    section.items.append(
        SectionItem(
            _("运维"),
            reverse("implementation:om", args=[project.pk]),
            (str(arr) if arr else _("尚未确定运维安排"))
            + (_("；%(n)s 张报修待处理") % {"n": open_tickets} if open_tickets else ""),
        )
    )
    section.status = (
        _("施工进度 %(d)s/%(n)s") % {"d": done, "n": len(milestones)} if milestones else ""
    )
    section.actions.append(
        SectionItem(_("反馈意见"), reverse("implementation:feedback", args=[project.pk]))
    )
    if user.has_perm("implementation.report_fault", project) and project.stage_index >= 5:
        section.actions.append(
            SectionItem(_("报修"), reverse("implementation:ticket_new", args=[project.pk]))
        )
    return section


def implementation_todos(user):
    """Overdue tickets for their handlers, missed patrols for committee staff and leaders,
    unanswered construction feedback and acceptance signatures waiting for this user."""
    from linli.implementation.models import TeamMember, Ticket, VolunteerTeam
    from linli.implementation.selectors import (
        missed_patrols,
        overdue_tickets,
        ticket_deadline,
        tickets_visible_to,
    )
    from linli.implementation.services import may_handle

    if not getattr(user, "is_authenticated", False):
        return []
    from linli.accounts.scopes import scopes_for

    s = scopes_for(user)
    todos = []
    handled = overdue_tickets(tickets_visible_to(user).exclude(status="closed")).order_by(
        "created_at"
    )[:20]
    for t in handled:
        if may_handle(user, t):
            todos.append(
                Todo(
                    kind=_("报修超时"),
                    title=f"{t.project.title} · {t.place}",
                    url=reverse("implementation:ticket", args=[t.pk]),
                    until=ticket_deadline(t),
                )
            )
    for t in Ticket.objects.filter(reporter=user, status=Ticket.Status.RESOLVED)[:10]:
        todos.append(
            Todo(
                kind=_("报修待确认"),
                title=f"{t.place}：{t.resolution[:30]}",
                url=reverse("implementation:ticket", args=[t.pk]),
            )
        )
    teams = VolunteerTeam.objects.filter(
        committee_id__in=s.managed_committee_ids
    ) | VolunteerTeam.objects.filter(
        pk__in=TeamMember.objects.filter(user=user, is_leader=True).values("team_id")
    )
    for miss in missed_patrols(teams.distinct())[:10]:
        todos.append(
            Todo(
                kind=_("漏巡"),
                title=f"{miss.team.name} {miss.date:%m-%d}{miss.shift} {miss.member_name}",
                url=reverse("implementation:team", args=[miss.team.pk]),
                until=timezone.make_aware(datetime.datetime.combine(miss.date, datetime.time())),
            )
        )
    from linli.implementation.selectors import feedback_visible_to

    waiting = feedback_visible_to(user).filter(answered_at__isnull=True).select_related("project")
    for fb in waiting.order_by("created_at")[:10]:
        if user.has_perm("implementation.answer_feedback", fb.project):
            todos.append(
                Todo(
                    kind=_("施工意见待答复"),
                    title=f"{fb.project.title}：{fb.text[:30]}",
                    url=reverse("implementation:feedback", args=[fb.project_id]),
                )
            )
    return todos


STAGE_APP = StageApp(
    label="implementation",
    order=50,
    stages=(Stage.IMPLEMENTATION, Stage.ACCEPTANCE),
    section=implementation_section,
    guards=(
        StageGuard(
            key="implementation.milestones_done",
            title=gettext_lazy("施工进度节点均已完成"),
            check=milestones_done,
            entering=(Stage.ACCEPTANCE,),
        ),
        StageGuard(
            key="implementation.acceptance_signed",
            title=gettext_lazy("验收已由各方签署"),
            check=acceptance_signed,
            leaving=(Stage.ACCEPTANCE,),
        ),
        StageGuard(
            key="implementation.defects_closed",
            title=gettext_lazy("验收问题均已整改"),
            check=defects_closed,
            leaving=(Stage.ACCEPTANCE,),
        ),
        StageGuard(
            key="implementation.ledger_clear",
            title=gettext_lazy("账目平衡且无待处理凭证"),
            check=ledger_clear,
            leaving=(Stage.ACCEPTANCE,),
        ),
        StageGuard(
            key="implementation.om_arranged",
            title=gettext_lazy("已确定运维安排"),
            check=om_arranged,
            leaving=(Stage.ACCEPTANCE,),
        ),
    ),
    todos=implementation_todos,
)
