"""Scoped reads of needs, supports, needs lists and micro-space reports (no unscoped list)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.needs.models import Need, NeedsList, NeedSupport, SpaceReport


def needs_visible_to(user) -> QuerySet[Need]:
    return Need.objects.filter(
        committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related(
        "committee", "building", "building__compound", "microspace", "compound", "merged_into"
    )


def primary_needs(user, committee) -> QuerySet[Need]:
    """Needs of a committee that stand on their own (not merged into another)."""
    return needs_visible_to(user).filter(committee=committee, merged_into__isnull=True)


def supports_of_committee(committee_id: int) -> QuerySet[NeedSupport]:
    """Every support row of a committee's needs (used for counts; callers are scoped)."""
    return NeedSupport.objects.filter(need__committee_id=committee_id)


def needs_lists_visible_to(user) -> QuerySet[NeedsList]:
    scopes = scopes_for(user)
    return NeedsList.objects.filter(
        Q(committee_id__in=scopes.visible_committee_ids)
        | Q(street_id__in=scopes.managed_street_ids | scopes.planner_street_ids)
    ).select_related("committee", "street", "created_by")


def published_list(token: str) -> NeedsList:
    """A published list by its public link (the public read-only page needs no login)."""
    from django.http import Http404

    lst = (
        NeedsList.objects.filter(public_token=token, published_at__isnull=False)
        .select_related("committee", "street")
        .first()
    )
    if lst is None:
        raise Http404
    return lst


def space_reports_visible_to(user) -> QuerySet[SpaceReport]:
    """Managers see their committees' reports; everyone else the reports they made."""
    scopes = scopes_for(user)
    if not getattr(user, "is_authenticated", False):
        return SpaceReport.objects.none()
    return SpaceReport.objects.filter(
        Q(committee_id__in=scopes.managed_committee_ids)
        | Q(reported_by=user, committee_id__in=scopes.visible_committee_ids)
    ).select_related("compound", "building", "microspace", "reported_by")
