"""Street A's partner organisation with a secretariat member, and an applicant."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from linli.partners import services
from linli.partners.models import CommitteeKind


def build_org(world):
    from linli.accounts.models import Role
    from tests.factories import make_user

    street_staff = world.users.street_a
    org = services.organisation_create(actor=street_staff, street=world.street_a, name="殷行合伙人")
    committees = {c.kind: c for c in org.committees.all()}
    sec_user = make_user(Role.RESIDENT, world.flat_a2, name="秘书长老李")
    p = services.partner_recommend(
        actor=street_staff,
        organisation=org,
        name="秘书长老李",
        mobile=sec_user.mobile,
        home_committee=world.committee_a,
        profession="retiree",
        recommendation="退休教师，热心公益",
    )
    p = services.partner_approve(
        actor=street_staff, partner=p, partner_committee=committees[CommitteeKind.GOVERNANCE]
    )
    p = services.partner_update(
        actor=street_staff,
        partner=p,
        partner_committee=p.partner_committee,
        in_secretariat=True,
        secretariat_title="秘书长",
    )
    sec_user.refresh_from_db()
    return SimpleNamespace(org=org, committees=committees, secretary=sec_user, secretary_partner=p)


@pytest.fixture
def org(world):
    return build_org(world)
