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
        )
        for step in spec["steps"]:
            if step[0] == "note":
                project_add_note(actor=actor, project=project, note=step[1])
                continue
            _, to_stage, note = step
            try:
                project = project_change_stage(
                    actor=actor, project=project, to_stage=to_stage, note=note
                )
            except ServiceError as exc:
                if exc.code != "guard":
                    raise
                # a stage guard from another app refused: keep the project where it is
                builder.log(f"  ！{project.title} 停在“{project.get_stage_display()}”：{exc}")
                break
        projects.append(project)
    return projects
