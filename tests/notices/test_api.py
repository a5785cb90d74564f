import datetime

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.notices.models import Notice, Objection
from tests.api_client import ApiClient
from tests.notices.conftest import PNG

pytestmark = pytest.mark.django_db


def _create(api, world, **kw):
    body = {
        "committee_id": world.committee_a.pk,
        "kind": "plan",
        "title": "方案公示",
        "body": "方案内容",
        "boards": ["3号门公告栏"],
        "publish": True,
    } | kw
    return api.post("/api/notices/", body)


def _multipart(user, path, data):
    _, key = api_token_create(actor=user, name="t")
    return Client().post(path, data, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_notice_and_objection_cycle_blocks_stage(world, project):
    staff = ApiClient(world.users.staff_a)
    r = _create(staff, world, project_id=project.pk)
    assert r.status_code == 201, r.content
    n = r.json()
    assert n["status"] == "published" and n["boards"] == ["3号门公告栏"]
    assert [e["kind"] for e in n["history"]] == ["created", "published"]
    nid = n["id"]
    # a resident objects with a photo (multipart)
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    r = _multipart(
        world.users.resident_a,
        f"/api/notices/{nid}/objections",
        {"reason": "影响采光", "files": [photo]},
    )
    assert r.status_code == 201, r.content
    oid = r.json()["id"]
    assert r.json()["attachments"][0]["name"] == "现场.png"
    bad = SimpleUploadedFile("a.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml")
    r = _multipart(
        world.users.resident_a, f"/api/notices/{nid}/objections", {"reason": "x", "files": [bad]}
    )
    assert r.status_code == 400 and "只能上传图片" in r.json()["detail"]
    # stage move refused until answered
    r = staff.post(f"/api/projects/{project.pk}/stage", {"to_stage": "diagnosis"})
    assert r.status_code == 409 and "异议未答复" in r.json()["detail"]
    assert staff.get(f"/api/notices/{nid}").json()["unanswered"] == 1
    r = staff.post(f"/api/notices/{nid}/objections/{oid}/respond", {"response": "已调整"})
    assert r.status_code == 200 and r.json()["answered"] is True
    r = staff.post(f"/api/projects/{project.pk}/stage", {"to_stage": "diagnosis"})
    assert r.status_code == 200
    assert Objection.objects.count() == 1


def test_extend_withdraw_and_history(world):
    staff = ApiClient(world.users.staff_a)
    n = _create(staff, world).json()
    ends = datetime.datetime.fromisoformat(n["ends_at"]) + datetime.timedelta(days=2)
    r = staff.post(
        f"/api/notices/{n['id']}/extend", {"ends_at": ends.isoformat(), "reason": "居民要求"}
    )
    assert r.status_code == 200
    r = staff.post(f"/api/notices/{n['id']}/close")
    assert r.status_code == 400 and "期满后才能结束" in r.json()["detail"]
    r = staff.post(f"/api/notices/{n['id']}/withdraw", {"reason": ""})
    assert r.status_code == 400 and "请说明撤回的原因" in r.json()["detail"]
    r = staff.post(f"/api/notices/{n['id']}/withdraw", {"reason": "内容有误"})
    assert [e["kind"] for e in r.json()["history"]] == [
        "created",
        "published",
        "extended",
        "withdrawn",
    ]


def test_draft_with_generic_subject_then_publish(world, project):
    from django.utils import timezone

    from linli.deliberation.services import meeting_create, minutes_save

    meeting = meeting_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="residents",
        title="居民会议",
        convener="committee",
        starts_at=timezone.now(),
        expected_count=5,
        project=project,
    )
    minutes = minutes_save(actor=world.users.staff_a, meeting=meeting, summary="概况")
    staff = ApiClient(world.users.staff_a)
    r = _create(
        staff,
        world,
        kind="minutes",
        publish=False,
        subject_type="deliberation.minutes",
        subject_id=minutes.pk,
    )
    assert r.status_code == 201
    n = r.json()
    assert n["status"] == "draft" and n["subject_type"] == "deliberation.minutes"
    assert n["project_id"] == project.pk  # taken from the subject
    assert ApiClient(world.users.resident_a).get(f"/api/notices/{n['id']}").status_code == 404
    r = staff.post(f"/api/notices/{n['id']}/publish", {"days": 5})
    assert r.status_code == 200 and r.json()["status"] == "published"
    r = _create(staff, world, subject_type="places.nothing", subject_id=1)
    assert r.status_code == 404


def test_bad_input_and_scoping(world):
    staff = ApiClient(world.users.staff_a)
    before = Notice.objects.count()
    r = _create(staff, world, title="")
    assert r.status_code == 400 and "请填写公示标题" in r.json()["detail"]
    r = _create(staff, world, days=400)
    assert r.status_code == 400 and "公示期应在1到90天之间" in r.json()["detail"]
    r = _create(staff, world, kind="x")
    assert r.status_code == 400 and "公示类型不存在" in r.json()["detail"]
    assert Notice.objects.count() == before
    nid = _create(staff, world).json()["id"]
    other = ApiClient(world.users.staff_b)
    assert other.get(f"/api/notices/{nid}").status_code == 404
    assert other.get("/api/notices/").json() == []
    assert _create(other, world).status_code == 404
    resident = ApiClient(world.users.resident_a)
    assert [n["id"] for n in resident.get("/api/notices/").json()] == [nid]
    assert _create(resident, world).status_code == 403
    r = resident.post(f"/api/notices/{nid}/withdraw", {"reason": "x"})
    assert r.status_code == 403
    r = _multipart(world.users.resident_b, f"/api/notices/{nid}/objections", {"reason": "x"})
    assert r.status_code == 404
    r = _multipart(world.users.resident_a, f"/api/notices/{nid}/objections", {"reason": "有意见"})
    assert r.status_code == 201
    # residents see only their own objections; staff see all
    from linli.accounts.models import Role
    from tests.factories import make_user

    neighbour = make_user(Role.RESIDENT, world.flat_a2, name="王伟")
    assert ApiClient(neighbour).get(f"/api/notices/{nid}/objections").json() == []
    assert len(staff.get(f"/api/notices/{nid}/objections").json()) == 1


def test_empty_bodies_are_refused_in_chinese_by_the_services(world, notice):
    staff = ApiClient(world.users.staff_a)
    for path, message in [
        (f"/api/notices/{notice.pk}/extend", "请说明延长公示期的原因"),
        (f"/api/notices/{notice.pk}/withdraw", "请说明撤回的原因"),
    ]:
        r = staff.post(path, {})
        assert r.status_code == 400 and message in r.json()["detail"], r.content
    r = _multipart(world.users.resident_a, f"/api/notices/{notice.pk}/objections", {})
    assert r.status_code == 400 and "请填写异议理由" in r.json()["detail"]
