"""Which area a user may map: the same scopes as the street, district and committee pages."""

from __future__ import annotations

from linli.accounts.scopes import scopes_for
from linli.core.permissions import get_visible, require
from linli.places.models import District, Street
from linli.places.selectors import committees_visible_to


def visible_committee(user, committee_id: int):
    """A committee the user sees (residents, building leaders, staff above): else 404."""
    return get_visible(committees_visible_to(user), pk=committee_id)


def visible_street(user, street_id: int) -> Street:
    """A street the user manages or is paired with as a planner (like its home page): else 404."""
    scopes = scopes_for(user)
    street = get_visible(
        Street.objects.filter(
            id__in=scopes.managed_street_ids | scopes.planner_street_ids
        ).select_related("district"),
        pk=street_id,
    )
    require(user, "places.view_street", street)
    return street


def managed_district(user, district_id: int) -> District:
    district = get_visible(
        District.objects.filter(id__in=scopes_for(user).managed_district_ids), pk=district_id
    )
    require(user, "places.view_district", district)
    return district
