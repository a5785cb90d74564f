"""Each partner predicate for each role."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_partner_rules_by_role(world, org):
    u = world.users
    o = org.org
    cases = {
        "partners.view_organisation": {
            u.street_a: True, u.district: True, u.staff_a: True, u.resident_a: True,
            u.leader_a: True, u.planner_a: True, org.secretary: True,
            u.staff_b: False, u.resident_b: False, u.outsider: False,
        },
        "partners.manage_organisation": {
            u.street_a: True, u.district: True, org.secretary: True, u.staff_a: False,
            u.resident_a: False, u.planner_a: False, u.staff_b: False,
        },
        "partners.review_application": {
            u.street_a: True, org.secretary: True, u.staff_a: False, u.resident_a: False,
        },
        "partners.recommend": {
            u.street_a: True, org.secretary: True, u.staff_a: True, u.staff_b: False,
            u.resident_a: False,
        },
        "partners.apply": {u.resident_a: True, u.resident_b: False, u.outsider: False},
        "partners.manage_secretariat": {u.street_a: True, org.secretary: False},
    }  # fmt: skip
    for perm, expected in cases.items():
        for user, allowed in expected.items():
            assert user.has_perm(perm, o) is allowed, (perm, user.name)
    p = org.secretary_partner
    assert org.secretary.has_perm("partners.see_partner_contacts", p)
    assert u.street_a.has_perm("partners.see_partner_contacts", p)
    assert not u.resident_a.has_perm("partners.see_partner_contacts", p)
