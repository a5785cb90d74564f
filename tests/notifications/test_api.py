"""/api/notifications/: inbox, read, preferences, door-to-door list and recording."""

from __future__ import annotations

import pytest

from linli.notifications.models import DoorContact, Notification
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def test_inbox_and_mark_read(world, notice_a):
    api = ApiClient(world.users.resident_a)
    data = api.get("/api/notifications/").json()
    assert data["unread"] == 1
    [item] = data["items"]
    assert item["title"] == "公示：5号楼楼道改造公示" and item["kind_label"] == "公示发布"
    r = api.post(f"/api/notifications/{item['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"]
    assert api.get("/api/notifications/", unread_only="true").json() == {"unread": 0, "items": []}


def test_cannot_read_someone_elses_message(world, notice_a):
    n = Notification.objects.get(recipient=world.users.resident_a)
    r = ApiClient(world.users.resident_b).post(f"/api/notifications/{n.pk}/read")
    assert r.status_code == 404
    assert ApiClient(world.users.resident_b).get("/api/notifications/").json()["items"] == []


def test_read_all(world, notice_a):
    api = ApiClient(world.users.resident_a)
    assert api.post("/api/notifications/read-all").json() == {"marked": 1}
    assert api.post("/api/notifications/read-all").json() == {"marked": 0}


def test_preferences_get_and_put(world):
    api = ApiClient(world.users.resident_a)
    items = api.get("/api/notifications/preferences").json()["items"]
    assert {"kind": "vote_opened", "channel": "sms", "enabled": True} in items
    r = api.put(
        "/api/notifications/preferences",
        {"items": [{"kind": "vote_opened", "channel": "sms", "enabled": False}]},
    )
    assert r.status_code == 200
    assert {"kind": "vote_opened", "channel": "sms", "enabled": False} in r.json()["items"]


def test_preferences_refusal_is_chinese_and_changes_nothing(world):
    api = ApiClient(world.users.resident_a)
    r = api.put(
        "/api/notifications/preferences",
        {"items": [{"kind": "vote_opened", "channel": "in_app", "enabled": False}]},
    )
    assert r.status_code == 400 and "站内消息始终保留" in r.json()["detail"]
    r = api.put(
        "/api/notifications/preferences",
        {"items": [{"kind": "vote_opened", "channel": "sms" * 10, "enabled": False}]},
    )
    assert r.status_code in (400, 422)
    assert all(i["enabled"] for i in api.get("/api/notifications/preferences").json()["items"])


def test_door_list_and_record(world, notice_a):
    api = ApiClient(world.users.leader_a)
    url = f"/api/notifications/door/notice/{notice_a.pk}/{world.building_a.pk}"
    data = api.get(url).json()
    assert data["households"] == 2 and data["reached_online"] == 0
    assert {r["reason"] for r in data["rows"]} == {"无账号", "未读"}
    r = api.post(
        url + "/contacts",
        {"flat_id": world.flat_a2.pk, "method": "phone", "told_by_name": "小区志愿者"},
    )
    assert r.status_code == 201 and r.json()["method_label"] == "电话"
    assert api.get(url).json()["told_offline"] == 1


def test_door_record_refusals(world, notice_a):
    api = ApiClient(world.users.leader_a)
    url = f"/api/notifications/door/notice/{notice_a.pk}/{world.building_a.pk}/contacts"
    r = api.post(url, {"flat_id": world.flat_b.pk, "method": "door"})
    assert r.status_code == 400 and r.json()["detail"] == "请选择本楼栋的住户"
    r = api.post(url, {"flat_id": world.flat_a2.pk, "method": "other"})
    assert r.status_code == 400 and "请说明告知方式" in r.json()["detail"]
    r = api.post(url, {"flat_id": world.flat_a2.pk, "method": "door", "note": "长" * 201})
    assert r.status_code in (400, 422)
    assert not DoorContact.objects.exists()


@pytest.mark.parametrize("who", ["resident_a", "staff_b", "outsider"])
def test_door_endpoints_are_404_outside_ones_buildings(world, notice_a, who):
    api = ApiClient(getattr(world.users, who))
    url = f"/api/notifications/door/notice/{notice_a.pk}/{world.building_a.pk}"
    assert api.get(url).status_code == 404
    assert (
        api.post(url + "/contacts", {"flat_id": world.flat_a2.pk, "method": "door"}).status_code
        == 404
    )
    assert not DoorContact.objects.exists()


def test_unauthenticated_is_401():
    from django.test import Client

    assert Client().get("/api/notifications/").status_code == 401
