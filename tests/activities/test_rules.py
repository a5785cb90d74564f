"""Each activity predicate for each role."""

from __future__ import annotations

import pytest

from linli.activities import services
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db


def test_activity_rules_by_role(world, act):
    u = world.users
    a = act.activity
    sees = {
        u.street_a,
        u.district,
        u.staff_a,
        u.resident_a,
        u.leader_a,
        u.planner_a,
        act.org.secretary,
    }
    for user in sees | {u.staff_b, u.resident_b, u.outsider}:
        for perm in (
            "activities.view_activity",
            "activities.sign_up",
            "activities.check_in",
            "activities.vote",
        ):
            assert user.has_perm(perm, a) is (user in sees), (perm, user.name)
    # street-wide activity (no 居委会): the street, the district and the secretariat manage it
    street_wide = make_activity(world, act.org, compound=None, place="街道广场", title="街道沙龙")
    for user, allowed in {
        u.street_a: True, u.district: True, act.org.secretary: True, u.staff_a: False,
        u.resident_a: False, u.planner_a: False, u.staff_b: False,
    }.items():  # fmt: skip
        assert user.has_perm("activities.manage_activity", street_wide) is allowed, user.name
    # an activity held in a 居委会's compound or organised by it: its staff manage it too
    assert u.staff_a.has_perm("activities.manage_activity", a)
    own = make_activity(
        world,
        act.org,
        actor=u.staff_a,
        organiser="committee",
        committee=world.committee_a,
        partner_committee=None,
    )
    assert u.staff_a.has_perm("activities.manage_activity", own)
    assert not u.staff_b.has_perm("activities.manage_activity", own)
    # creating: street staff, secretariat, the street's committee staff
    for user, allowed in {
        u.street_a: True, act.org.secretary: True, u.staff_a: True, u.resident_a: False, u.staff_b: False,
    }.items():  # fmt: skip
        assert user.has_perm("activities.create_activity", world.street_a) is allowed, user.name
    # jurors score contests only
    contest = make_activity(world, act.org, kind="contest")
    services.juror_add(actor=u.street_a, activity=contest, user=u.planner_a)
    assert u.planner_a.has_perm("activities.score", contest)
    assert not u.resident_a.has_perm("activities.score", contest)
    assert not u.planner_a.has_perm("activities.score", a)
