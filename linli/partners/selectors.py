"""Scoped reads of partner records: the streets a user has a role in (partners.rules)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from linli.partners.models import (
    CoBuildingUnit,
    Contribution,
    Partner,
    PartnerCommittee,
    PartnerOrganisation,
    PartnerTeam,
)
from linli.partners.rules import streets_seen


def organisations_visible_to(user) -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.filter(street_id__in=streets_seen(user)).select_related(
        "street", "street__district"
    )


def partners_visible_to(user) -> QuerySet[Partner]:
    return Partner.objects.filter(organisation__street_id__in=streets_seen(user)).select_related(
        "organisation", "home_committee", "partner_committee"
    )


def teams_visible_to(user) -> QuerySet[PartnerTeam]:
    return PartnerTeam.objects.filter(
        organisation__street_id__in=streets_seen(user)
    ).select_related("organisation", "partner_committee", "leader")


def committees_visible_to(user) -> QuerySet[PartnerCommittee]:
    return PartnerCommittee.objects.filter(
        organisation__street_id__in=streets_seen(user)
    ).select_related("organisation", "leader")


def units_visible_to(user) -> QuerySet[CoBuildingUnit]:
    return CoBuildingUnit.objects.filter(street_id__in=streets_seen(user)).select_related("street")


def contributions_visible_to(user) -> QuerySet[Contribution]:
    return Contribution.objects.filter(
        organisation__street_id__in=streets_seen(user)
    ).select_related("partner", "unit", "project", "activity")


def organisation_summary(org: PartnerOrganisation) -> dict:
    """Counts shown on the organisation page (the "1+5+n" at a glance)."""
    by_status = dict(
        org.partners.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    money = org.contributions.aggregate(
        fen=Sum("amount_fen", filter=Q(kind=Contribution.Kind.MONEY)),
        hours=Sum("hours"),
        n=Count("id"),
    )
    return {
        "active": by_status.get(Partner.Status.ACTIVE, 0),
        "applied": by_status.get(Partner.Status.APPLIED, 0),
        "teams": org.teams.count(),
        "units": CoBuildingUnit.objects.filter(street_id=org.street_id, active=True).count(),
        "contributions": money["n"] or 0,
        "money_fen": money["fen"] or 0,
        "hours": money["hours"] or 0,
    }


def committees_with_members(org: PartnerOrganisation) -> list[PartnerCommittee]:
    committees = list(
        org.committees.select_related("leader").annotate(
            n_members=Count("members", filter=Q(members__status=Partner.Status.ACTIVE))
        )
    )
    members: dict[int, list[Partner]] = {}
    for p in org.partners.filter(status=Partner.Status.ACTIVE).order_by("name"):
        members.setdefault(p.partner_committee_id, []).append(p)
    for c in committees:
        c.member_list = members.get(c.pk, [])
    return committees
