"""Named permission predicates for opinion conversations."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def conversation_is_open(user, conversation) -> bool:
    return conversation is not None and conversation.is_open()


rules.add_perm("opinions.view_conversation", can_view_community)
rules.add_perm("opinions.create_conversation", can_manage_community)
rules.add_perm("opinions.manage_conversation", can_manage_community)
rules.add_perm("opinions.moderate_statement", can_manage_community)
rules.add_perm("opinions.participate", can_view_community & conversation_is_open)
rules.add_perm("opinions.view_results", can_view_community)
rules.add_perm("opinions.recompute_results", can_manage_community)
