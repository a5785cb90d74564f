"""Named predicates of implementation and O&M; the same names guard pages, API and templates.

A user acts on a project through the usual scopes (committee staff, street, district …) or
through the project's working group (项目工作组): a contractor contact with no role in the
community can act on this one project only.
"""

from __future__ import annotations

import rules

from linli.accounts.models import Role
from linli.accounts.scopes import scopes_for
from linli.places.rules import can_manage_community, can_view_community, manages_a_street


def project_of(obj):
    """The project an implementation object belongs to (or the object if it is one)."""
    from linli.projects.models import Project

    if obj is None:
        return None
    if isinstance(obj, Project):
        return obj
    for attr in ("project", "procurement", "contract", "review", "site"):
        parent = getattr(obj, attr, None)
        if parent is not None:
            return project_of(parent)
    return None


def group_roles(user, project) -> set[str]:
    """The user's roles in the project's working group (cached per user and project)."""
    from linli.implementation.models import WorkingGroupMember

    if project is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_impl_group_roles", None)
    if cache is None:
        cache = user._impl_group_roles = {}
    if project.pk not in cache:
        cache[project.pk] = set(
            WorkingGroupMember.objects.filter(project_id=project.pk, user=user).values_list(
                "role", flat=True
            )
        )
    return cache[project.pk]


def forget_group_roles(user) -> None:
    if hasattr(user, "_impl_group_roles"):
        del user._impl_group_roles


@rules.predicate
def manages_project(user, obj) -> bool:
    project = project_of(obj)
    return project is not None and can_manage_community(user, project)


@rules.predicate
def sees_project(user, obj) -> bool:
    project = project_of(obj)
    return project is not None and can_view_community(user, project)


@rules.predicate
def in_working_group(user, obj) -> bool:
    return bool(group_roles(user, project_of(obj)))


@rules.predicate
def group_contractor(user, obj) -> bool:
    return "contractor" in group_roles(user, project_of(obj))


@rules.predicate
def group_supervisor(user, obj) -> bool:
    """Working-group members who supervise on the residents' side (not the contractor)."""
    return bool(
        group_roles(user, project_of(obj))
        & {"resident_rep", "committee", "owners_committee", "planner"}
    )


@rules.predicate
def group_planner(user, obj) -> bool:
    return "planner" in group_roles(user, project_of(obj))


@rules.predicate
def planner_of_project(user, obj) -> bool:
    project = project_of(obj)
    if project is None:
        return False
    street_id = project.committee.street_id
    return street_id in scopes_for(user).planner_street_ids or group_planner(user, project)


@rules.predicate
def owners_committee_of_project(user, obj) -> bool:
    project = project_of(obj)
    if project is None:
        return False
    mine = scopes_for(user).owners_committee_compound_ids
    if not mine:
        return False
    return project.compounds.filter(pk__in=mine).exists() or (
        "owners_committee" in group_roles(user, project)
    )


@rules.predicate
def property_company_of_project(user, obj) -> bool:
    project = project_of(obj)
    if project is None:
        return False
    mine = scopes_for(user).property_compound_ids
    return bool(mine) and project.compounds.filter(pk__in=mine).exists()


@rules.predicate
def is_team_member(user, team) -> bool:
    from linli.implementation.models import TeamMember

    return (
        team is not None
        and getattr(user, "is_authenticated", False)
        and TeamMember.objects.filter(team=team, user=user).exists()
    )


@rules.predicate
def is_team_leader(user, team) -> bool:
    from linli.implementation.models import TeamMember

    return (
        team is not None
        and getattr(user, "is_authenticated", False)
        and TeamMember.objects.filter(team=team, user=user, is_leader=True).exists()
    )


@rules.predicate
def manages_team_committee(user, team) -> bool:
    return team is not None and can_manage_community(user, team.committee)


@rules.predicate
def sees_team_committee(user, team) -> bool:
    return team is not None and can_view_community(user, team.committee)


@rules.predicate
def resident_of_committee(user, obj) -> bool:
    """A resident or building leader of the project's committee (may report, give feedback)."""
    project = project_of(obj)
    s = scopes_for(user)
    return (
        project is not None
        and project.committee_id in s.visible_committee_ids
        and bool(s.roles & {Role.RESIDENT, Role.BUILDING_LEADER})
    )


view_project = manages_project | sees_project | in_working_group
rules.add_perm("implementation.view_project", view_project)
rules.add_perm("implementation.manage", manages_project)
rules.add_perm("implementation.manage_companies", manages_a_street)
rules.add_perm("implementation.record_progress", manages_project | group_contractor)
rules.add_perm("implementation.write_site_log", manages_project | in_working_group)
rules.add_perm("implementation.give_feedback", sees_project | in_working_group)
rules.add_perm("implementation.answer_feedback", manages_project | group_supervisor)
rules.add_perm("implementation.propose_change", manages_project | group_contractor)
rules.add_perm("implementation.approve_change", group_supervisor)
rules.add_perm("implementation.record_review", manages_project | group_planner)
rules.add_perm("implementation.close_defect", manages_project | group_supervisor)
rules.add_perm("implementation.view_team", manages_team_committee | sees_team_committee)
rules.add_perm("implementation.manage_team", manages_team_committee)
rules.add_perm("implementation.set_rota", manages_team_committee | is_team_leader)
rules.add_perm("implementation.patrol", is_team_member)
rules.add_perm("implementation.report_fault", sees_project | in_working_group)
rules.add_perm("implementation.handle_ticket", manages_project | property_company_of_project)
