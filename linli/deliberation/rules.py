"""Named permission predicates for meetings (same names in views, API and templates)."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def is_owners_committee_of_meeting(user, meeting) -> bool:
    """An owners' committee member runs the owners' meetings it convenes in its compound."""
    return (
        meeting is not None
        and getattr(meeting, "convener", None) == "owners_committee"
        and meeting.compound_id in scopes_for(user).owners_committee_compound_ids
    )


@rules.predicate
def has_owners_committee_in(user, committee) -> bool:
    from linli.places.models import Compound

    ids = scopes_for(user).owners_committee_compound_ids
    return bool(ids) and Compound.objects.filter(id__in=ids, committee=committee).exists()


@rules.predicate
def leads_building_in(user, committee) -> bool:
    from linli.places.models import Building

    ids = scopes_for(user).led_building_ids
    return bool(ids) and Building.objects.filter(id__in=ids, compound__committee=committee).exists()


@rules.predicate
def is_building_leader_of_meeting(user, meeting) -> bool:
    """A building leader runs the building meetings (楼组会议) of the buildings they lead."""
    if meeting is None or getattr(meeting, "convener", None) != "building_leader":
        return False
    buildings = {b.pk for b in meeting.invitee_buildings.all()}
    return bool(buildings) and buildings <= set(scopes_for(user).led_building_ids)


@rules.predicate
def is_party_org_in(user, committee) -> bool:
    """The residential party organisation (居民区党组织) of this committee."""
    return committee is not None and committee.pk in scopes_for(user).party_committee_ids


@rules.predicate
def is_party_org_of_meeting(user, meeting) -> bool:
    """The party organisation runs the meetings it convenes in its committee."""
    return (
        meeting is not None
        and getattr(meeting, "convener", None) == "party_org"
        and meeting.committee_id in scopes_for(user).party_committee_ids
    )


@rules.predicate
def meeting_open(user, meeting) -> bool:
    return meeting is not None and meeting.status == "scheduled"


@rules.predicate
def is_invited(user, meeting) -> bool:
    """No invitee list means the whole scope is invited; otherwise by role or building."""
    if meeting is None:
        return False
    roles = set(meeting.invitee_roles or [])
    buildings = {b.pk for b in meeting.invitee_buildings.all()}
    if not roles and not buildings:
        return True
    scopes = scopes_for(user)
    if roles & set(scopes.roles):
        return True
    if buildings:
        from linli.places.models import Flat

        if buildings & set(scopes.led_building_ids):
            return True
        flat_buildings = set(
            Flat.objects.filter(id__in=scopes.resident_flat_ids).values_list(
                "building_id", flat=True
            )
        )
        if buildings & flat_buildings:
            return True
    return False


manage_meeting = (
    can_manage_community
    | is_owners_committee_of_meeting
    | is_building_leader_of_meeting
    | is_party_org_of_meeting
)

rules.add_perm("deliberation.view_meeting", can_view_community)
rules.add_perm(
    "deliberation.create_meeting",
    can_manage_community | has_owners_committee_in | leads_building_in | is_party_org_in,
)
rules.add_perm("deliberation.manage_meeting", manage_meeting)
rules.add_perm("deliberation.sign_in_others", manage_meeting & meeting_open)
rules.add_perm("deliberation.check_in", can_view_community & meeting_open & is_invited)
rules.add_perm("deliberation.edit_minutes", manage_meeting)
rules.add_perm("deliberation.approve_minutes", manage_meeting)
rules.add_perm("deliberation.record_siyi", can_manage_community)
