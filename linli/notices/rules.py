"""Named permission predicates for notices and objections."""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.hierarchy import committee_id_of
from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def notice_is_public(user, notice) -> bool:
    return notice is not None and notice.status != "draft"


@rules.predicate
def has_role_in_committee(user, obj) -> bool:
    """A logged-in user with a role whose scope lies in (or above) the notice's committee."""
    cid = committee_id_of(obj)
    return cid is not None and cid in scopes_for(user).visible_committee_ids


@rules.predicate
def open_for_objections(user, notice) -> bool:
    return notice is not None and notice.is_open_for_objections()


rules.add_perm("notices.create_notice", can_manage_community)
rules.add_perm("notices.manage_notice", can_manage_community)
rules.add_perm(
    "notices.view_notice", can_manage_community | (can_view_community & notice_is_public)
)
rules.add_perm("notices.object", has_role_in_committee & open_for_objections)
rules.add_perm("notices.respond", can_manage_community)
