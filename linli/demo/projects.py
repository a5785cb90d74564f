"""Create the case projects through the project services, as each committee's demo staff."""

from __future__ import annotations

from linli.accounts.models import Role
from linli.core.errors import ServiceError
from linli.demo.cases import PROJECTS
from linli.projects.services import project_add_note, project_change_stage, project_create


def build_projects(builder, logins: list[dict]) -> list:
    staff = {x["scope"].pk: x["user"] for x in logins if x["role"] == Role.COMMITTEE_STAFF}
    projects = []
    for spec in PROJECTS:
        refs = builder.case_refs[spec["case"]]
        committee = refs["committee"]
        actor = staff[committee.pk]
        project = project_create(
            actor=actor,
            committee=committee,
            title=spec["title"],
            summary=spec["summary"],
            compounds=[refs["compound"]],
            buildings=[refs["buildings"][b] for b in spec["buildings"]],
            microspaces=[refs["microspaces"][m] for m in spec["microspaces"]],
            kind=spec.get("kind", "other"),
            origin=spec.get("origin", "committee"),
            origin_department=spec.get("origin_department", ""),
            owners_rights=spec.get("owners_rights", "none"),
        )
        steps = list(spec["steps"])
        # Leaving 方案与决策 needs the decision, its 公示 and the party-member meeting on
        # record (linli/process): those are made in the story (linli/demo/decisions.py and
        # linli/demo/process.py), which then resumes the remaining steps (resume_steps).
        cut = next(
            (i for i, st in enumerate(steps) if st[0] == "stage" and st[1] == "funding"),
            len(steps),
        )
        project = apply_steps(builder, actor, project, spec, steps[:cut])
        if cut < len(steps):
            builder.deferred_steps = getattr(builder, "deferred_steps", [])
            builder.deferred_steps.append((actor, project, spec, steps[cut:]))
        projects.append(project)
    return projects


def apply_steps(builder, actor, project, spec, steps):
    for step in steps:
        if step[0] == "note":
            project_add_note(actor=actor, project=project, note=step[1])
            continue
        _, to_stage, note = step
        if to_stage == "implementation" and spec.get("funding"):
            _funding_plan(actor, project, spec["funding"])
        try:
            moved = project_change_stage(actor=actor, project=project, to_stage=to_stage, note=note)
        except ServiceError as exc:
            if exc.code != "guard":
                raise
            # a stage guard from another app refused: keep the project where it is
            builder.log(f"  ！{project.title} 停在“{project.get_stage_display()}”：{exc}")
            break
        project.stage, project.stage_changed_at = moved.stage, moved.stage_changed_at
    return project


def resume_steps(builder) -> None:
    """The steps after 方案与决策, once the story has put the decisions on record."""
    for actor, project, spec, steps in getattr(builder, "deferred_steps", []):
        apply_steps(builder, actor, project, spec, steps)
    builder.deferred_steps = []


def _funding_plan(actor, project, funding: dict) -> None:
    """Cost estimate and approved sources, so the funding guard lets the project proceed.

    Uses the funding app's services when it is installed; amounts are in yuan here and
    fen there.
    """
    try:
        from linli.funding import services as fs
        from linli.funding.models import SourceStatus
    except ImportError:  # funding app not installed
        return
    plan = fs.plan_open(actor=actor, project=project)
    for name, yuan in funding["items"]:
        fs.cost_item_add(actor=actor, plan=plan, name=name, amount_fen=yuan * 100)
    for kind, name, yuan, *percent in funding["sources"]:
        fs.source_add(
            actor=actor,
            plan=plan,
            kind=kind,
            name=name,
            amount_fen=yuan * 100,
            percent_of_cost=percent[0] if percent else None,
            status=SourceStatus.APPROVED,
        )
