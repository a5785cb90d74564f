"""Scoped reads of the registry. Every list takes the acting user and filters by scope."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from linli.accounts.scopes import scopes_for
from linli.places.models import (
    Building,
    Committee,
    Compound,
    Facility,
    Flat,
    MicroSpace,
    Person,
    Street,
)


def committees_visible_to(user) -> QuerySet[Committee]:
    return Committee.objects.filter(id__in=scopes_for(user).visible_committee_ids).select_related(
        "street", "street__district"
    )


def committees_managed_by(user) -> QuerySet[Committee]:
    return Committee.objects.filter(id__in=scopes_for(user).managed_committee_ids).select_related(
        "street", "street__district"
    )


def streets_managed_by(user) -> QuerySet[Street]:
    return Street.objects.filter(id__in=scopes_for(user).managed_street_ids).select_related(
        "district"
    )


def compounds_visible_to(user) -> QuerySet[Compound]:
    return Compound.objects.filter(
        committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("committee")


def buildings_visible_to(user) -> QuerySet[Building]:
    return Building.objects.filter(
        compound__committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("compound")


def flats_visible_to(user) -> QuerySet[Flat]:
    """Managers see every flat of their committees; building leaders their buildings; residents their flat."""
    scopes = scopes_for(user)
    from django.db.models import Q

    return Flat.objects.filter(
        Q(building__compound__committee_id__in=scopes.managed_committee_ids)
        | Q(building_id__in=scopes.led_building_ids)
        | Q(id__in=scopes.resident_flat_ids)
    ).select_related("building", "building__compound")


def persons_visible_to(user) -> QuerySet[Person]:
    """People registered in flats the user may see (as owners or residents)."""
    flats = flats_visible_to(user).values("id")
    from django.db.models import Q

    return Person.objects.filter(
        Q(ownerships__flat__in=flats) | Q(residencies__household__flat__in=flats)
    ).distinct()


def microspaces_visible_to(user) -> QuerySet[MicroSpace]:
    return MicroSpace.objects.filter(
        compound__committee_id__in=scopes_for(user).visible_committee_ids
    ).select_related("compound", "building")


def facilities_visible_to(user) -> QuerySet[Facility]:
    scopes = scopes_for(user)
    street_ids = set(
        Committee.objects.filter(id__in=scopes.visible_committee_ids).values_list(
            "street_id", flat=True
        )
    )
    return Facility.objects.filter(street_id__in=street_ids)


def committee_summary(committee: Committee) -> dict:
    """Counts shown on a committee's workbench."""
    compounds = Compound.objects.filter(committee=committee)
    buildings = Building.objects.filter(compound__committee=committee)
    flats = Flat.objects.filter(building__compound__committee=committee)
    from linli.places.models import Residency

    return {
        "compounds": compounds.count(),
        "buildings": buildings.count(),
        "flats": flats.count(),
        "residents": Residency.objects.filter(
            household__flat__building__compound__committee=committee
        )
        .values("person")
        .distinct()
        .count(),
        "microspaces": MicroSpace.objects.filter(compound__committee=committee).count(),
    }


def street_committees_overview(street: Street) -> QuerySet[Committee]:
    return street.committees.annotate(
        n_compounds=Count("compounds", distinct=True), n_projects=Count("projects", distinct=True)
    ).order_by("name")
