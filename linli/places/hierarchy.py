"""Resolving any registry or domain object to the committee (and street) it belongs to."""

from __future__ import annotations


def committee_id_of(obj) -> int | None:
    """The committee id an object belongs to, following the hierarchy upwards.

    Domain objects of later apps only need a ``committee_id`` attribute or a ``committee``
    property to take part in the same permission rules.
    """
    from linli.places.models import Building, Committee, Compound, Flat, Household, MicroSpace

    if obj is None:
        return None
    if isinstance(obj, Committee):
        return obj.pk
    if isinstance(obj, Compound):
        return obj.committee_id
    if isinstance(obj, Building):
        return obj.compound.committee_id
    if isinstance(obj, Flat):
        return obj.building.compound.committee_id
    if isinstance(obj, Household):
        return obj.flat.building.compound.committee_id
    if isinstance(obj, MicroSpace):
        return obj.compound.committee_id
    if hasattr(obj, "committee_id"):
        return obj.committee_id
    committee = getattr(obj, "committee", None)
    return committee.pk if committee is not None else None


def building_id_of(obj) -> int | None:
    from linli.places.models import Building, Flat, Household

    if isinstance(obj, Building):
        return obj.pk
    if isinstance(obj, Flat):
        return obj.building_id
    if isinstance(obj, Household):
        return obj.flat.building_id
    return None
