"""Permission predicates for projects (same names in views, API and templates)."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def project_not_done(user, project) -> bool:
    return project is not None and project.stage != "done"


rules.add_perm("projects.view_project", can_view_community)
rules.add_perm("projects.create_project", can_manage_community)
rules.add_perm("projects.change_stage", can_manage_community & project_not_done)
rules.add_perm("projects.add_note", can_manage_community)
rules.add_perm("projects.edit_project", can_manage_community)
