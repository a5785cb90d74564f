"""Named permission predicates for needs intake and the needs list.

- ``needs.submit_need``: anyone with a role in the committee (residents, building leaders,
  partners, staff, planners of its street …) may report a need, support one, report a
  micro-space (发现小微).
- ``needs.enter_offline``: committee managers, and building leaders for their own building
  (the object is the building when known, else the committee).
- ``needs.add_photos``: the need's author, and committee managers.
- ``needs.manage_needs``: committee managers (staff, its street, its district): merge, split,
  assess, weights, lists, turning a need into a project, verifying micro-spaces.
"""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.hierarchy import committee_id_of
from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def leads_building_in(user, obj) -> bool:
    """A building leader acting on their building (or on a need recorded for it)."""
    from linli.places.models import Building

    led = scopes_for(user).led_building_ids
    if not led:
        return False
    if isinstance(obj, Building):
        return obj.pk in led
    building_id = getattr(obj, "building_id", None)
    return building_id is not None and building_id in led


@rules.predicate
def leads_a_building_of_committee(user, obj) -> bool:
    """A building leader of any building of the object's committee (may open the entry form)."""
    from linli.places.models import Building

    led = scopes_for(user).led_building_ids
    cid = committee_id_of(obj)
    if not led or cid is None:
        return False
    return Building.objects.filter(id__in=led, compound__committee_id=cid).exists()


@rules.predicate
def manages_list_owner(user, needs_list) -> bool:
    """Committee lists: the committee's managers; street roll-ups: the street's managers."""
    if needs_list is None:
        return False
    scopes = scopes_for(user)
    if needs_list.committee_id:
        return needs_list.committee_id in scopes.managed_committee_ids
    return needs_list.street_id in scopes.managed_street_ids


@rules.predicate
def sees_list_owner(user, needs_list) -> bool:
    if needs_list is None:
        return False
    scopes = scopes_for(user)
    if needs_list.committee_id:
        return needs_list.committee_id in scopes.visible_committee_ids
    return needs_list.street_id in (scopes.managed_street_ids | scopes.planner_street_ids)


@rules.predicate
def is_need_author(user, need) -> bool:
    return need is not None and need.author_id is not None and need.author_id == user.pk


rules.add_perm("needs.view_needs", can_view_community)
rules.add_perm("needs.submit_need", can_view_community)
rules.add_perm("needs.support_need", can_view_community)
rules.add_perm("needs.report_space", can_view_community)
rules.add_perm("needs.enter_offline", can_manage_community | leads_building_in)
rules.add_perm("needs.open_offline_form", can_manage_community | leads_a_building_of_committee)
rules.add_perm("needs.manage_needs", can_manage_community)
rules.add_perm("needs.view_list", sees_list_owner)
rules.add_perm("needs.manage_list", manages_list_owner)
# photos of a need: its author, or the committee's managers
rules.add_perm("needs.add_photos", is_need_author | can_manage_community)
