"""Needs API: same services and scope as the pages; the ranking equals the page and list."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.needs import adapters, services
from linli.needs.models import Need, NeedsList
from tests.api_client import ApiClient
from tests.needs.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_needs(world, resident_a2):
    a = services.need_submit(actor=world.users.resident_a, committee=world.committee_a,
                             text="楼道灯坏了，晚上看不见", building=world.building_a, anonymous=True)  # fmt: skip
    b = services.need_submit(
        actor=resident_a2, committee=world.committee_a, text="樓道燈壞了好幾天"
    )
    c = services.need_record_offline(actor=world.users.staff_a, committee=world.committee_a,
                                     text="希望加装电梯", channel="meeting",
                                     meeting_kind="topic_consultation", reporter_age_group="80_up")  # fmt: skip
    services.need_submit(
        actor=world.users.resident_b, committee=world.committee_b, text="铁路新村的需求"
    )
    return a, b, c


def test_resident_submits_supports_and_sees_only_own_community(world, some_needs, resident_a2):
    a, b, c = some_needs
    api = ApiClient(resident_a2)
    listed = api.get("/api/needs/", committee_id=world.committee_a.pk).json()
    assert {n["id"] for n in listed} == {a.pk, b.pk, c.pk}
    assert {n["author"] for n in listed if n["id"] == a.pk} == {
        "匿名居民"
    }  # anonymous to residents
    assert api.get("/api/needs/").json() == listed  # nothing of committee B
    r = api.post("/api/needs/", {"committee_id": world.committee_a.pk, "text": "  "})
    assert r.status_code == 400 and r.json()["detail"] == "请填写需求内容"
    r = api.post("/api/needs/", {"committee_id": world.committee_a.pk, "text": "车棚漏雨",
                                 "building_id": world.building_b.pk})  # fmt: skip
    assert r.status_code == 400 and "其他社区的二维码" in r.json()["detail"]
    r = api.post("/api/needs/", {"committee_id": world.committee_b.pk, "text": "车棚漏雨"})
    assert r.status_code == 404
    r = api.post(f"/api/needs/{c.pk}/support")
    assert r.status_code == 201 and r.json()["supporters"] == 2
    r = api.post(f"/api/needs/{c.pk}/support")
    assert r.status_code == 409 and "已经支持过" in r.json()["detail"]
    assert ApiClient(world.users.staff_a).get(f"/api/needs/{a.pk}").json()["author"] == "张建国"


def test_photo_upload_by_author_multipart(world, some_needs):
    a = some_needs[0]
    api = ApiClient(world.users.resident_a)
    r = api.client.post(f"/api/needs/{a.pk}/photos", {"photos": [upload()]}, **api.headers)
    assert r.status_code == 201 and len(r.json()["photos"]) == 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.png", b"\x89PNG broken", content_type="image/png")
    r = api.client.post(f"/api/needs/{a.pk}/photos", {"photos": [bad]}, **api.headers)
    assert r.status_code == 400 and "不是有效的图片" in r.json()["detail"]
    other = ApiClient(world.users.leader_a)
    r = other.client.post(f"/api/needs/{a.pk}/photos", {"photos": [upload()]}, **other.headers)
    assert r.status_code == 403


def test_staff_cluster_merge_split_assess_and_rank_like_the_page(world, some_needs, client):
    a, b, c = some_needs
    staff = ApiClient(world.users.staff_a)
    clusters = staff.get(f"/api/needs/committees/{world.committee_a.pk}/clusters").json()
    assert [sorted(n["id"] for n in g["needs"]) for g in clusters] == [sorted([a.pk, b.pk])]
    r = staff.post("/api/needs/merge", {"target_id": a.pk, "need_ids": [b.pk]})
    assert r.status_code == 200
    r = staff.post(f"/api/needs/{c.pk}/assess", {"safety_hazard": 1, "affects_elderly": True})
    assert r.status_code == 200
    ranking = staff.get(f"/api/needs/committees/{world.committee_a.pk}/ranking").json()
    assert [e["need_id"] for e in ranking["entries"]] == [c.pk, a.pk]
    merged = ranking["entries"][1]
    assert merged["supporters"] == 2 and len(merged["texts"]) == 2
    # the same data as the board page and a frozen list version
    entries = adapters.ranked_entries(
        [world.committee_a.pk], adapters.weights_for(world.committee_a)
    )
    assert ranking["entries"] == entries
    created = staff.post("/api/needs/lists", {"committee_id": world.committee_a.pk}).json()
    assert created["entries"] == ranking["entries"] and created["weights"] == ranking["weights"]
    assert created["version"] == 1
    client.force_login(world.users.staff_a)
    page = client.get(f"/needs/list/{created['id']}/").content.decode()
    for e in created["entries"]:
        assert e["text"] in page and f"#{e['rank']}" in page
    r = staff.post(f"/api/needs/{b.pk}/split")
    assert r.status_code == 200 and r.json()["merged_into_id"] is None
    r = ApiClient(world.users.resident_a).post(
        "/api/needs/merge", {"target_id": a.pk, "need_ids": [b.pk]}
    )
    assert r.status_code == 403


def test_lists_publish_weights_and_street_roll_up(world, some_needs):
    staff = ApiClient(world.users.staff_a)
    r = staff.put(f"/api/needs/committees/{world.committee_a.pk}/weights",
                  {"supporters": 40, "households": 10, "safety": 30, "vulnerable": 15, "cost": 5})  # fmt: skip
    assert r.status_code == 200 and r.json()["supporters"] == 40.0
    r = staff.put(f"/api/needs/committees/{world.committee_a.pk}/weights",
                  {"supporters": 400, "households": 10, "safety": 30, "vulnerable": 15, "cost": 5})  # fmt: skip
    assert r.status_code == 422
    lst = staff.post("/api/needs/lists", {"committee_id": world.committee_a.pk}).json()
    assert lst["weights"]["supporters"] == 40.0
    resident = ApiClient(world.users.resident_a)
    assert resident.get(f"/api/needs/lists/{lst['id']}").status_code == 403
    assert resident.get("/api/needs/lists").json() == []
    published = staff.post(f"/api/needs/lists/{lst['id']}/publish").json()
    assert published["public_token"]
    assert resident.get(f"/api/needs/lists/{lst['id']}").json()["entries"] == lst["entries"]
    assert Client().get(f"/needs/public/{published['public_token']}/").status_code == 200
    street = ApiClient(world.users.street_a).post(
        "/api/needs/lists", {"street_id": world.street_a.pk}
    )
    assert street.status_code == 201 and street.json()["weights"]["supporters"] == 25.0
    assert ApiClient(world.users.staff_b).get(f"/api/needs/lists/{lst['id']}").status_code == 404
    assert NeedsList.objects.count() == 2


def test_offline_entry_project_and_space_reports_over_api(world, some_needs):
    a = some_needs[0]
    leader = ApiClient(world.users.leader_a)
    r = leader.post("/api/needs/offline", {"committee_id": world.committee_a.pk, "text": "楼道堆物",
                                           "channel": "visit", "building_id": world.building_a.pk})  # fmt: skip
    assert r.status_code == 201 and r.json()["channel_label"] == "入户走访"
    r = leader.post(
        "/api/needs/offline",
        {"committee_id": world.committee_a.pk, "text": "x", "channel": "online"},
    )
    assert r.status_code == 400 and r.json()["detail"] == "请选择线下收集渠道"
    staff = ApiClient(world.users.staff_a)
    r = staff.post(f"/api/needs/{a.pk}/project", {"title": "楼道灯更新"})
    assert r.status_code == 201 and Need.objects.get(pk=a.pk).project_id == r.json()["project_id"]
    resident = ApiClient(world.users.resident_a)
    r = resident.post("/api/needs/spaces", {"committee_id": world.committee_a.pk, "compound_id": world.compound_a.pk,
                                            "kind": "bike_garage", "place": "2号车棚", "problem": "堆满僵尸车"})  # fmt: skip
    assert r.status_code == 201
    rid = r.json()["id"]
    assert resident.post(f"/api/needs/spaces/{rid}/verify", {"name": "2号车棚"}).status_code == 403
    r = staff.post(f"/api/needs/spaces/{rid}/verify", {"name": "2号车棚"})
    assert r.status_code == 201 and r.json()["microspace_id"]
    assert ApiClient(world.users.staff_b).get("/api/needs/spaces").json() == []


def test_anonymous_api_calls_are_refused(world, some_needs):
    r = Client().post(
        "/api/needs/",
        {"committee_id": world.committee_a.pk, "text": "x"},
        content_type="application/json",
    )
    assert r.status_code == 401 and r.json()["detail"] == "请先登录或提供有效的 API 令牌"
