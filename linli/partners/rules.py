"""Named predicates of community partners; the same names guard pages, API and templates.

Street-level records (the organisation, its committees, teams, partners, contributions and
the street's co-building units) are *seen* by everyone with a role in the street (staff,
planners, residents and partners of its committees) and *managed* by the street's staff
(and the district's) and by the organisation's secretariat 秘书处.
"""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for


def streets_seen(user) -> frozenset[int]:
    """Ids of the streets whose partner and activity pages ``user`` may read (cached)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_partners_streets", None)
    if cached is not None:
        return cached
    from linli.partners.models import Partner
    from linli.places.models import Committee, Street

    s = scopes_for(user)
    if s.is_superuser:
        ids = set(Street.objects.values_list("id", flat=True))
    else:
        ids = set(s.managed_street_ids) | set(s.planner_street_ids)
        if s.visible_committee_ids:
            ids |= set(
                Committee.objects.filter(id__in=s.visible_committee_ids).values_list(
                    "street_id", flat=True
                )
            )
        ids |= set(
            Partner.objects.filter(user=user, status=Partner.Status.ACTIVE).values_list(
                "organisation__street_id", flat=True
            )
        )
    user._partners_streets = frozenset(ids)
    return user._partners_streets


def secretariat_streets(user) -> frozenset[int]:
    """Streets whose partner organisation has ``user`` in its secretariat (cached)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_partners_secretariat", None)
    if cached is None:
        from linli.partners.models import Partner

        cached = user._partners_secretariat = frozenset(
            Partner.objects.filter(
                user=user, status=Partner.Status.ACTIVE, in_secretariat=True
            ).values_list("organisation__street_id", flat=True)
        )
    return cached


def forget_partner_scopes(user) -> None:
    for attr in ("_partners_streets", "_partners_secretariat"):
        if hasattr(user, attr):
            delattr(user, attr)


def street_id_of(obj) -> int | None:
    """The street an object of this app (or of activities) belongs to."""
    from linli.partners.models import (
        CoBuildingUnit,
        Contribution,
        Partner,
        PartnerCommittee,
        PartnerOrganisation,
        PartnerTeam,
    )
    from linli.places.models import Street

    if obj is None:
        return None
    if isinstance(obj, Street):
        return obj.pk
    if isinstance(obj, (PartnerOrganisation, CoBuildingUnit)):
        return obj.street_id
    if isinstance(obj, (Partner, PartnerCommittee, PartnerTeam, Contribution)):
        return obj.organisation.street_id
    street_id = getattr(obj, "street_id", None)
    if street_id is not None:
        return street_id
    return None


@rules.predicate
def sees_street_of(user, obj) -> bool:
    sid = street_id_of(obj)
    return sid is not None and sid in streets_seen(user)


@rules.predicate
def manages_street_of(user, obj) -> bool:
    sid = street_id_of(obj)
    return sid is not None and sid in scopes_for(user).managed_street_ids


@rules.predicate
def in_secretariat_of(user, obj) -> bool:
    sid = street_id_of(obj)
    return sid is not None and sid in secretariat_streets(user)


@rules.predicate
def staff_of_a_committee_in_street(user, obj) -> bool:
    """Committee staff (居委会) of a committee of the object's street."""
    sid = street_id_of(obj)
    managed = scopes_for(user).managed_committee_ids
    if sid is None or not managed:
        return False
    from linli.places.models import Committee

    return Committee.objects.filter(id__in=managed, street_id=sid).exists()


@rules.predicate
def is_the_partner(user, partner) -> bool:
    return (
        partner is not None
        and getattr(user, "is_authenticated", False)
        and partner.user_id == user.pk
    )


manage = manages_street_of | in_secretariat_of

rules.add_perm("partners.view_organisation", sees_street_of)
rules.add_perm("partners.manage_organisation", manage)
rules.add_perm("partners.review_application", manage)
rules.add_perm("partners.apply", sees_street_of)
rules.add_perm("partners.recommend", manage | staff_of_a_committee_in_street)
rules.add_perm("partners.see_partner_contacts", manage | is_the_partner)
rules.add_perm("partners.record_contribution", manage)
rules.add_perm("partners.manage_units", manage)
rules.add_perm("partners.manage_secretariat", manages_street_of)
rules.add_perm("partners.create_organisation", manages_street_of)
