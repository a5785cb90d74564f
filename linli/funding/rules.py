"""Named predicates for money: the same names guard pages, API and templates."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.rules import can_manage_community, can_view_community


def _project(obj):
    from linli.funding.models import BotContract, FundingPlan, JournalEntry
    from linli.projects.models import Project

    if isinstance(obj, Project):
        return obj
    if isinstance(obj, FundingPlan | BotContract):
        return obj.project
    if isinstance(obj, JournalEntry):
        return obj.plan.project
    return None


def _has_duty(user, obj, duty: str) -> bool:
    from linli.funding.models import FundingDuty

    project = _project(obj)
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_funding_duties", None)
    if cache is None:
        cache = set(
            FundingDuty.objects.filter(user=user).values_list("committee_id", "project_id", "duty")
        )
        user._funding_duties = cache
    return (project.committee_id, project.pk, duty) in cache or (
        project.committee_id,
        None,
        duty,
    ) in cache


@rules.predicate
def is_accountant(user, obj) -> bool:
    return _has_duty(user, obj, "accountant")


@rules.predicate
def is_cashier(user, obj) -> bool:
    return _has_duty(user, obj, "cashier")


@rules.predicate
def is_supervisor(user, obj) -> bool:
    return _has_duty(user, obj, "supervisor")


@rules.predicate
def has_any_duty(user, obj) -> bool:
    return is_accountant(user, obj) or is_cashier(user, obj) or is_supervisor(user, obj)


@rules.predicate
def leads_project_building(user, obj) -> bool:
    project = _project(obj)
    if project is None:
        return False
    led = scopes_for(user).led_building_ids
    return bool(led) and project.buildings.filter(pk__in=led).exists()


rules.add_perm("funding.view_public", can_view_community)
rules.add_perm("funding.view_books", can_manage_community | has_any_duty)
rules.add_perm("funding.manage_plan", can_manage_community)
rules.add_perm("funding.assign_duty", can_manage_community)
rules.add_perm("funding.record_entry", is_accountant)
rules.add_perm("funding.confirm_entry", is_cashier)
rules.add_perm("funding.review_entry", is_supervisor)
rules.add_perm(
    "funding.view_contributions", can_manage_community | has_any_duty | leads_project_building
)
rules.add_perm("funding.manage_bot", can_manage_community)
