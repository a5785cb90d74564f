"""What parts of the hierarchy an account may see and manage, from its role assignments.

Computed once per request (cached on the user object) with a handful of queries, and used
by the rules predicates and by every selector, so pages, API and exports agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linli.accounts.models import Role

MANAGER_ROLES = {Role.COMMITTEE_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN}


@dataclass(frozen=True)
class Scopes:
    # committees whose registry and projects the user runs (staff of it, its street, its district)
    managed_committee_ids: frozenset[int] = field(default_factory=frozenset)
    # committees whose community-level pages the user may read
    visible_committee_ids: frozenset[int] = field(default_factory=frozenset)
    managed_street_ids: frozenset[int] = field(default_factory=frozenset)
    managed_district_ids: frozenset[int] = field(default_factory=frozenset)
    planner_street_ids: frozenset[int] = field(default_factory=frozenset)
    led_building_ids: frozenset[int] = field(default_factory=frozenset)
    resident_flat_ids: frozenset[int] = field(default_factory=frozenset)
    owners_committee_compound_ids: frozenset[int] = field(default_factory=frozenset)
    property_compound_ids: frozenset[int] = field(default_factory=frozenset)
    # committees whose residential party organisation (居民区党组织) the user speaks for
    party_committee_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    is_superuser: bool = False

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_committee_ids)


EMPTY = Scopes()


def scopes_for(user) -> Scopes:
    """The user's scopes; anonymous users have none. Superusers see everything."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_linli_scopes", None)
    if cached is not None:
        return cached
    scopes = _compute(user)
    user._linli_scopes = scopes
    return scopes


def _compute(user) -> Scopes:
    from linli.places.models import Building, Committee, Compound, Flat

    if user.is_superuser:
        all_ids = frozenset(Committee.objects.values_list("id", flat=True))
        from linli.places.models import District, Street

        return Scopes(
            managed_committee_ids=all_ids,
            visible_committee_ids=all_ids,
            managed_street_ids=frozenset(Street.objects.values_list("id", flat=True)),
            managed_district_ids=frozenset(District.objects.values_list("id", flat=True)),
            roles=frozenset({"superuser"}),
            is_superuser=True,
        )

    assignments = list(user.roles.all())
    by_role: dict[str, set[int]] = {}
    for a in assignments:
        by_role.setdefault(a.role, set()).add(getattr(a, f"{a.scope_level}_id"))

    district_ids = by_role.get(Role.DISTRICT_ADMIN, set())
    street_ids = by_role.get(Role.STREET_STAFF, set())
    planner_streets = by_role.get(Role.PLANNER, set())
    staff_committees = by_role.get(Role.COMMITTEE_STAFF, set())
    partner_committees = by_role.get(Role.PARTNER, set())
    party_committees = by_role.get(Role.PARTY_ORG, set())
    led_buildings = by_role.get(Role.BUILDING_LEADER, set())
    flats = by_role.get(Role.RESIDENT, set())
    oc_compounds = by_role.get(Role.OWNERS_COMMITTEE, set())
    pc_compounds = by_role.get(Role.PROPERTY_COMPANY, set())

    managed: set[int] = set(staff_committees)
    if street_ids:
        managed |= set(
            Committee.objects.filter(street_id__in=street_ids).values_list("id", flat=True)
        )
    if district_ids:
        managed |= set(
            Committee.objects.filter(street__district_id__in=district_ids).values_list(
                "id", flat=True
            )
        )
        street_ids = street_ids | set(
            Committee.objects.filter(street__district_id__in=district_ids).values_list(
                "street_id", flat=True
            )
        )

    visible: set[int] = set(managed) | set(partner_committees) | set(party_committees)
    if planner_streets:
        visible |= set(
            Committee.objects.filter(street_id__in=planner_streets).values_list("id", flat=True)
        )
    if led_buildings:
        visible |= set(
            Building.objects.filter(id__in=led_buildings).values_list(
                "compound__committee_id", flat=True
            )
        )
    if flats:
        visible |= set(
            Flat.objects.filter(id__in=flats).values_list(
                "building__compound__committee_id", flat=True
            )
        )
    if oc_compounds or pc_compounds:
        visible |= set(
            Compound.objects.filter(id__in=oc_compounds | pc_compounds).values_list(
                "committee_id", flat=True
            )
        )

    return Scopes(
        managed_committee_ids=frozenset(managed),
        visible_committee_ids=frozenset(visible),
        managed_street_ids=frozenset(street_ids),
        managed_district_ids=frozenset(district_ids),
        planner_street_ids=frozenset(planner_streets),
        led_building_ids=frozenset(led_buildings),
        resident_flat_ids=frozenset(flats),
        owners_committee_compound_ids=frozenset(oc_compounds),
        property_compound_ids=frozenset(pc_compounds),
        party_committee_ids=frozenset(party_committees),
        roles=frozenset(by_role),
    )


def forget_scopes(user) -> None:
    """Drop the cached scopes after role changes."""
    if hasattr(user, "_linli_scopes"):
        del user._linli_scopes
