"""Named permission predicates for notifications and the door-to-door list."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.hierarchy import committee_id_of


@rules.predicate
def leads_or_manages_building(user, building) -> bool:
    """The building's leader (楼组长), or staff managing its committee."""
    if building is None:
        return False
    scopes = scopes_for(user)
    if building.pk in scopes.led_building_ids:
        return True
    return committee_id_of(building) in scopes.managed_committee_ids


@rules.predicate
def owns_notification(user, notification) -> bool:
    return notification is not None and notification.recipient_id == getattr(user, "pk", None)


rules.add_perm("notifications.door_list", leads_or_manages_building)
rules.add_perm("notifications.record_door_contact", leads_or_manages_building)
rules.add_perm("notifications.read", owns_notification)
