"""Partner pages: apply on a phone, the review queue, the organisation page, profiles,
teams, units and contributions — including refusals and scoping."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from linli.accounts.models import RoleAssignment
from linli.partners import services
from linli.partners.models import CoBuildingUnit, Contribution, Partner

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_resident_applies_on_phone_and_secretary_approves(client, world, org):
    resident = world.users.resident_a
    _login(client, resident)
    url = reverse("partners:apply", args=[world.street_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "申请成为社区合伙人" in page.content.decode()
    r = client.post(
        url,
        {"home_committee": world.committee_a.pk, "profession": "teacher", "skills": "美术老师"},
    )
    assert r.status_code == 302
    assert "待秘书处审核" in client.get(url).content.decode()
    p = Partner.objects.get(user=resident)
    # the secretary sees it in the queue and approves it into the education committee
    _login(client, org.secretary)
    queue = client.get(reverse("partners:review", args=[world.street_a.pk]))
    assert queue.status_code == 200 and "美术老师" in queue.content.decode()
    r = client.post(
        reverse("partners:approve", args=[p.pk]),
        {"partner_committee": org.committees["education"].pk},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "active" and p.partner_committee.kind == "education"
    assert RoleAssignment.objects.filter(user=resident, role="partner").exists()
    page = client.get(reverse("partners:organisation", args=[world.street_a.pk])).content.decode()
    assert "社区教育委员会" in page and resident.name in page


def test_apply_bad_input_is_400_and_writes_nothing(client, world, org):
    _login(client, world.users.resident_a)
    url = reverse("partners:apply", args=[world.street_a.pk])
    r = client.post(
        url, {"home_committee": world.committee_a.pk, "profession": "teacher", "skills": "长" * 201}
    )
    assert r.status_code == 400
    r = client.post(url, {"home_committee": world.committee_b.pk, "profession": "teacher"})
    assert r.status_code == 400
    assert not Partner.objects.filter(user=world.users.resident_a).exists()


def test_duplicate_application_through_the_page_is_409(client, world, org):
    _login(client, world.users.resident_a)
    url = reverse("partners:apply", args=[world.street_a.pk])
    data = {"home_committee": world.committee_a.pk, "profession": "doctor"}
    assert client.post(url, data).status_code == 302
    r = client.post(url, data)
    assert r.status_code == 409 and "请等待秘书处审核" in r.content.decode()


def test_review_queue_forbidden_to_others(client, world, org):
    for user, status in (
        (world.users.resident_a, 403),
        (world.users.staff_a, 403),
        (world.users.resident_b, 404),
    ):
        _login(client, user)
        r = client.get(reverse("partners:review", args=[world.street_a.pk]))
        assert r.status_code == status, user


def test_decline_without_reason_is_400(client, world, org):
    p = services.partner_apply(
        actor=world.users.resident_a,
        organisation=org.org,
        home_committee=world.committee_a,
        profession="lawyer",
    )
    _login(client, org.secretary)
    r = client.post(reverse("partners:decline", args=[p.pk]), {"reason": ""})
    assert r.status_code == 400
    r = client.post(reverse("partners:decline", args=[p.pk]), {"reason": "长" * 201})
    assert r.status_code == 400
    assert Partner.objects.get(pk=p.pk).status == "applied"
    r = client.post(reverse("partners:decline", args=[p.pk]), {"reason": "专业不对口"})
    assert r.status_code == 302 and Partner.objects.get(pk=p.pk).status == "declined"


def test_profile_masks_mobile_for_others(client, world, org):
    p = org.secretary_partner
    _login(client, world.users.resident_a)
    page = client.get(reverse("partners:profile", args=[p.pk])).content.decode()
    assert p.mobile not in page and p.mobile[:3] + "****" in page
    _login(client, world.users.street_a)
    assert p.mobile in client.get(reverse("partners:profile", args=[p.pk])).content.decode()
    _login(client, world.users.resident_b)
    assert client.get(reverse("partners:profile", args=[p.pk])).status_code == 404


def test_street_founds_organisation_from_index(client, world):
    _login(client, world.users.street_a)
    page = client.get(reverse("partners:index")).content.decode()
    assert "成立社区合伙人组织" in page
    r = client.post(
        reverse("partners:organisation_create", args=[world.street_a.pk]),
        {"name": "殷行邻里合伙人"},
    )
    assert r.status_code == 302
    page = client.get(reverse("partners:organisation", args=[world.street_a.pk])).content.decode()
    for name in (
        "社区智库委员会",
        "社区规划委员会",
        "社区治理委员会",
        "社区媒体委员会",
        "社区教育委员会",
    ):
        assert name in page
    _login(client, world.users.staff_a)
    r = client.get(reverse("partners:organisation_create", args=[world.street_a.pk]))
    assert r.status_code == 403


def test_team_page_and_members(client, world, org):
    _login(client, org.secretary)
    r = client.post(
        reverse("partners:team_create", args=[world.street_a.pk]),
        {"name": "转角花园队", "purpose": "维护口袋花园", "leader": org.secretary_partner.pk},
    )
    assert r.status_code == 302
    team = org.org.teams.get(name="转角花园队")
    page = client.get(reverse("partners:team", args=[team.pk])).content.decode()
    assert "转角花园队" in page and "队长" in page
    _login(client, world.users.resident_a)
    r = client.post(reverse("partners:team", args=[team.pk]), {"partner": org.secretary_partner.pk})
    assert r.status_code == 403


def test_units_and_contributions_pages(client, world, org):
    _login(client, world.users.street_a)
    url = reverse("partners:units", args=[world.street_a.pk])
    r = client.post(url, {"name": "上海理工大学", "kind": "university", "offers": "学生志愿者"})
    assert r.status_code == 302 and CoBuildingUnit.objects.filter(name="上海理工大学").exists()
    assert client.post(url, {"name": "x" * 81, "kind": "university"}).status_code == 400
    url = reverse("partners:contributions", args=[world.street_a.pk])
    r = client.post(
        url,
        {
            "partner": org.secretary_partner.pk,
            "kind": "money",
            "amount_fen": "1,200.50",
            "description": "捐赠花苗款",
            "on_date": datetime.date.today().isoformat(),
        },
    )
    assert r.status_code == 302
    c = Contribution.objects.get()
    assert c.amount_fen == 120050
    assert "1,200.50" in client.get(url).content.decode()
    _login(client, world.users.resident_a)
    r = client.post(
        url,
        {
            "partner": org.secretary_partner.pk,
            "kind": "materials",
            "description": "x",
            "on_date": "2024-01-01",
        },
    )
    assert r.status_code == 403 and Contribution.objects.count() == 1


def test_organisation_page_query_count(client, world, org, django_assert_max_num_queries):
    from tests.factories import make_user

    for i in range(12):
        u = make_user(None, None, name=f"合伙人{i}")
        p = services.partner_recommend(
            actor=world.users.street_a,
            organisation=org.org,
            name=u.name,
            mobile=u.mobile,
            home_committee=world.committee_a,
            profession="designer",
            recommendation="热心",
        )
        p = services.partner_approve(
            actor=world.users.street_a, partner=p, partner_committee=org.committees["planning"]
        )
        services.team_create(
            actor=world.users.street_a, organisation=org.org, name=f"队{i}", leader=p
        )
    _login(client, world.users.street_a)
    with django_assert_max_num_queries(25):
        r = client.get(reverse("partners:organisation", args=[world.street_a.pk]))
    assert r.status_code == 200 and "合伙人11" in r.content.decode()
