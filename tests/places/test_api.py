from tests.api_client import ApiClient


def test_staff_sees_full_contacts_of_their_committee(world):
    api = ApiClient(world.users.staff_a)
    flats = api.get(f"/api/places/buildings/{world.building_a.pk}/flats").json()
    mobiles = [o["mobile"] for f in flats for o in f["owners"]]
    assert all(len(m) == 11 and "*" not in m for m in mobiles)
    assert {o["name"] for f in flats for o in f["owners"]} >= {"张建国", "李秀英", "王伟"}


def test_building_leader_sees_roster_with_masked_mobiles(world):
    api = ApiClient(world.users.leader_a)
    flats = api.get(f"/api/places/buildings/{world.building_a.pk}/flats").json()
    mobile = flats[0]["owners"][0]["mobile"]
    assert mobile[3:7] == "****" and len(mobile) == 11


def test_resident_sees_own_flat_only(world):
    api = ApiClient(world.users.resident_a)
    assert api.get(f"/api/places/flats/{world.flat_a.pk}").status_code == 200
    assert api.get(f"/api/places/flats/{world.flat_a2.pk}").status_code == 404
    r = api.get(f"/api/places/buildings/{world.building_a.pk}/flats")
    assert r.status_code == 403 and "无权" in r.json()["detail"]


def test_committee_lists_are_scoped(world):
    api_a = ApiClient(world.users.staff_a)
    names = [c["name"] for c in api_a.get("/api/places/committees").json()]
    assert names == ["开鲁新村第一居委会"]
    assert api_a.get(f"/api/places/committees/{world.committee_b.pk}").status_code == 404
    api_d = ApiClient(world.users.district)
    assert len(api_d.get("/api/places/committees").json()) == 2


def test_planner_sees_street_committees_but_not_rosters(world):
    api = ApiClient(world.users.planner_a)
    assert [c["id"] for c in api.get("/api/places/committees").json()] == [world.committee_a.pk]
    assert api.get(f"/api/places/buildings/{world.building_a.pk}/flats").status_code == 403


def test_missing_objects_are_404_in_chinese(world):
    api = ApiClient(world.users.district)
    r = api.get("/api/places/flats/999999")
    assert r.status_code == 404 and r.json()["detail"] == "对象不存在或您无权查看"
