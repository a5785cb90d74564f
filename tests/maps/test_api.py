"""The map layers: scoped by role, no personal data, derived outlines, pinned query counts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from linli.maps.selectors import compound_outline, convex_hull
from linli.needs.services import need_submit
from linli.places.models import Building, Committee, Compound, Facility, MicroSpace
from linli.projects.services import project_create
from tests.factories import BuildingFactory, CommitteeFactory, CompoundFactory

pytestmark = pytest.mark.django_db


def _locate(world):
    Building.objects.filter(pk=world.building_a.pk).update(
        lat=Decimal("31.290500"), lng=Decimal("121.520500")
    )
    BuildingFactory(compound=world.compound_a, number="6号楼", lat="31.289500", lng="121.519500")
    Building.objects.filter(pk=world.building_b.pk).update(
        lat=Decimal("31.300000"), lng=Decimal("121.510000")
    )


def _layers(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(f"api:{name}", args=[pk]))


def _names(data, layer):
    return [f["properties"]["name"] for f in data["layers"][layer]["features"]]


def test_convex_hull_and_outlines():
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5)]
    assert sorted(convex_hull(square)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    ring, how = compound_outline((121.5, 31.2), [(121.5, 31.2), (121.501, 31.201)])
    assert how == "hull" and ring[0] == ring[-1] and len(ring) >= 5
    # padded: every building lies strictly inside the outline's bounding box
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) < 121.5 < 121.501 < max(xs) and min(ys) < 31.2 < 31.201 < max(ys)
    ring, how = compound_outline((121.5, 31.2), [])
    assert how == "square" and len(ring) == 5
    assert compound_outline(None, []) is None


def test_committee_layers_for_a_resident_show_needs_without_who(world, client):
    _locate(world)
    need_submit(
        actor=world.users.resident_a, committee=world.committee_a,
        text="楼道灯坏了，晚上看不清台阶", building=world.building_a,
    )  # fmt: skip
    project_create(actor=world.users.staff_a, committee=world.committee_a, title="开鲁花园改造")
    MicroSpace.objects.create(
        compound=world.compound_a, name="开鲁小花园", kind="garden", lat="31.2901", lng="121.5201"
    )
    Facility.objects.create(
        street=world.street_a, kind="clinic", name="殷行卫生站", lat="31.291", lng="121.521"
    )
    r = _layers(client, world.users.resident_a, "committee_layers", world.committee_a.pk)
    assert r.status_code == 200
    data = r.json()
    assert _names(data, "outlines") == ["开鲁一村"]
    assert data["layers"]["outlines"]["features"][0]["properties"]["outline"] == "hull"
    assert sorted(_names(data, "buildings")) == ["开鲁一村5号楼", "开鲁一村6号楼"]
    assert _names(data, "microspaces") == ["开鲁小花园"]
    assert _names(data, "needs") == ["楼道灯坏了，晚上看不清台阶"]
    assert _names(data, "projects") == ["开鲁花园改造"]
    assert _names(data, "facilities") == ["殷行卫生站"]
    assert data["life_circle"]["buildings"] == 2
    text = r.content.decode()
    for personal in ("张建国", "李秀英", "王伟", world.users.resident_a.mobile):
        assert personal not in text
    # nothing of committee B
    for b in ("铁路新村", "12号楼", "赵敏"):
        assert b not in text


def test_other_committee_street_and_district_are_404(world, client):
    _locate(world)
    u = world.users
    assert (
        _layers(client, u.resident_a, "committee_layers", world.committee_b.pk).status_code == 404
    )
    assert _layers(client, u.staff_a, "street_layers", world.street_a.pk).status_code == 404
    assert _layers(client, u.street_a, "street_layers", world.street_b.pk).status_code == 404
    assert _layers(client, u.street_a, "district_layers", world.district.pk).status_code == 404
    assert _layers(client, u.outsider, "committee_layers", world.committee_a.pk).status_code == 404
    client.logout()
    r = client.get(reverse("api:committee_layers", args=[world.committee_a.pk]))
    assert r.status_code == 401


def test_street_map_shows_only_the_streets_committees(world, client):
    _locate(world)
    r = _layers(client, world.users.street_a, "street_layers", world.street_a.pk)
    assert r.status_code == 200
    data = r.json()
    assert _names(data, "outlines") == ["开鲁一村"]
    assert "铁路新村" not in r.content.decode()
    # the planner paired with the street sees it too
    assert (
        _layers(client, world.users.planner_a, "street_layers", world.street_a.pk).status_code
        == 200
    )


def test_district_map_has_both_streets_and_no_building_points_at_scale(world, client):
    _locate(world)
    for i in range(45):
        c = CommitteeFactory(street=world.street_a, name=f"测试居委会{i}")
        CompoundFactory(committee=c, name=f"测试小区{i}")
    r = _layers(client, world.users.district, "district_layers", world.district.pk)
    assert r.status_code == 200
    data = r.json()
    assert {"开鲁一村", "铁路新村"} <= set(_names(data, "outlines"))
    assert data["buildings_shown"] is False and data["layers"]["buildings"]["features"] == []
    assert data["committees"] == Committee.objects.count()


def test_query_count_does_not_grow_with_the_map(world, client, django_assert_max_num_queries):
    _locate(world)
    client.force_login(world.users.district)
    url = reverse("api:district_layers", args=[world.district.pk])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    staff = world.users.staff_a
    for i in range(30):
        c = CommitteeFactory(street=world.street_a, name=f"居委会{i}")
        comp = CompoundFactory(committee=c, name=f"小区{i}")
        for j in range(3):
            BuildingFactory(compound=comp, number=f"{j}号楼", lat="31.29", lng=f"121.5{i:02d}")
        MicroSpace.objects.create(compound=comp, name=f"空间{i}", kind="garden")
    project_create(actor=staff, committee=world.committee_a, title="另一个项目")
    with django_assert_max_num_queries(30):
        r = client.get(url)
    assert r.status_code == 200
    assert len(r.json()["layers"]["outlines"]["features"]) == Compound.objects.count()


def test_map_pages_link_and_config(world, client):
    _locate(world)
    client.force_login(world.users.staff_a)
    home = client.get(reverse("places:workbench", args=[world.committee_a.pk]))
    url = reverse("maps:committee", args=[world.committee_a.pk])
    assert url in home.content.decode()
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<script>" not in html.replace('<script id="map-config" type="application/json">', "")
    start = html.index('id="map-config"')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert config["data_url"] == reverse("api:committee_layers", args=[world.committee_a.pk])
    assert config["tile_url"] == ""
    assert client.get(reverse("maps:committee", args=[world.committee_b.pk])).status_code == 404

    client.force_login(world.users.street_a)
    home = client.get(reverse("places:street", args=[world.street_a.pk])).content.decode()
    assert reverse("maps:street", args=[world.street_a.pk]) in home
    client.force_login(world.users.district)
    home = client.get(reverse("places:district", args=[world.district.pk])).content.decode()
    assert reverse("maps:district", args=[world.district.pk]) in home
    assert client.get(reverse("maps:district", args=[world.district.pk])).status_code == 200


def test_tile_url_setting_reaches_the_page(world, client, settings):
    settings.LINLI_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(world.users.staff_a)
    r = client.get(reverse("maps:committee", args=[world.committee_a.pk]))
    assert "https://tiles.example.org/{z}/{x}/{y}.png" in r.content.decode()


def test_tile_origin_for_the_content_security_policy():
    from linli.maps.tiles import tile_origin

    assert tile_origin("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
    assert (
        tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    )
    assert tile_origin("http://10.0.0.5:8080/t/{z}/{x}/{y}.png") == "http://10.0.0.5:8080"
    assert tile_origin("javascript:alert(1)") is None
    assert tile_origin("/local/{z}/{x}/{y}.png") is None
    assert tile_origin("") is None
