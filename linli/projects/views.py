"""Project pages: the scoped list, the detail with stage track and timeline, creation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form
from linli.core.errors import ScopeError
from linli.core.permissions import get_visible, require
from linli.places.selectors import committees_managed_by, committees_visible_to
from linli.projects import selectors, services
from linli.projects.forms import (
    NoteForm,
    ProjectCreateForm,
    ProjectEditForm,
    ProjectFilterForm,
    StageChangeForm,
)
from linli.projects.models import STAGE_ORDER, Stage
from linli.projects.registry import checklist, project_sections
from linli.projects.stages import allowed_targets, is_backward

PAGE_SIZE = 20


@login_required
def project_list(request):
    qs = selectors.projects_visible_to(request.user)
    filters = ProjectFilterForm(request.GET or None)
    committee_id = street_id = None
    stage = q = ""
    if filters.is_valid():
        committee_id = filters.cleaned_data.get("committee")
        street_id = filters.cleaned_data.get("street")
        stage = filters.cleaned_data.get("stage") or ""
        q = (filters.cleaned_data.get("q") or "").strip()
    if committee_id:
        qs = qs.filter(committee_id=committee_id)
    if street_id:
        qs = qs.filter(committee__street_id=street_id)
    if stage:
        qs = qs.filter(stage=stage)
    if q:
        qs = qs.filter(title__icontains=q)
    page = Paginator(qs.order_by("-stage_changed_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    committees = list(committees_visible_to(request.user).order_by("street__name", "name"))
    streets = sorted({c.street for c in committees}, key=lambda s: s.name)
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "projects": page.object_list,
            "committees": committees,
            "streets": streets,
            "stages": Stage.choices,
            "committee_id": committee_id,
            "street_id": street_id,
            "stage": stage,
            "q": q,
            "can_create": committees_managed_by(request.user).exists(),
        },
    )


def _detail_context(request, project, **extra):
    user = request.user
    can_change = user.has_perm("projects.change_stage", project)
    targets = []
    if can_change:
        for s in allowed_targets(project.stage):
            targets.append(
                {"stage": s, "label": Stage(s).label, "backward": is_backward(project.stage, s)}
            )
    current = STAGE_ORDER.index(project.stage)
    track = [
        {
            "stage": s,
            "label": label,
            "state": "done" if i < current else ("current" if i == current else "todo"),
        }
        for i, (s, label) in enumerate(Stage.choices)
    ]
    context = {
        "project": project,
        "track": track,
        "events": project.events.select_related("actor").order_by("-at", "-id"),
        "targets": targets,
        "can_change": can_change,
        "can_note": user.has_perm("projects.add_note", project),
        "can_edit": user.has_perm("projects.edit_project", project),
        "can_manage": user.has_perm("places.manage_committee", project.committee),
        "stage_form": StageChangeForm(),
        "note_form": NoteForm(),
        "compounds": project.compounds.all(),
        "microspaces": project.microspaces.all(),
        "sections": project_sections(project, user),
        "checklist": checklist(project) if project.stage != Stage.DONE else [],
    }
    context.update(extra)
    return context


def _get_project(request, pk):
    project = get_visible(selectors.projects_visible_to(request.user), pk=pk)
    require(request.user, "projects.view_project", project)
    return project


@login_required
def project_detail(request, pk: int):
    project = _get_project(request, pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


@login_required
@require_POST
def project_change_stage(request, pk: int):
    project = _get_project(request, pk)
    require(request.user, "projects.change_stage", project, _("您无权变更该项目的阶段"))
    form = StageChangeForm(request.POST)
    return run_form(
        request,
        form,
        lambda data: services.project_change_stage(
            actor=request.user, project=project, to_stage=data["to_stage"], note=data["note"]
        ),
        template="projects/detail.html",
        success=_("项目阶段已更新"),
        redirect_to=reverse("projects:detail", args=[project.pk]),
        context=lambda: _detail_context(request, _fresh(project), stage_form=form),
    )


@login_required
@require_POST
def project_add_note(request, pk: int):
    project = _get_project(request, pk)
    require(request.user, "projects.add_note", project, _("您无权为该项目记录进展"))
    form = NoteForm(request.POST)
    return run_form(
        request,
        form,
        lambda data: services.project_add_note(
            actor=request.user, project=project, note=data["note"]
        ),
        template="projects/detail.html",
        success=_("进展已记录"),
        redirect_to=reverse("projects:detail", args=[project.pk]),
        context=lambda: _detail_context(request, project, note_form=form),
    )


def _fresh(project):
    project.refresh_from_db()
    return project


@login_required
def project_create(request):
    if not committees_managed_by(request.user).exists():
        raise ScopeError(_("只有居委会、街道或区级工作人员可以创建项目"))
    initial = {}
    if request.GET.get("committee", "").isdigit():
        initial["committee"] = int(request.GET["committee"][:12])
    form = ProjectCreateForm(request.POST or None, user=request.user, initial=initial)
    return run_form(
        request,
        form,
        lambda data: services.project_create(
            actor=request.user,
            committee=data["committee"],
            title=data["title"],
            summary=data["summary"],
            compounds=list(data["compounds"]),
            kind=data["kind"],
            origin=data["origin"],
            origin_department=data["origin_department"],
            owners_rights=data["owners_rights"],
            needs=list(data["needs"]),
        ),
        template="projects/create.html",
        success=_("项目已创建"),
        redirect_to=lambda project: reverse("projects:detail", args=[project.pk]),
    )


@login_required
def project_edit(request, pk: int):
    project = _get_project(request, pk)
    require(request.user, "projects.edit_project", project, _("您无权修改该项目"))
    fields = ("title", "summary", "kind", "origin", "origin_department", "owners_rights")
    form = ProjectEditForm(request.POST or None, initial={f: getattr(project, f) for f in fields})
    return run_form(
        request,
        form,
        lambda data: services.project_update(actor=request.user, project=project, **data),
        template="projects/edit.html",
        success=_("项目信息已保存"),
        redirect_to=reverse("projects:detail", args=[project.pk]),
        context={"project": project},
    )
