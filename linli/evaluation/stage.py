"""Step 6's part of the project spine: the 评议 section, the guards into 完成, to-dos."""

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


def evaluation_closed(project):
    from linli.evaluation.models import Evaluation

    link = reverse("evaluation:project", args=[project.pk])
    evaluation = Evaluation.objects.filter(project_id=project.pk).first()
    if evaluation is None:
        return missing(
            _("尚未组织项目评议（评议会评分与满意度调查），项目不能完成"),
            link,
            _("居委会工作人员"),
        )
    if evaluation.status != Evaluation.Status.CLOSED:
        return missing(
            _("项目评议尚未完成：请收集评分、结束满意度调查并写出评议结论后再完成项目"),
            link,
            _("居委会工作人员"),
        )
    return met(_("项目评议已完成"), link)


def audit_closed(project):
    from linli.evaluation.models import Audit

    link = reverse("evaluation:audit", args=[project.pk])
    audit = Audit.objects.filter(project_id=project.pk).first()
    if audit is None:
        return missing(_("尚未委托项目审计，项目不能完成"), link, _("居委会工作人员"))
    if audit.status != Audit.Status.CLOSED:
        return missing(
            _("项目审计尚未结束：审计人出具审计意见后项目才能完成"), link, _("受托审计人")
        )
    return met(_("项目审计已结束"), link)


def ledger_settled(project):
    from linli.evaluation.selectors import pending_entries

    link = reverse("funding:plan", args=[project.pk])
    numbers = list(pending_entries(project).order_by("id").values_list("number", flat=True)[:6])
    if numbers:
        return missing(
            _("账目中尚有凭证未确认入账或未经监事审核（%(numbers)s），项目不能完成")
            % {"numbers": "、".join(numbers)},
            link,
            _("出纳与监事"),
        )
    return met(_("账目凭证均已入账并审核"), link)


def evaluation_section(project, user):
    from linli.evaluation.models import Audit, Case, Evaluation
    from linli.evaluation.selectors import audit_status_label, projects_for_evaluation

    if not projects_for_evaluation(user).filter(pk=project.pk).exists():
        return None
    late = project.stage in (Stage.ACCEPTANCE, Stage.EVALUATION, Stage.DONE)
    evaluation = Evaluation.objects.filter(project_id=project.pk).first()
    has_audit = Audit.objects.filter(project_id=project.pk).exists()
    if evaluation is None and not has_audit and not late:
        return None
    url = reverse("evaluation:project", args=[project.pk])
    section = ProjectSection(title=_("跟踪评议与审计"), url=url)
    if evaluation is None:
        section.status = _("尚未组织评议")
    else:
        section.status = evaluation.get_status_display()
        section.items.append(SectionItem(_("项目评议"), url, evaluation.get_status_display()))
        if evaluation.completion_notice_id:
            section.items.append(
                SectionItem(
                    _("完工公示"),
                    reverse("notices:detail", args=[evaluation.completion_notice_id]),
                    "",
                )
            )
    _key, label = audit_status_label(project)
    audit_url = (
        reverse("evaluation:audit", args=[project.pk])
        if user.has_perm("evaluation.view_audit", project)
        else ""
    )
    section.items.append(SectionItem(_("项目审计"), audit_url, label))
    case = Case.objects.filter(project_id=project.pk).first()
    if case is not None and (case.published_at or user.has_perm("evaluation.manage_case", project)):
        section.items.append(
            SectionItem(
                _("案例"),
                reverse("evaluation:case", args=[case.pk]),
                _("已公开") if case.published_at else _("草稿"),
            )
        )
    if user.has_perm("evaluation.manage_evaluation", project):
        if evaluation is None and project.stage in (Stage.ACCEPTANCE, Stage.EVALUATION):
            section.actions.append(SectionItem(_("组织评议"), url))
        section.actions.append(
            SectionItem(_("改造前后照片"), reverse("evaluation:photos", args=[project.pk]))
        )
        section.actions.append(
            SectionItem(_("编辑案例"), reverse("evaluation:case_edit", args=[project.pk]))
        )
    return section


def evaluation_todos(user):
    """Open evaluations to score; adopted conventions of one's building not yet endorsed;
    assigned evaluations and audits still open."""
    from linli.accounts.scopes import scopes_for
    from linli.evaluation.models import Audit, Endorsement, Evaluation, Score
    from linli.evaluation.selectors import (
        auditor_project_ids,
        conventions_for_flats,
        evaluator_project_ids,
    )

    if not getattr(user, "is_authenticated", False):
        return []
    todos = []
    scopes = scopes_for(user)
    if scopes.resident_flat_ids:
        from linli.places.models import Household

        households = set(
            Household.objects.filter(flat_id__in=scopes.resident_flat_ids).values_list(
                "id", flat=True
            )
        )
        endorsed = set(
            Endorsement.objects.filter(household_id__in=households).values_list(
                "convention_id", flat=True
            )
        )
        for c in conventions_for_flats(scopes.resident_flat_ids)[:10]:
            if c.pk not in endorsed:
                todos.append(
                    Todo(
                        kind=_("公约待签署"),
                        title=str(c),
                        url=reverse("evaluation:convention", args=[c.pk]),
                    )
                )
    if scopes.visible_committee_ids:
        scored = set(Score.objects.filter(user=user).values_list("evaluation_id", flat=True))
        for ev in (
            Evaluation.objects.filter(
                status=Evaluation.Status.OPEN,
                project__committee_id__in=scopes.visible_committee_ids,
            )
            .exclude(pk__in=scored)
            .select_related("project")[:5]
        ):
            todos.append(
                Todo(
                    kind=_("项目评议"),
                    title=ev.project.title,
                    url=reverse("evaluation:project", args=[ev.project_id]),
                )
            )
    for a in Audit.objects.filter(
        status=Audit.Status.OPEN, project_id__in=auditor_project_ids(user)
    ).select_related("project")[:5]:
        todos.append(
            Todo(
                kind=_("审计"),
                title=a.project.title,
                url=reverse("evaluation:audit", args=[a.project_id]),
            )
        )
    for ev in Evaluation.objects.filter(
        status=Evaluation.Status.OPEN, project_id__in=evaluator_project_ids(user)
    ).select_related("project")[:5]:
        todos.append(
            Todo(
                kind=_("第三方评估"),
                title=ev.project.title,
                url=reverse("evaluation:project", args=[ev.project_id]),
            )
        )
    return todos


STAGE_APP = StageApp(
    label="evaluation",
    order=60,
    stages=(Stage.EVALUATION,),
    section=evaluation_section,
    guards=(
        StageGuard(
            key="evaluation.closed",
            title=gettext_lazy("项目评议已完成"),
            check=evaluation_closed,
            entering=(Stage.DONE,),
        ),
        StageGuard(
            key="evaluation.audit_closed",
            title=gettext_lazy("项目审计已结束"),
            check=audit_closed,
            entering=(Stage.DONE,),
        ),
        StageGuard(
            key="evaluation.ledger_settled",
            title=gettext_lazy("账目无待确认凭证"),
            check=ledger_settled,
            entering=(Stage.DONE,),
        ),
    ),
    todos=evaluation_todos,
)
