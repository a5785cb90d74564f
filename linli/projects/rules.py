"""Permission predicates for projects (same names in views, API and templates)."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def project_not_done(user, project) -> bool:
    return project is not None and project.stage != "done"


@rules.predicate
def sees_a_partner_committee(user, project) -> bool:
    """The project spans a committee the user sees (Project.partner_committees)."""
    from linli.accounts.scopes import scopes_for

    if (
        project is None
        or not getattr(project, "pk", None)
        or not hasattr(project, "partner_committees")
    ):
        return False
    ids = scopes_for(user).visible_committee_ids
    return bool(ids) and project.partner_committees.filter(pk__in=ids).exists()


rules.add_perm("projects.view_project", can_view_community | sees_a_partner_committee)
rules.add_perm("projects.create_project", can_manage_community)
rules.add_perm("projects.change_stage", can_manage_community & project_not_done)
rules.add_perm("projects.add_note", can_manage_community)
rules.add_perm("projects.edit_project", can_manage_community)
