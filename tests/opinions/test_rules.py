"""Each opinions predicate for each role, for an open and a closed conversation.

Managers start, moderate, close and recompute; everyone of the committee reads the
conversation and its groups and takes part while it is open; strangers do nothing."""

from __future__ import annotations

import pytest

from linli.opinions.models import Conversation
from tests.rules_table import assert_table, by_group

pytestmark = pytest.mark.django_db

PERMS = [
    "opinions.view_conversation",
    "opinions.create_conversation",
    "opinions.manage_conversation",
    "opinions.moderate_statement",
    "opinions.participate",
    "opinions.view_results",
    "opinions.recompute_results",
]
TABLE = {
    "open": {"manager": "1111111", "member": "1000110"},
    "closed": {"manager": "1111011", "member": "1000010"},
}


@pytest.mark.parametrize("status", list(TABLE))
def test_predicates_by_role_and_status(world, status):
    conv = Conversation.objects.create(committee=world.committee_a, topic="花园", status=status)
    expected, users = by_group(world, TABLE[status], PERMS)
    assert_table(PERMS, conv, expected, users=users)
