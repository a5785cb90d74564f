"""Business actions on projects. Each is one transaction and leaves an audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.places.models import Building, Committee, Compound, MicroSpace
from linli.projects.models import Project, ProjectEvent, Stage
from linli.projects.registry import first_refusal
from linli.projects.stages import allowed_targets, is_backward, label


@transaction.atomic
def project_create(
    *,
    actor,
    committee: Committee,
    title: str,
    summary: str = "",
    compounds: list[Compound] | None = None,
    buildings: list[Building] | None = None,
    microspaces: list[MicroSpace] | None = None,
) -> Project:
    if not actor.has_perm("projects.create_project", committee):
        raise ScopeError("您无权在该居委会创建项目")
    title = (title or "").strip()
    ensure(title, "请填写项目名称")
    for group, what in ((compounds, "小区"), (buildings, "楼栋"), (microspaces, "小微空间")):
        for item in group or []:
            from linli.places.hierarchy import committee_id_of

            ensure(
                committee_id_of(item) == committee.pk, f"所选{what}“{item}”不属于{committee.name}"
            )
    project = Project(
        committee=committee, title=title, summary=(summary or "").strip(), created_by=actor
    )
    project.full_clean()
    project.save()
    if compounds:
        project.compounds.set(compounds)
    if buildings:
        project.buildings.set(buildings)
    if microspaces:
        project.microspaces.set(microspaces)
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.CREATED,
        to_stage=project.stage,
        actor=actor,
        note="创建项目",
    )
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        after={"title": title, "committee": committee.pk, "stage": project.stage},
    )
    return project


@transaction.atomic
def project_change_stage(*, actor, project: Project, to_stage: str, note: str = "") -> Project:
    """Move a project to another stage if the move is allowed and every guard agrees."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.change_stage", project):
        raise ScopeError("您无权变更该项目的阶段")
    ensure(to_stage in Stage.values, "目标阶段不存在")
    current = project.stage
    if to_stage not in allowed_targets(current):
        raise ServiceError(
            f"不能从“{label(current)}”直接进入“{label(to_stage)}”", code="transition"
        )
    note = (note or "").strip()
    if is_backward(current, to_stage):
        ensure(note, "退回上一阶段时必须说明原因", code="reason_required")
    else:
        refusal = first_refusal(project, to_stage)
        if refusal is not None:
            raise ServiceError(refusal.message, code="guard", status=409)
    project.stage = to_stage
    project.stage_changed_at = timezone.now()
    project.full_clean()
    project.save(update_fields=["stage", "stage_changed_at"])
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEvent.Kind.STAGE,
        from_stage=current,
        to_stage=to_stage,
        note=note,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="project.stage",
        obj=project,
        before={"stage": current},
        after={"stage": to_stage, "note": note},
    )
    return project


@transaction.atomic
def project_add_note(*, actor, project: Project, note: str) -> ProjectEvent:
    if not actor.has_perm("projects.add_note", project):
        raise ScopeError("您无权为该项目记录进展")
    note = (note or "").strip()
    ensure(note, "请填写进展内容")
    ensure(len(note) <= 2000, "进展内容不能超过2000字")
    event = ProjectEvent(
        project=project,
        kind=ProjectEvent.Kind.NOTE,
        note=note,
        actor=actor,
        from_stage=project.stage,
        to_stage=project.stage,
    )
    event.full_clean()
    event.save()
    audit_record(actor=actor, action="project.note", obj=project, after={"note": note})
    return event
