"""Committee staff link a registered owner to his platform account from the flat page
(issue 11): his ballots then reach his account. Through the page and the API; audited;
refusals are Chinese 4xx that change nothing; scoped to the committee."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.audit.models import AuditEvent
from linli.places.models import Person
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def owner(world, name="张建国"):
    return Person.objects.get(name=name, ownerships__flat__building=world.building_a)


def test_staff_link_an_owner_from_the_flat_page(client, world):
    person = owner(world)
    client.force_login(world.users.staff_a)
    page = reverse("places:flat", args=[world.flat_a.pk])
    html = client.get(page).content.decode()
    url = reverse("places:person_link_account", args=[world.flat_a.pk, person.pk])
    assert url in html and "关联平台账号" in html
    r = client.post(url, {"mobile": world.users.resident_a.mobile})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.user_id == world.users.resident_a.pk
    assert AuditEvent.objects.filter(
        action="person.link_account", object_id=str(person.pk)
    ).exists()
    html = client.get(page).content.decode()
    assert "已关联平台账号" in html


def test_unknown_mobile_and_a_taken_account_are_refused_in_chinese(client, world):
    person, other = owner(world), owner(world, "王伟")
    client.force_login(world.users.staff_a)
    url = reverse("places:person_link_account", args=[world.flat_a.pk, person.pk])
    r = client.post(url, {"mobile": "13999999999"})
    assert r.status_code == 400 and "尚未注册" in r.content.decode()
    Person.objects.filter(pk=other.pk).update(user=world.users.resident_a)
    r = client.post(url, {"mobile": world.users.resident_a.mobile})
    assert r.status_code == 400 and "王伟" in r.content.decode()
    person.refresh_from_db()
    assert person.user_id is None
    # a person of another flat cannot be linked through this flat
    r = client.post(
        reverse("places:person_link_account", args=[world.flat_a.pk, other.pk]),
        {"mobile": world.users.leader_a.mobile},
    )
    assert r.status_code == 400 and "未登记在该户室" in r.content.decode()


def test_residents_leaders_and_other_committees_cannot_link(client, world):
    person = owner(world)
    url = reverse("places:person_link_account", args=[world.flat_a.pk, person.pk])
    for user, codes in (
        (world.users.resident_a, (403,)),
        (world.users.leader_a, (403,)),
        (world.users.staff_b, (404,)),
    ):
        client.force_login(user)
        assert client.post(url, {"mobile": user.mobile}).status_code in codes
        assert (
            "关联平台账号"
            not in client.get(reverse("places:flat", args=[world.flat_a.pk])).content.decode()
        )
    person.refresh_from_db()
    assert person.user_id is None


def test_link_through_the_api(world):
    person = owner(world)
    path = f"/api/places/flats/{world.flat_a.pk}/people/{person.pk}/account"
    r = ApiClient(world.users.staff_a).post(path, {"mobile": world.users.resident_a.mobile})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "person_id": person.pk,
        "name": "张建国",
        "user_id": world.users.resident_a.pk,
    }
    r = ApiClient(world.users.staff_b).post(path, {"mobile": world.users.resident_b.mobile})
    assert r.status_code == 404
    r = ApiClient(world.users.leader_a).post(path, {"mobile": world.users.leader_a.mobile})
    assert r.status_code == 403 and "居委会" in r.json()["detail"]
