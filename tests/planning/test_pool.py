"""Talent pool, pairing (with the PLANNER role granted and revoked), coverage, ratings,
partners and co-building units."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from linli.accounts.models import RoleAssignment
from linli.accounts.scopes import scopes_for
from linli.core.errors import ScopeError, ServiceError
from linli.planning import selectors, services
from linli.planning.models import Pairing
from tests.factories import CommitteeFactory, make_user

pytestmark = pytest.mark.django_db


def test_pairing_grants_and_unpairing_revokes_the_planner_role(world):
    u = world.users
    newcomer = make_user(None, None, name="新规划师")
    planner = services.planner_add(actor=u.district, district=world.district, name="周老师",
                                   profession="architecture", user=newcomer)  # fmt: skip
    pairing = services.planner_pair(actor=u.district, planner=planner, street=world.street_b)
    assert RoleAssignment.objects.filter(
        user=newcomer, role="planner", street=world.street_b
    ).exists()
    assert world.street_b.pk in scopes_for(newcomer).planner_street_ids
    with pytest.raises(ServiceError, match="已与此处结对"):
        services.planner_pair(actor=u.district, planner=planner, street=world.street_b)
    services.planner_unpair(actor=u.district, pairing=pairing)
    assert not RoleAssignment.objects.filter(user=newcomer, role="planner").exists()
    assert Pairing.objects.get(pk=pairing.pk).ended_at is not None  # history kept


def test_only_the_district_keeps_the_pool_and_only_street_managers_pair(world):
    u = world.users
    with pytest.raises(ScopeError):
        services.planner_add(
            actor=u.street_a, district=world.district, name="x", profession="planning"
        )
    planner = services.planner_add(actor=u.district, district=world.district, name="吴老师", profession="planning")  # fmt: skip
    with pytest.raises(ScopeError):  # street A staff may not pair for street B
        services.planner_pair(actor=u.street_a, planner=planner, street=world.street_b)
    with pytest.raises(ScopeError):
        services.planner_pair(actor=u.staff_a, planner=planner, street=world.street_a)
    services.planner_pair(actor=u.street_a, planner=planner, street=world.street_a)


def test_coverage_reports_street_without_planner(world):
    u = world.users
    planner = services.planner_add(actor=u.district, district=world.district, name="林老师", profession="landscape")  # fmt: skip
    services.planner_pair(actor=u.street_a, planner=planner, street=world.street_a)
    extra = CommitteeFactory(street=world.street_a, name="开鲁新村第二居委会")
    cov = selectors.coverage(u.district)
    assert cov["uncovered_streets"] == [world.street_b]
    assert cov["uncovered_committees"] == [world.committee_b]
    assert set(cov["committees_without_own_planner"]) == {
        world.committee_a,
        extra,
        world.committee_b,
    }
    c = Client()
    c.force_login(u.district)
    html = c.get("/planning/coverage/").content.decode()
    assert "五角场街道" in html.split('id="uncovered"')[1].split("</section>")[0]
    c.force_login(u.resident_a)
    assert c.get("/planning/coverage/").status_code == 404


def test_pool_page_masks_contact_for_non_managers(world):
    u = world.users
    services.planner_add(actor=u.district, district=world.district, name="林老师",
                         profession="landscape", mobile="13912345678")  # fmt: skip
    c = Client()
    c.force_login(u.district)
    assert "13912345678" in c.get("/planning/pool/").content.decode()
    c.force_login(u.planner_a)
    assert c.get("/planning/pool/").status_code == 404


def test_committee_rates_its_planner_after_a_project(paired):
    u = paired.users
    services.planner_rate(actor=u.staff_a, planner=paired.planner, project=paired.project, score=5)
    with pytest.raises(ServiceError, match="已经评价"):
        services.planner_rate(
            actor=u.staff_a, planner=paired.planner, project=paired.project, score=4
        )
    with pytest.raises(ScopeError):
        services.planner_rate(
            actor=u.planner_a, planner=paired.planner, project=paired.project, score=5
        )
    assert selectors.planners_visible_to(u.district).get().avg_score == 5


def test_partners_and_units(world):
    u = world.users
    p = services.partner_add(actor=u.staff_a, committee=world.committee_a, name="陈医生",
                             profession="医生", group="think_tank", mobile="13900001111")  # fmt: skip
    services.contribution_add(actor=u.staff_a, partner=p, date=datetime.date(2026, 5, 1),
                              description="健康讲座", hours="2.5")  # fmt: skip
    unit = services.cobuilding_unit_add(actor=u.staff_a, committee=world.committee_a,
                                        name="同济大学", offers=["expertise", "labour"])  # fmt: skip
    assert unit.offer_labels() == ["专业支持", "人力"]
    with pytest.raises(ServiceError):
        services.cobuilding_unit_add(
            actor=u.staff_a, committee=world.committee_a, name="x", offers=[]
        )
    with pytest.raises(ServiceError):
        services.partner_add(
            actor=u.staff_a, committee=world.committee_a, name="x", profession="y", group="bogus"
        )
    with pytest.raises(ScopeError):
        services.partner_add(
            actor=u.staff_b, committee=world.committee_a, name="x", profession="y", group="media"
        )
    c = Client()
    c.force_login(u.resident_a)
    html = c.get(f"/planning/committee/{world.committee_a.pk}/partners/").content.decode()
    assert "陈医生" in html and "139****1111" in html and "13900001111" not in html
