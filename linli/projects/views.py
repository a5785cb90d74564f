"""Project pages: the scoped list, the detail with stage track and timeline, creation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible, require
from linli.places.selectors import committees_managed_by, committees_visible_to
from linli.projects import selectors, services
from linli.projects.forms import NoteForm, ProjectCreateForm, ProjectFilterForm, StageChangeForm
from linli.projects.models import STAGE_ORDER, Stage
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
        "can_manage": user.has_perm("places.manage_committee", project.committee),
        "stage_form": StageChangeForm(),
        "note_form": NoteForm(),
        "compounds": project.compounds.all(),
        "microspaces": project.microspaces.all(),
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
    require(request.user, "projects.change_stage", project, "您无权变更该项目的阶段")
    form = StageChangeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.project_change_stage(
                actor=request.user,
                project=project,
                to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"],
            )
        except ScopeError:
            raise
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("项目阶段已更新"))
            return redirect("projects:detail", project.pk)
    project.refresh_from_db()
    return render(
        request,
        "projects/detail.html",
        _detail_context(request, project, stage_form=form),
        status=status,
    )


@login_required
@require_POST
def project_add_note(request, pk: int):
    project = _get_project(request, pk)
    require(request.user, "projects.add_note", project, "您无权为该项目记录进展")
    form = NoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.project_add_note(
                actor=request.user, project=project, note=form.cleaned_data["note"]
            )
        except ScopeError:
            raise
        except (ServiceError, ValidationError) as exc:
            form.add_error("note", getattr(exc, "message", None) or "；".join(exc.messages))
            status = getattr(exc, "status", 400)
        else:
            messages.success(request, _("进展已记录"))
            return redirect("projects:detail", project.pk)
    return render(
        request,
        "projects/detail.html",
        _detail_context(request, project, note_form=form),
        status=status,
    )


@login_required
def project_create(request):
    if not committees_managed_by(request.user).exists():
        raise ScopeError("只有居委会、街道或区级工作人员可以创建项目")
    initial = {}
    if request.GET.get("committee", "").isdigit():
        initial["committee"] = int(request.GET["committee"])
    form = ProjectCreateForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.project_create(
                    actor=request.user,
                    committee=data["committee"],
                    title=data["title"],
                    summary=data["summary"],
                    compounds=list(data["compounds"]),
                )
            except ScopeError:
                raise
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except ValidationError as exc:
                for field, errs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("项目已创建"))
                return redirect("projects:detail", project.pk)
    return render(request, "projects/create.html", {"form": form}, status=status)
