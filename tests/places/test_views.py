"""Registry pages: scope (404/403), masking of contacts, micro-spaces, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from linli.audit.models import AuditEvent
from linli.places.models import Facility, Flat, MicroSpace
from linli.places.services import microspace_create, microspace_update
from tests.factories import flat_with_people

pytestmark = pytest.mark.django_db


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


# ------------------------------------------------------------------ role homes and scope


def test_district_page_only_for_its_admins(client, world):
    assert (
        _get(client, world.users.district, "places:district", world.district.pk).status_code == 200
    )
    for user in (world.users.street_a, world.users.staff_a, world.users.resident_a):
        assert _get(client, user, "places:district", world.district.pk).status_code == 404


def test_street_page_scope(client, world):
    u = world.users
    assert _get(client, u.street_a, "places:street", world.street_a.pk).status_code == 200
    assert _get(client, u.planner_a, "places:street", world.street_a.pk).status_code == 200
    assert _get(client, u.district, "places:street", world.street_b.pk).status_code == 200
    assert _get(client, u.street_a, "places:street", world.street_b.pk).status_code == 404
    assert _get(client, u.planner_a, "places:street", world.street_b.pk).status_code == 404
    assert _get(client, u.staff_a, "places:street", world.street_a.pk).status_code == 404


def test_planner_sees_committees_but_not_workbench(client, world):
    u = world.users
    html = _get(client, u.planner_a, "places:street", world.street_a.pk).content.decode()
    assert "开鲁新村第一居委会" in html
    assert reverse("places:workbench", args=[world.committee_a.pk]) not in html
    assert _get(client, u.planner_a, "places:workbench", world.committee_a.pk).status_code == 404


def test_workbench_scope(client, world):
    u = world.users
    assert _get(client, u.staff_a, "places:workbench", world.committee_a.pk).status_code == 200
    assert _get(client, u.street_a, "places:workbench", world.committee_a.pk).status_code == 200
    assert _get(client, u.staff_a, "places:workbench", world.committee_b.pk).status_code == 404
    assert _get(client, u.resident_a, "places:workbench", world.committee_a.pk).status_code == 404


def test_committee_a_staff_cannot_open_committee_b_pages(client, world):
    u = world.users
    ms = microspace_create(
        actor=u.staff_b, compound=world.compound_b, name="铁路新村花园", kind="garden"
    )
    for name, obj in (
        ("places:compound", world.compound_b),
        ("places:building", world.building_b),
        ("places:flat", world.flat_b),
        ("places:microspace", ms),
        ("places:microspace_edit", ms),
        ("places:microspace_create", world.compound_b),
    ):
        assert _get(client, u.staff_a, name, obj.pk).status_code == 404, name


def test_non_numeric_and_unknown_ids_are_404(client, world):
    client.force_login(world.users.staff_a)
    assert client.get("/places/compounds/999999/").status_code == 404
    assert client.get("/places/flats/abc/").status_code == 404


# ------------------------------------------------------------------ roster and masking


def test_staff_see_full_mobiles_in_roster(client, world):
    mobile = Flat.objects.get(pk=world.flat_a.pk).ownerships.first().person.mobile
    html = _get(
        client, world.users.staff_a, "places:building", world.building_a.pk
    ).content.decode()
    assert mobile in html
    assert "张建国" in html and "王伟" in html


def test_building_leader_sees_roster_with_masked_mobiles(client, world):
    mobile = world.flat_a.ownerships.first().person.mobile
    response = _get(client, world.users.leader_a, "places:building", world.building_a.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "张建国" in html and "王伟" in html
    assert mobile not in html
    assert f"{mobile[:3]}****{mobile[-4:]}" in html


def test_building_leader_cannot_open_other_buildings(client, world):
    other = type(world.building_a).objects.create(compound=world.compound_a, number="6号楼")
    assert _get(client, world.users.leader_a, "places:building", other.pk).status_code == 403
    assert (
        _get(client, world.users.leader_a, "places:building", world.building_b.pk).status_code
        == 404
    )


def test_resident_cannot_open_roster_and_sees_only_own_flat(client, world):
    u = world.users
    assert _get(client, u.resident_a, "places:building", world.building_a.pk).status_code == 403
    own = _get(client, u.resident_a, "places:flat", world.flat_a.pk)
    assert own.status_code == 200
    mobile = world.flat_a.ownerships.first().person.mobile
    html = own.content.decode()
    assert mobile not in html and f"{mobile[:3]}****{mobile[-4:]}" in html
    assert _get(client, u.resident_a, "places:flat", world.flat_a2.pk).status_code == 404
    assert _get(client, u.resident_a, "places:flat", world.flat_b.pk).status_code == 404


def test_resident_home_masks_mobiles(client, world):
    mobile = world.flat_a.ownerships.first().person.mobile
    html = _get(client, world.users.resident_a, "places:my_home").content.decode()
    assert mobile not in html
    assert f"{mobile[:3]}****{mobile[-4:]}" in html


def test_roster_query_count_does_not_grow_with_flats(client, world, django_assert_max_num_queries):
    for i in range(30):
        flat_with_people(world.building_a, f"6{i:02d}", 6, "80.00", [f"业主{i}", f"家属{i}"])
    client.force_login(world.users.staff_a)
    url = reverse("places:building", args=[world.building_a.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert "业主29" in response.content.decode()


# ------------------------------------------------------------------ compound, map, micro-spaces


def test_compound_page_has_map_data(client, world):
    microspace_create(
        actor=world.users.staff_a,
        compound=world.compound_a,
        name="5号楼架空层",
        kind="stilt",
        lat=Decimal("31.290100"),
        lng=Decimal("121.520200"),
    )
    html = _get(
        client, world.users.resident_a, "places:compound", world.compound_a.pk
    ).content.decode()
    assert 'id="map-data"' in html and "FeatureCollection" in html and "121.5202" in html
    assert "5号楼架空层" in html
    # a resident sees the buildings but no roster link
    assert reverse("places:building", args=[world.building_a.pk]) not in html


def test_microspace_create_through_page(client, world):
    client.force_login(world.users.staff_a)
    url = reverse("places:microspace_create", args=[world.compound_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "北门凉亭",
            "kind": "pavilion",
            "condition": "poor",
            "rights_holder": "全体业主",
            "building": world.building_a.pk,
            "lat": "31.290500",
            "lng": "121.520800",
        },
    )
    assert response.status_code == 302
    ms = MicroSpace.objects.get(name="北门凉亭")
    assert ms.compound == world.compound_a and ms.building == world.building_a
    assert AuditEvent.objects.filter(action="microspace.create", object_id=str(ms.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "全体业主" in page and "较差" in page


def test_microspace_bad_input_is_400_in_chinese_and_writes_nothing(client, world):
    client.force_login(world.users.staff_a)
    url = reverse("places:microspace_create", args=[world.compound_a.pk])
    response = client.post(url, {"name": "", "kind": "nonsense", "lat": "31.2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    assert "纬度和经度需同时填写" in html
    response = client.post(url, {"name": "<script>alert(1)</script>", "kind": "garden"})
    assert response.status_code == 400
    assert "不能包含脚本" in response.content.decode()
    assert not MicroSpace.objects.exists()


def test_microspace_building_from_another_compound_refused(client, world):
    client.force_login(world.users.street_a)  # manages committee A only
    url = reverse("places:microspace_create", args=[world.compound_a.pk])
    response = client.post(url, {"name": "X", "kind": "garden", "building": world.building_b.pk})
    assert response.status_code == 400
    assert not MicroSpace.objects.exists()


def test_microspace_edit_only_for_managers(client, world):
    ms = microspace_create(
        actor=world.users.staff_a, compound=world.compound_a, name="花园", kind="garden"
    )
    url = reverse("places:microspace_edit", args=[ms.pk])
    client.force_login(world.users.resident_a)
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"name": "改名", "kind": "garden", "condition": "good"}).status_code == 403
    )
    client.force_login(world.users.staff_a)
    response = client.post(url, {"name": "百草园", "kind": "garden", "condition": "good"})
    assert response.status_code == 302
    ms.refresh_from_db()
    assert ms.name == "百草园" and ms.condition == "good"
    event = AuditEvent.objects.filter(action="microspace.update").latest("id")
    assert event.after["name"] == "百草园"


def test_microspace_services_refuse_out_of_scope(world):
    from linli.core.errors import ScopeError

    with pytest.raises(ScopeError):
        microspace_create(
            actor=world.users.staff_a, compound=world.compound_b, name="X", kind="garden"
        )
    ms = microspace_create(
        actor=world.users.staff_b, compound=world.compound_b, name="Y", kind="garden"
    )
    with pytest.raises(ScopeError):
        microspace_update(actor=world.users.staff_a, microspace=ms, name="Z")


def test_microspace_page_for_resident(client, world):
    ms = microspace_create(
        actor=world.users.staff_a,
        compound=world.compound_a,
        name="非机动车库",
        kind="bike_garage",
        rights_holder="开发商",
    )
    response = _get(client, world.users.resident_a, "places:microspace", ms.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "开发商" in html
    assert reverse("places:microspace_edit", args=[ms.pk]) not in html
    assert _get(client, world.users.resident_b, "places:microspace", ms.pk).status_code == 404


def test_facility_list_is_scoped(client, world):
    Facility.objects.create(
        street=world.street_a, kind="clinic", name="殷行社区卫生服务中心", lat=31.3, lng=121.5
    )
    Facility.objects.create(
        street=world.street_b, kind="market", name="五角场菜场", lat=31.3, lng=121.51
    )
    html = _get(client, world.users.resident_a, "places:facilities").content.decode()
    assert "殷行社区卫生服务中心" in html and "五角场菜场" not in html
    html = _get(client, world.users.resident_a, "places:facilities", kind="market").content.decode()
    assert "殷行社区卫生服务中心" not in html


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 16, 46)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_microspace_photo_upload(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ms = microspace_create(
        actor=world.users.staff_a, compound=world.compound_a, name="架空层", kind="stilt"
    )
    url = reverse("places:microspace_photo_add", args=[ms.pk])
    client.force_login(world.users.staff_a)
    response = client.post(
        url,
        {
            "image": SimpleUploadedFile("a.png", _png(), content_type="image/png"),
            "caption": "改造前",
            "taken_at": "2026-05-01",
        },
    )
    assert response.status_code == 302
    photo = ms.photos.get()
    assert photo.caption == "改造前"
    assert AuditEvent.objects.filter(action="microspace.photo_add").exists()
    html = client.get(reverse("places:microspace", args=[ms.pk])).content.decode()
    assert photo.image.url in html and "改造前" in html


def test_microspace_photo_bad_file_and_scope(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ms = microspace_create(
        actor=world.users.staff_a, compound=world.compound_a, name="架空层", kind="stilt"
    )
    url = reverse("places:microspace_photo_add", args=[ms.pk])
    client.force_login(world.users.staff_a)
    response = client.post(
        url, {"image": SimpleUploadedFile("a.png", b"not an image", content_type="image/png")}
    )
    assert response.status_code == 400
    assert "请上传有效的图片文件" in response.content.decode()
    client.force_login(world.users.resident_a)
    response = client.post(
        url, {"image": SimpleUploadedFile("a.png", _png(), content_type="image/png")}
    )
    assert response.status_code == 403
    client.force_login(world.users.staff_b)
    response = client.post(
        url, {"image": SimpleUploadedFile("a.png", _png(), content_type="image/png")}
    )
    assert response.status_code == 404
    assert not ms.photos.exists()


def test_resident_home_lists_open_notices_of_own_community(client, world):
    notices = pytest.importorskip("linli.notices.services")
    notices.notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="other",
        title="开鲁一村绿化调整公示",
        body="详见公告栏",
        publish=True,
    )
    notices.notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="other",
        title="尚未发布的草稿",
        body="草稿",
    )
    notices.notice_create(
        actor=world.users.staff_b,
        committee=world.committee_b,
        kind="other",
        title="铁路新村的公示",
        body="别处",
        publish=True,
    )
    html = _get(client, world.users.resident_a, "places:my_home").content.decode()
    assert "开鲁一村绿化调整公示" in html
    assert "尚未发布的草稿" not in html and "铁路新村的公示" not in html
