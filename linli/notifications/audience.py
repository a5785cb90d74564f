"""Who lives where, as accounts: the recipients of a message about a place."""

from __future__ import annotations

from django.db.models import Q


def flats_of(*, committee_id=None, compound_ids=(), building_ids=()):
    """Flats of the given buildings and compounds; with neither, the whole committee."""
    from linli.places.models import Flat

    compound_ids, building_ids = list(compound_ids or ()), list(building_ids or ())
    if compound_ids or building_ids:
        flats = Flat.objects.filter(
            Q(building_id__in=building_ids) | Q(building__compound_id__in=compound_ids)
        )
        if committee_id is not None:
            flats = flats.filter(building__compound__committee_id=committee_id)
        return flats
    return Flat.objects.filter(building__compound__committee_id=committee_id)


def resident_user_ids(flat_ids) -> set[int]:
    """Accounts of people living in or owning these flats: residents by role, and people of
    the registry (residents and owners) linked to an account."""
    from linli.accounts.models import Role, RoleAssignment
    from linli.places.models import Person

    ids = set(
        RoleAssignment.objects.filter(role=Role.RESIDENT, flat_id__in=flat_ids).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(
        Person.objects.filter(user__isnull=False)
        .filter(
            Q(residencies__household__flat_id__in=flat_ids) | Q(ownerships__flat_id__in=flat_ids)
        )
        .values_list("user_id", flat=True)
    )
    return ids


def role_user_ids(committee, roles) -> set[int]:
    """Accounts holding one of ``roles`` in the committee (or over it: street, district)."""
    from linli.accounts.models import RoleAssignment

    if not roles:
        return set()
    where = (
        Q(committee_id=committee.pk)
        | Q(compound__committee_id=committee.pk)
        | Q(building__compound__committee_id=committee.pk)
        | Q(flat__building__compound__committee_id=committee.pk)
        | Q(street_id=committee.street_id)
        | Q(district_id=committee.street.district_id)
    )
    return set(
        RoleAssignment.objects.filter(role__in=list(roles))
        .filter(where)
        .values_list("user_id", flat=True)
    )
