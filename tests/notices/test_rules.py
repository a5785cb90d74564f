"""Each notices predicate for each role, for a draft, an open and an expired notice.

Residents see a notice once it is published and may object only while it is open;
drafts, management and answers belong to the committee's managers (its staff, its street,
its district). Another committee's staff and residents, and a user without a role, may do
nothing with it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.notices.models import Notice
from tests.rules_table import assert_table, by_group

pytestmark = pytest.mark.django_db

PERMS = [
    "notices.create_notice",
    "notices.manage_notice",
    "notices.view_notice",
    "notices.object",
    "notices.respond",
]
# expected per role, in the order of PERMS
TABLE = {
    "draft": {"manager": "11101", "member": "00000"},
    "open": {"manager": "11111", "member": "00110"},
    "expired": {"manager": "11101", "member": "00100"},
}


def _notice(world, state: str) -> Notice:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    fields = {
        "draft": {},
        "open": {"status": "published", "starts_at": now - day, "ends_at": now + 5 * day},
        "expired": {"status": "published", "starts_at": now - 10 * day, "ends_at": now - day},
    }[state]
    return Notice.objects.create(
        committee=world.committee_a, kind="other", title="公示", body="内容", **fields
    )


@pytest.mark.parametrize("state", list(TABLE))
def test_predicates_by_role_and_period(world, state):
    expected, users = by_group(world, TABLE[state], PERMS)
    assert_table(PERMS, _notice(world, state), expected, users=users)


def test_objections_close_with_the_period(world):
    """The same notice, judged at three moments: before, during and after its period."""
    notice = _notice(world, "open")
    assert notice.is_open_for_objections()
    assert not notice.is_open_for_objections(now=notice.starts_at - datetime.timedelta(seconds=1))
    assert not notice.is_open_for_objections(now=notice.ends_at + datetime.timedelta(seconds=1))
