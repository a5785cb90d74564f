"""The planner hand-off, as a district and a street would do it from the pages (issue 11):
a pool entry is linked to the planner's platform account, pairing then gives her the forms,
and the pool and coverage pages are reachable by clicking from the district and street homes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.planning.models import Planner
from linli.projects.services import project_create

pytestmark = pytest.mark.django_db


def test_pool_and_coverage_are_linked_from_the_district_and_street_homes(client, world):
    client.force_login(world.users.district)
    html = client.get(reverse("places:district", args=[world.district.pk])).content.decode()
    assert reverse("planning:pool") in html and reverse("planning:coverage") in html
    client.force_login(world.users.street_a)
    html = client.get(reverse("places:street", args=[world.street_a.pk])).content.decode()
    assert reverse("planning:coverage") in html


def test_adding_a_planner_by_mobile_links_her_account_and_pairing_gives_her_the_forms(
    client, world
):
    planner_user = world.users.planner_a
    client.force_login(world.users.district)
    r = client.post(
        reverse("planning:pool"),
        {
            "district": world.district.pk,
            "name": "林老师",
            "profession": "landscape",
            "mobile": planner_user.mobile,
            "availability": "available",
        },
    )
    assert r.status_code == 302
    planner = Planner.objects.get(name="林老师")
    assert planner.user_id == planner_user.pk
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="中心花园微更新"
    )
    client.force_login(world.users.street_a)
    r = client.post(reverse("planning:pair"), {"planner": planner.pk, "street": world.street_a.pk})
    assert r.status_code in (200, 302)
    client.force_login(planner_user)
    html = client.get(reverse("planning:diagnosis", args=[project.pk])).content.decode()
    assert "<form" in html and 'method="post"' in html


def test_an_existing_pool_entry_is_linked_to_an_account_from_the_page(client, world):
    from linli.planning import services

    planner = services.planner_add(
        actor=world.users.district, district=world.district, name="王老师", profession="planning"
    )
    services.planner_pair(actor=world.users.street_a, planner=planner, street=world.street_a)
    client.force_login(world.users.district)
    assert (
        reverse("planning:link_account", args=[planner.pk])
        in client.get(reverse("planning:pool")).content.decode()
    )
    r = client.post(
        reverse("planning:link_account", args=[planner.pk]),
        {"mobile": world.users.planner_a.mobile},
    )
    assert r.status_code == 302
    planner.refresh_from_db()
    assert planner.user_id == world.users.planner_a.pk
    # the active pairing now reaches her account: she may plan for the street's committees
    assert world.users.planner_a.has_perm("planning.plan", world.committee_a)


def test_linking_an_unknown_mobile_is_refused_and_changes_nothing(client, world):
    from linli.planning import services

    planner = services.planner_add(
        actor=world.users.district, district=world.district, name="王老师", profession="planning"
    )
    client.force_login(world.users.district)
    r = client.post(reverse("planning:link_account", args=[planner.pk]), {"mobile": "13999999999"})
    assert r.status_code == 400
    assert "尚未注册" in r.content.decode()
    planner.refresh_from_db()
    assert planner.user_id is None


def test_street_staff_cannot_link_accounts(client, world):
    from linli.planning import services

    planner = services.planner_add(
        actor=world.users.district, district=world.district, name="王老师", profession="planning"
    )
    client.force_login(world.users.street_a)
    r = client.post(
        reverse("planning:link_account", args=[planner.pk]),
        {"mobile": world.users.planner_a.mobile},
    )
    assert r.status_code in (403, 404)
    planner.refresh_from_db()
    assert planner.user_id is None
