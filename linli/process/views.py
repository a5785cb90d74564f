"""Process pages: a project's decision, party meeting, conflicts and 六会; a district's rules.

Thin: scope the lookup (404 outside), run one service through run_form (the service checks
the permission), render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.scopes import scopes_for
from linli.core.actions import run_form
from linli.core.permissions import get_visible, require
from linli.process import checks, forms, services
from linli.process.models import Conflict, ProjectDecision
from linli.process.stage import CONFIGURABLE, GUARDS
from linli.projects import selectors as project_selectors
from linli.projects.registry import all_guards

FORM = "process/form.html"


def _project(request, project_id):
    project = get_visible(project_selectors.projects_visible_to(request.user), pk=project_id)
    require(request.user, "process.view_project", project)
    return project


def _data(request):
    """The POST data of a submitted form (even an empty one: an unticked box), else None."""
    return request.POST if request.method == "POST" else None


def _hub(project, anchor=""):
    return reverse("process:project", args=[project.pk]) + anchor


def _form_page(request, form, action, *, project, heading, success, anchor="", help=""):
    return run_form(
        request,
        form,
        action,
        template=FORM,
        success=success,
        redirect_to=_hub(project, anchor),
        context=lambda: {
            "heading": heading,
            "project": project,
            "back": _hub(project, anchor),
            "help": help,
        },
    )


@login_required
def project_process(request, project_id: int):
    project = _project(request, project_id)
    user = request.user
    decision = (
        ProjectDecision.objects.filter(project=project)
        .select_related("vote_result__vote", "resolution__minutes__meeting", "recorded_by")
        .first()
    )
    rules_ = [(g, g.check(project)) for g in GUARDS]
    conflicts = Conflict.objects.filter(project=project).select_related("meeting", "notice", "vote")
    return render(
        request,
        "process/project.html",
        {
            "project": project,
            "decision": decision,
            "decision_label": checks.record_label(decision) if decision else "",
            "body_label": checks.decision_body_label(project),
            "rules": rules_,
            "conflicts": conflicts,
            "six": checks.six_meetings(project),
            "party_required": checks.party_first_required(checks.project_district_id(project)),
            "can_link": user.has_perm("process.link_decision", project),
            "can_conflicts": user.has_perm("process.manage_conflicts", project),
            "can_party": user.has_perm("deliberation.create_meeting", project.committee),
            "decision_form": forms.DecisionLinkForm(project=project),
        },
    )


@login_required
def decision_link(request, project_id: int):
    project = _project(request, project_id)
    require(request.user, "process.link_decision", project, _("您无权登记该项目的决定"))
    form = forms.DecisionLinkForm(_data(request), project=project)
    return _form_page(
        request,
        form,
        lambda data: services.decision_link(actor=request.user, project=project, **form.records()),
        project=project,
        heading=_("登记决定本项目的记录"),
        success=_("已登记决定本项目的记录"),
        anchor="#decision",
        help=_("须为%(b)s。") % {"b": checks.decision_body_label(project)},
    )


@login_required
def conflict_new(request, project_id: int):
    project = _project(request, project_id)
    require(request.user, "process.manage_conflicts", project, _("您无权登记该项目的矛盾"))
    form = forms.ConflictOpenForm(_data(request), project=project)
    return _form_page(
        request,
        form,
        lambda d: services.conflict_open(
            actor=request.user,
            project=project,
            cause=d["cause"],
            description=d["description"],
            notice=d["notice"],
            vote=d["vote"],
        ),
        project=project,
        heading=_("登记矛盾"),
        success=_("矛盾已登记；化解前项目不能推进"),
        anchor="#conflicts",
        help=_("公示收到异议或表决未通过而项目停下时登记；召开矛盾协调会或听证会后登记化解结果。"),
    )


@login_required
def conflict_resolve(request, conflict_id: int):
    conflict = Conflict.objects.select_related("project").filter(pk=conflict_id).first()
    if conflict is None:
        raise Http404
    project = _project(request, conflict.project_id)
    require(request.user, "process.manage_conflicts", project, _("您无权登记该项目的矛盾"))
    form = forms.ConflictResolveForm(_data(request), project=project)
    return _form_page(
        request,
        form,
        lambda d: services.conflict_resolve(
            actor=request.user, conflict=conflict, meeting=d["meeting"], resolution=d["resolution"]
        ),
        project=project,
        heading=_("登记矛盾化解：%(c)s") % {"c": conflict.get_cause_display()},
        success=_("矛盾化解已登记"),
        anchor="#conflicts",
        help=_("会议须已召开、纪要已审定；约请街镇及职能部门代表参加的，请在会议中登记。"),
    )


def _district(request, district_id):
    from linli.places.models import District

    scopes = scopes_for(request.user)
    district = District.objects.filter(pk=district_id, pk__in=scopes.managed_district_ids).first()
    if district is None:
        raise Http404
    return district


@login_required
def district_rules(request, district_id: int):
    district = _district(request, district_id)
    require(request.user, "process.configure_district", district)
    required = checks.party_first_required(district.pk)
    form = forms.DistrictConfigForm(_data(request), initial={"party_first": required})
    rows = [
        {
            "guard": g,
            "configurable": g.key in CONFIGURABLE,
            "on": required if g.key == "process.party_first" else True,
        }
        for g in all_guards()
    ]
    return run_form(
        request,
        form,
        lambda d: services.district_configure(
            actor=request.user, district=district, party_first=d["party_first"]
        ),
        template="process/district.html",
        success=_("流程规则已更新"),
        redirect_to=reverse("process:district", args=[district.pk]),
        context=lambda: {"district": district, "rows": rows},
    )
