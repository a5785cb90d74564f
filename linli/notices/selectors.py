"""Scoped reads of notices: drafts only for managers, published ones for the committee."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.notices.models import Notice, Objection


def notices_visible_to(user) -> QuerySet[Notice]:
    scopes = scopes_for(user)
    return (
        Notice.objects.filter(
            Q(committee_id__in=scopes.managed_committee_ids)
            | (Q(committee_id__in=scopes.visible_committee_ids) & ~Q(status=Notice.Status.DRAFT))
        )
        .select_related("committee", "committee__street", "project")
        .annotate(
            n_objections=Count("objections", distinct=True),
            n_unanswered=Count(
                "objections", filter=Q(objections__responded_at__isnull=True), distinct=True
            ),
        )
    )


def objections_visible_to(user) -> QuerySet[Objection]:
    """Managers see every objection of their committees; others only their own."""
    scopes = scopes_for(user)
    if not getattr(user, "is_authenticated", False):
        return Objection.objects.none()
    return Objection.objects.filter(
        Q(notice__committee_id__in=scopes.managed_committee_ids)
        | Q(author=user, notice__committee_id__in=scopes.visible_committee_ids)
    ).select_related("notice", "author", "responded_by")


def unanswered_objections_of_project(project) -> QuerySet[Objection]:
    return Objection.objects.filter(notice__project=project, responded_at__isnull=True)
