"""Activities through the REST API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.activities.models import Activity, ActivityCheckin
from tests.activities.conftest import make_activity
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def test_create_signup_checkin_through_the_api(world, act):
    staff = ApiClient(world.users.street_a)
    start = timezone.now() + datetime.timedelta(minutes=30)
    r = staff.post(
        "/api/activities/",
        {
            "street_id": world.street_a.pk,
            "kind": "training",
            "title": "楼组长培训",
            "audience": "building_leaders",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
            "capacity": 1,
            "place": "街道社区学校",
        },
    )
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    resident = ApiClient(world.users.resident_a)
    assert resident.post(f"/api/activities/{aid}/signup", {}).status_code == 201
    dup = resident.post(f"/api/activities/{aid}/signup", {})
    assert dup.status_code == 409 and "重复报名" in dup.json()["detail"]
    full = ApiClient(world.users.leader_a).post(f"/api/activities/{aid}/signup", {})
    assert full.status_code == 409 and "名额已满" in full.json()["detail"]
    assert resident.get(f"/api/activities/{aid}/qr").status_code == 403
    token = staff.get(f"/api/activities/{aid}/qr").json()["token"]
    bad = resident.post(f"/api/activities/{aid}/checkin", {"token": token + "x"})
    assert bad.status_code == 403
    r = resident.post(f"/api/activities/{aid}/checkin", {"token": token})
    assert r.status_code == 201 and r.json()["channel"] == "online"
    rows = staff.get(f"/api/activities/{aid}/checkins").json()
    assert [(c["user_id"], c["channel"]) for c in rows] == [(world.users.resident_a.pk, "online")]
    listed = resident.get("/api/activities/", street_id=world.street_a.pk).json()
    assert {a["id"]: a["signed_up"] for a in listed}[aid] == 1


def test_api_refusals_and_scope(world, act):
    outsider = ApiClient(world.users.resident_b)
    assert outsider.get(f"/api/activities/{act.activity.pk}").status_code == 404
    assert outsider.post(f"/api/activities/{act.activity.pk}/signup", {}).status_code == 404
    r = ApiClient(world.users.resident_a).post(
        "/api/activities/",
        {
            "street_id": world.street_a.pk,
            "kind": "salon",
            "title": "x",
            "starts_at": timezone.now().isoformat(),
            "ends_at": (timezone.now() + datetime.timedelta(hours=1)).isoformat(),
            "capacity": 5,
            "place": "y",
        },
    )
    assert r.status_code == 403
    r = ApiClient(world.users.street_a).post(
        "/api/activities/",
        {
            "street_id": world.street_a.pk,
            "kind": "salon",
            "title": "超长" * 50,
            "starts_at": timezone.now().isoformat(),
            "ends_at": (timezone.now() + datetime.timedelta(hours=1)).isoformat(),
            "capacity": 5,
            "place": "y",
        },
    )
    assert r.status_code == 400 and "活动名称不能超过80字" in r.json()["detail"]
    assert not Activity.objects.filter(kind="salon").exists()
    assert not ActivityCheckin.objects.exists()


def test_contest_through_the_api(world, act):
    contest = make_activity(world, act.org, kind="contest", capacity=30)
    staff = ApiClient(world.users.street_a)
    e = staff.post(
        f"/api/activities/{contest.pk}/entries", {"title": "口袋公园", "author": "林同学"}
    )
    assert e.status_code == 201
    eid = e.json()["id"]
    assert (
        staff.post(
            f"/api/activities/{contest.pk}/jurors", {"user_id": world.users.planner_a.pk}
        ).status_code
        == 201
    )
    planner = ApiClient(world.users.planner_a)
    assert planner.post(f"/api/activities/entries/{eid}/score", {"score": 9}).status_code == 200
    assert planner.post(f"/api/activities/entries/{eid}/score", {"score": 0}).status_code == 400
    assert staff.post(f"/api/activities/{contest.pk}/voting?open=true").status_code == 200
    resident = ApiClient(world.users.resident_a)
    assert resident.post(f"/api/activities/{contest.pk}/vote", {"entry_id": eid}).status_code == 201
    assert resident.post(f"/api/activities/{contest.pk}/vote", {"entry_id": eid}).status_code == 409
    ranking = resident.get(f"/api/activities/{contest.pk}/entries").json()
    assert ranking == [
        {
            "id": eid,
            "title": "口袋公园",
            "author": "林同学",
            "description": "",
            "jury_avg": 9.0,
            "n_scores": 1,
            "n_votes": 1,
            "rank": 1,
        }
    ]
