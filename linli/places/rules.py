"""Named permission predicates for the registry, shared by pages, API and templates."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.hierarchy import building_id_of, committee_id_of


@rules.predicate
def can_view_community(user, obj) -> bool:
    """Anyone with a role in or above the object's committee may read its community pages."""
    cid = committee_id_of(obj)
    return cid is not None and cid in scopes_for(user).visible_committee_ids


@rules.predicate
def can_manage_community(user, obj) -> bool:
    """Committee staff of the committee, staff of its street, admins of its district."""
    cid = committee_id_of(obj)
    return cid is not None and cid in scopes_for(user).managed_committee_ids


@rules.predicate
def leads_building_of(user, obj) -> bool:
    bid = building_id_of(obj)
    return bid is not None and bid in scopes_for(user).led_building_ids


@rules.predicate
def lives_in_flat(user, obj) -> bool:
    from linli.places.models import Flat

    return isinstance(obj, Flat) and obj.pk in scopes_for(user).resident_flat_ids


@rules.predicate
def manages_a_street(user, street) -> bool:
    return street is not None and street.pk in scopes_for(user).managed_street_ids


@rules.predicate
def manages_district(user, district) -> bool:
    return district is not None and district.pk in scopes_for(user).managed_district_ids


@rules.predicate
def is_planner_of_street(user, street) -> bool:
    return street is not None and street.pk in scopes_for(user).planner_street_ids


rules.add_perm("places.view_committee", can_view_community)
rules.add_perm("places.manage_committee", can_manage_community)
rules.add_perm("places.view_building_roster", can_manage_community | leads_building_of)
rules.add_perm("places.view_flat", can_manage_community | leads_building_of | lives_in_flat)
rules.add_perm("places.see_contacts", can_manage_community)
rules.add_perm("places.import_roster", can_manage_community)
rules.add_perm("places.edit_microspace", can_manage_community)
rules.add_perm("places.view_street", manages_a_street | is_planner_of_street)
rules.add_perm("places.view_district", manages_district)
