import pytest

from linli.deliberation.models import Meeting
from linli.deliberation.services import checkin_token
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def _create(api, world, **kw):
    body = {
        "committee_id": world.committee_a.pk,
        "kind": "residents",
        "title": "居民会议",
        "convener": "committee",
        "starts_at": "2026-12-01T19:00:00+08:00",
        "expected_count": 3,
    } | kw
    return api.post("/api/meetings/", body)


def test_meeting_lifecycle_through_the_api(world, project):
    staff = ApiClient(world.users.staff_a)
    r = _create(staff, world, project_id=project.pk, invitee_building_ids=[world.building_a.pk])
    assert r.status_code == 201, r.content
    m = r.json()
    assert m["rule"].startswith("居民会议") and m["invitee_building_ids"] == [world.building_a.pk]
    mid = m["id"]
    r = staff.post(f"/api/meetings/{mid}/agenda", {"title": "花园方案", "project_id": project.pk})
    assert r.status_code == 201 and r.json()["agenda"][0]["project_id"] == project.pk
    # resident checks in with the QR token; a forged token is refused
    resident = ApiClient(world.users.resident_a)
    meeting = Meeting.objects.get(pk=mid)
    r = resident.post(f"/api/meetings/{mid}/checkin", {"token": "forged"})
    assert r.status_code == 403 and "签到二维码无效" in r.json()["detail"]
    r = resident.post(f"/api/meetings/{mid}/checkin", {"token": checkin_token(meeting)})
    assert r.status_code == 200 and r.json()["method"] == "qr"
    r = staff.post(f"/api/meetings/{mid}/attendance", {"name": "王阿姨", "note": "5号楼301"})
    assert r.status_code == 201
    q = staff.get(f"/api/meetings/{mid}/quorum").json()
    assert (q["present"], q["needed"], q["met"]) == (2, 2, True)
    assert resident.get(f"/api/meetings/{mid}/attendance").status_code == 403
    assert len(staff.get(f"/api/meetings/{mid}/attendance").json()) == 2
    minutes = {
        "summary": "讨论花园方案",
        "points": [{"speaker": "张建国", "point": "保留大树"}],
        "resolutions": [{"text": "同意方案二", "agree": 2}],
        "follow_ups": [{"action": "改图", "owner": "林老师", "due": "2026-12-10"}],
    }
    r = staff.put(f"/api/meetings/{mid}/minutes", minutes)
    assert r.status_code == 200 and r.json()["resolutions"][0]["passed"] is True
    r = staff.post(f"/api/meetings/{mid}/minutes/approve")
    assert r.status_code == 400 and "请先结束会议" in r.json()["detail"]
    assert staff.post(f"/api/meetings/{mid}/close").json()["status"] == "closed"
    r = staff.post(f"/api/meetings/{mid}/minutes/approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = staff.put(f"/api/meetings/{mid}/minutes", minutes | {"summary": "改写"})
    assert r.status_code == 409 and "已审定" in r.json()["detail"]
    assert resident.get(f"/api/meetings/{mid}/minutes").json()["summary"] == "讨论花园方案"


def test_bad_input_is_a_chinese_4xx_and_writes_nothing(world):
    staff = ApiClient(world.users.staff_a)
    r = _create(staff, world, kind="party")
    assert r.status_code == 400 and "应由居民区党组织召集" in r.json()["detail"]
    r = _create(staff, world, expected_count=0)
    assert r.status_code == 422 and "请求数据有误" in r.json()["detail"]
    r = _create(staff, world, kind="nonsense")
    assert r.status_code == 400 and "会议类型不存在" in r.json()["detail"]
    r = _create(staff, world, invitee_building_ids=[world.building_b.pk])
    assert r.status_code == 400 and "楼栋" in r.json()["detail"]
    assert not Meeting.objects.exists()


def test_scoping(world):
    staff = ApiClient(world.users.staff_a)
    mid = _create(staff, world).json()["id"]
    other = ApiClient(world.users.staff_b)
    assert other.get(f"/api/meetings/{mid}").status_code == 404
    assert other.get("/api/meetings/").json() == []
    assert other.post(f"/api/meetings/{mid}/attendance", {"name": "x"}).status_code == 404
    r = _create(other, world)
    assert r.status_code == 404
    resident = ApiClient(world.users.resident_a)
    assert [m["id"] for m in resident.get("/api/meetings/").json()] == [mid]
    r = resident.post(f"/api/meetings/{mid}/attendance", {"name": "x"})
    assert r.status_code == 403
    r = _create(resident, world)
    assert r.status_code == 403


def test_siyi_api(world, project):
    staff = ApiClient(world.users.staff_a)
    r = staff.post(f"/api/meetings/siyi/{project.pk}", {"step": "move"})
    assert r.status_code == 400 and "请先完成“商议”" in r.json()["detail"]
    r = staff.post(f"/api/meetings/siyi/{project.pk}", {"step": "propose", "note": "居民提议"})
    assert r.status_code == 201
    states = [s["state"] for s in r.json()]
    assert states == ["done", "current", "todo", "todo"]
    assert (
        ApiClient(world.users.resident_b).get(f"/api/meetings/siyi/{project.pk}").status_code == 404
    )


def test_empty_bodies_are_refused_in_chinese_by_the_services(world, meeting, project):
    staff = ApiClient(world.users.staff_a)
    for path, status, message in [
        (f"/api/meetings/{meeting.pk}/agenda", 400, "请填写议题"),
        (f"/api/meetings/{meeting.pk}/attendance", 400, "请填写签到人姓名"),
        (f"/api/meetings/{meeting.pk}/checkin", 403, "签到二维码无效"),
        (f"/api/meetings/siyi/{project.pk}", 400, "四议环节不存在"),
    ]:
        r = staff.post(path, {})
        assert r.status_code == status and message in r.json()["detail"], (path, r.content)
