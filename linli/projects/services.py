"""Business actions on projects. Each is one transaction and leaves an audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.places.models import Building, Committee, Compound, MicroSpace
from linli.projects.models import (
    OwnersRights,
    Project,
    ProjectEvent,
    ProjectKind,
    ProjectOrigin,
    Stage,
)
from linli.projects.registry import guards_for_move
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
    kind: str = ProjectKind.OTHER,
    origin: str = ProjectOrigin.COMMITTEE,
    origin_department: str = "",
    owners_rights: str = OwnersRights.NONE,
    needs: list | None = None,
) -> Project:
    if not actor.has_perm("projects.create_project", committee):
        raise ScopeError(_("您无权在该居委会创建项目"))
    title = (title or "").strip()
    ensure(title, _("请填写项目名称"))
    origin_department = _check_origin(kind, origin, origin_department, owners_rights)
    needs = list(needs or [])
    ensure(
        origin != ProjectOrigin.NEEDS or needs,
        _("来源为居民需求的项目须关联至少一条需求"),
        code="needs",
    )
    for need in needs:
        ensure(
            need.committee_id == committee.pk,
            _("需求#%(pk)s不属于%(name)s") % {"pk": need.pk, "name": committee.name},
            code="needs",
        )
        ensure(
            need.project_id is None and need.merged_into_id is None and need.status == "open",
            _("需求#%(pk)s不是征集中的需求（已转为项目、已合并或已关闭）") % {"pk": need.pk},
            code="needs",
        )
    for group, what in (
        (compounds, _("小区")),
        (buildings, _("楼栋")),
        (microspaces, _("小微空间")),
    ):
        for item in group or []:
            from linli.places.hierarchy import committee_id_of

            ensure(
                committee_id_of(item) == committee.pk,
                _("所选%(what)s“%(item)s”不属于%(name)s")
                % {"what": what, "item": item, "name": committee.name},
            )
    project = Project(
        committee=committee,
        title=title,
        summary=(summary or "").strip(),
        created_by=actor,
        kind=kind,
        origin=origin,
        origin_department=origin_department,
        owners_rights=owners_rights,
    )
    project.full_clean()
    project.save()
    if needs:
        from linli.needs.models import Need

        Need.objects.filter(pk__in=[n.pk for n in needs]).update(
            project=project, status=Need.Status.PROJECT
        )
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
        after={
            "title": title,
            "committee": committee.pk,
            "stage": project.stage,
            "kind": kind,
            "origin": origin,
            "origin_department": origin_department,
            "owners_rights": owners_rights,
            "needs": [n.pk for n in needs],
        },
    )
    return project


def _check_origin(kind, origin, origin_department, owners_rights) -> str:
    ensure(kind in ProjectKind.values, _("项目类型不存在"), code="kind")
    ensure(origin in ProjectOrigin.values, _("项目来源不存在"), code="origin")
    ensure(
        owners_rights in OwnersRights.values, _("涉及业主权利的选项不存在"), code="owners_rights"
    )
    origin_department = (origin_department or "").strip()
    ensure(len(origin_department) <= 80, _("委托部门不能超过80字"), code="origin_department")
    if origin == ProjectOrigin.GOVERNMENT:
        ensure(
            origin_department,
            _("政府实事项目须填写委托的职能部门"),
            code="origin_department",
        )
    else:
        origin_department = ""
    return origin_department


@transaction.atomic
def project_update(
    *,
    actor,
    project: Project,
    title: str,
    summary: str = "",
    kind: str = ProjectKind.OTHER,
    origin: str = ProjectOrigin.COMMITTEE,
    origin_department: str = "",
    owners_rights: str = OwnersRights.NONE,
) -> Project:
    """Edit a project's name, summary, kind, origin and whether owners' rights are involved."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.edit_project", project):
        raise ScopeError(_("您无权修改该项目"))
    title = (title or "").strip()
    ensure(title, _("请填写项目名称"))
    origin_department = _check_origin(kind, origin, origin_department, owners_rights)
    ensure(
        origin != ProjectOrigin.NEEDS or project.needs.exists(),
        _("来源为居民需求的项目须关联至少一条需求；请从需求页“转为项目”或新建项目时选择需求"),
        code="origin",
    )
    fields = ("title", "summary", "kind", "origin", "origin_department", "owners_rights")
    before = {f: getattr(project, f) for f in fields}
    project.title = title
    project.summary = (summary or "").strip()
    project.kind = kind
    project.origin = origin
    project.origin_department = origin_department
    project.owners_rights = owners_rights
    project.full_clean()
    project.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action="project.update",
        obj=project,
        before=before,
        after={f: getattr(project, f) for f in fields},
    )
    return project


@transaction.atomic
def project_change_stage(*, actor, project: Project, to_stage: str, note: str = "") -> Project:
    """Move a project to another stage if the move is allowed and every guard agrees."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.change_stage", project):
        raise ScopeError(_("您无权变更该项目的阶段"))
    ensure(to_stage in Stage.values, _("目标阶段不存在"))
    current = project.stage
    if to_stage not in allowed_targets(current):
        raise ServiceError(
            _("不能从“%(label)s”直接进入“%(label2)s”")
            % {"label": label(current), "label2": label(to_stage)},
            code="transition",
        )
    note = (note or "").strip()
    if is_backward(current, to_stage):
        ensure(note, _("退回上一阶段时必须说明原因"), code="reason_required")
    else:
        for guard in guards_for_move(current, to_stage):
            refusal = guard.check(project)
            if not refusal.ok:
                raise ServiceError(
                    refusal.message,
                    code="guard",
                    status=409,
                    details=[
                        {
                            "guard": guard.key,
                            "rule": str(guard.title),
                            "message": refusal.message,
                            "link": refusal.link,
                            "who": refusal.who,
                        }
                    ],
                )
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
        raise ScopeError(_("您无权为该项目记录进展"))
    note = (note or "").strip()
    ensure(note, _("请填写进展内容"))
    ensure(len(note) <= 2000, _("进展内容不能超过2000字"))
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
