"""The process rules' part of the project spine: guards of seed 003 part 三 and a section."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.process import checks
from linli.projects.models import Stage
from linli.projects.registry import ProjectSection, SectionItem, StageApp, StageGuard

GUARDS = (
    StageGuard(
        key="process.no_open_conflict",
        title=gettext_lazy("矛盾已化解"),
        check=checks.check_no_open_conflict,
    ),
    StageGuard(
        key="process.party_first",
        title=gettext_lazy("党员先知晓、先协商、先统一"),
        check=checks.check_party_first,
        leaving=(Stage.DECISION,),
    ),
    StageGuard(
        key="process.decision",
        title=gettext_lazy("决定在先、公示期满"),
        check=checks.check_decision,
        leaving=(Stage.DECISION,),
    ),
    StageGuard(
        key="process.government_funds",
        title=gettext_lazy("政府实事项目使用财政资金"),
        check=checks.check_government_funds,
        leaving=(Stage.FUNDING,),
    ),
    StageGuard(
        key="process.six_meetings",
        title=gettext_lazy("六会：本阶段宜召开的会议（参考）"),
        check=checks.check_six_meetings,
    ),
)

# which guards a district administrator can switch (the others always apply)
CONFIGURABLE = {"process.party_first": "party_first"}


def process_section(project, user):
    from linli.process.models import Conflict, ProjectDecision

    if not user.has_perm("process.view_project", project):
        return None
    section = ProjectSection(title=_("规范流程：来源、决定与矛盾"), url=checks.process_url(project))
    origin = project.get_origin_display()
    if project.origin_department:
        origin += f"（{project.origin_department}）"
    section.items.append(SectionItem(_("项目来源：%(o)s") % {"o": origin}))
    section.items.append(
        SectionItem(_("决定主体：%(b)s") % {"b": checks.decision_body_label(project)})
    )
    decision = (
        ProjectDecision.objects.filter(project_id=project.pk)
        .select_related("vote_result__vote", "resolution__minutes__meeting")
        .first()
    )
    result = checks.check_decision(project)
    section.items.append(
        SectionItem(
            checks.record_label(decision) if decision else _("尚未登记决定"),
            checks.process_url(project),
            _("已满足") if result.ok else _("未满足"),
        )
    )
    open_n = Conflict.objects.filter(project_id=project.pk, resolved_at__isnull=True).count()
    all_n = Conflict.objects.filter(project_id=project.pk).count()
    if all_n:
        section.items.append(
            SectionItem(
                _("矛盾 %(n)s 项") % {"n": all_n},
                checks.process_url(project) + "#conflicts",
                _("%(n)s 项未化解") % {"n": open_n} if open_n else _("均已化解"),
            )
        )
    rows = checks.six_meetings(project)
    held = [str(r["label"]) for r in rows if r["held"]]
    section.status = _("六会已召开：%(k)s") % {"k": "、".join(held)} if held else _("六会尚未召开")
    return section


STAGE_APP = StageApp(
    label="process",
    order=5,
    section=process_section,
    guards=GUARDS,
)
