"""The planner's part of the project spine: diagnosis and design rounds (三下三上)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.projects.models import Stage
from linli.projects.registry import ProjectSection, SectionItem, StageApp, Todo


def planning_section(project, user):
    from linli.planning.models import DesignRound, Diagnosis

    rounds = list(DesignRound.objects.filter(project=project).order_by("number"))
    has_diagnosis = Diagnosis.objects.filter(project=project).exists()
    can_plan = user.has_perm("planning.plan", project)
    published = [r for r in rounds if r.status == DesignRound.Status.PUBLISHED]
    if not rounds and not has_diagnosis and not can_plan:
        return None
    section = ProjectSection(
        title=_("规划师把脉与设计方案"),
        url=reverse("planning:design", args=[project.pk]),
        status=(
            _("已发布 %(n)s 轮方案征询") % {"n": len(published)}
            if published
            else _("尚未发布方案征询")
        ),
    )
    section.items.append(
        SectionItem(
            _("社区诊断"),
            reverse("planning:diagnosis", args=[project.pk]),
            _("已完成") if has_diagnosis else _("未完成"),
        )
    )
    for r in rounds:
        section.items.append(
            SectionItem(
                _("第%(n)s轮方案征询") % {"n": r.number},
                reverse("planning:design", args=[project.pk]) + f"#round-{r.number}",
                r.get_status_display() + (_("（最终方案）") if r.is_final else ""),
            )
        )
    if published:
        section.actions.append(
            SectionItem(_("各轮方案对比"), reverse("planning:compare", args=[project.pk]))
        )
    return section


def design_round_todos(user):
    """Open design consultations (the latest published round) for this user's buildings."""
    from linli.planning.models import DesignRound
    from linli.projects.selectors import projects_visible_to

    if not getattr(user, "is_authenticated", False):
        return []
    rounds = (
        DesignRound.objects.filter(
            status=DesignRound.Status.PUBLISHED,
            vote__isnull=True,
            project__in=projects_visible_to(user).exclude(stage=Stage.DONE),
        )
        .select_related("project")
        .order_by("-published_at")[:10]
    )
    todos = []
    for r in rounds:
        if not user.has_perm("planning.give_feedback", r):
            continue
        todos.append(
            Todo(
                kind=_("方案征询"),
                title=_("%(project)s · 第%(n)s轮方案")
                % {"project": r.project.title, "n": r.number},
                url=reverse("planning:design", args=[r.project_id]),
            )
        )
    return todos[:8]


STAGE_APP = StageApp(
    label="planning",
    order=20,
    stages=(Stage.DIAGNOSIS, Stage.DECISION),
    section=planning_section,
    todos=design_round_todos,
)
