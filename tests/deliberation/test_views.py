import re

import pytest
from django.urls import reverse

from linli.deliberation.models import Attendance, Meeting, Minutes
from linli.deliberation.services import (
    checkin_token,
    meeting_close,
    meeting_sign_in,
    minutes_approve,
    minutes_save,
)

pytestmark = pytest.mark.django_db


def test_list_and_detail_are_scoped(client, world, meeting):
    client.force_login(world.users.resident_a)
    assert "开鲁一村居民会议" in client.get(reverse("deliberation:list")).content.decode()
    html = client.get(reverse("deliberation:detail", args=[meeting.pk])).content.decode()
    assert "居委会二楼会议室" in html and "扫码签到" not in html  # no QR for residents
    html = client.get(
        reverse("deliberation:list"), {"project": meeting.project_id + 1}
    ).content.decode()
    assert "开鲁一村居民会议" not in html
    html = client.get(
        reverse("deliberation:list"), {"project": meeting.project_id}
    ).content.decode()
    assert "开鲁一村居民会议" in html
    client.force_login(world.users.resident_b)
    assert "开鲁一村居民会议" not in client.get(reverse("deliberation:list")).content.decode()
    assert client.get(reverse("deliberation:detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("deliberation:quorum", args=[meeting.pk])).status_code == 404


def test_staff_creates_meeting_through_the_page(client, world, project):
    client.force_login(world.users.staff_a)
    url = reverse("deliberation:create")
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "committee": world.committee_a.pk,
            "kind": "owners_assembly",
            "title": "业主大会",
            "convener": "committee",
            "starts_at": "2026-12-01T19:00",
            "expected_count": "30",
            "invitee_roles": ["resident"],
        },
    )
    assert r.status_code == 400 and "须选择所在小区" in r.content.decode()
    assert not Meeting.objects.exists()
    r = client.post(
        url,
        {
            "committee": world.committee_a.pk,
            "kind": "owners_assembly",
            "title": "业主大会",
            "convener": "committee",
            "compound": world.compound_a.pk,
            "project": project.pk,
            "starts_at": "2026-12-01T19:00",
            "expected_count": "30",
            "invitee_buildings": [world.building_a.pk],
        },
    )
    m = Meeting.objects.get()
    assert r.status_code == 302 and r.url == reverse("deliberation:detail", args=[m.pk])
    assert m.acting_convener and list(m.invitee_buildings.all()) == [world.building_a]
    client.force_login(world.users.resident_a)
    assert client.get(url).status_code == 403
    client.force_login(world.users.leader_a)  # building leaders convene 楼组会议
    assert client.get(url).status_code == 200


def test_detail_shows_qr_and_quorum_fragment_polls(client, world, meeting):
    client.force_login(world.users.staff_a)
    html = client.get(reverse("deliberation:detail", args=[meeting.pk])).content.decode()
    assert "<svg" in html and "扫码签到" in html
    assert f'hx-get="{reverse("deliberation:quorum", args=[meeting.pk])}"' in html
    token = checkin_token(meeting)
    assert token in html
    frag = client.get(reverse("deliberation:quorum", args=[meeting.pk])).content.decode()
    assert "0/4" in frag and "还差3人" in frag


def test_qr_check_in_page(client, world, meeting):
    url = reverse("deliberation:checkin", args=[meeting.pk])
    token = checkin_token(meeting)
    # not logged in → login page, coming back afterwards
    r = client.get(url, {"t": token})
    assert r.status_code == 302 and "login" in r.url
    client.force_login(world.users.resident_a)
    html = client.get(url, {"t": token}).content.decode()
    assert "确认签到" in html
    r = client.post(url, {"t": token})
    assert r.status_code == 200 and "签到成功" in r.content.decode()
    assert Attendance.objects.filter(meeting=meeting, user=world.users.resident_a).count() == 1
    # forged / other meeting tokens
    r = client.post(url, {"t": token[:-2] + "xx"})
    assert r.status_code == 403 and "签到二维码无效" in r.content.decode()
    other = Meeting.objects.create(
        committee=world.committee_a,
        kind="building",
        title="楼组会议",
        convener="committee",
        starts_at=meeting.starts_at,
        expected_count=3,
    )
    r = client.get(url, {"t": checkin_token(other)})
    assert r.status_code == 403
    assert Attendance.objects.count() == 1


def test_staff_sign_in_close_and_sheet_pdf(client, world, meeting):
    client.force_login(world.users.staff_a)
    r = client.post(reverse("deliberation:sign_in", args=[meeting.pk]), {"name": "王阿姨"})
    assert r.status_code == 302
    r = client.post(reverse("deliberation:sign_in", args=[meeting.pk]), {"name": "王阿姨"})
    assert r.status_code == 400 and "已签到" in r.content.decode()
    r = client.get(reverse("deliberation:signin_sheet", args=[meeting.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    client.force_login(world.users.resident_a)
    assert client.get(reverse("deliberation:signin_sheet", args=[meeting.pk])).status_code == 403
    r = client.post(reverse("deliberation:sign_in", args=[meeting.pk]), {"name": "x"})
    assert r.status_code == 403
    client.force_login(world.users.staff_a)
    client.post(reverse("deliberation:close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == "closed"


def test_minutes_page_saves_and_refuses_after_approval(client, world, meeting):
    meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="甲")
    meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="乙")
    meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="丙")
    client.force_login(world.users.staff_a)
    url = reverse("deliberation:minutes_edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    data = {
        "summary": "讨论花园方案",
        "points-0-speaker": "张建国",
        "points-0-point": "保留大树",
        "resolutions-0-text": "同意方案二",
        "resolutions-0-agree": "abc",
        "follow_ups-0-action": "修改图纸",
        "follow_ups-0-owner": "林老师",
        "follow_ups-0-due": "2026-12-01",
    }
    r = client.post(url, data)
    assert r.status_code == 400 and "同意人数应为整数" in r.content.decode()
    assert not Minutes.objects.exists()
    data["resolutions-0-agree"] = "3"
    r = client.post(url, data)
    assert r.status_code == 302
    m = Minutes.objects.get()
    assert m.resolutions.get().passed is True
    html = client.get(reverse("deliberation:detail", args=[meeting.pk])).content.decode()
    assert "出席3人，同意3人，通过" in html
    meeting_close(actor=world.users.staff_a, meeting=meeting)
    r = client.post(reverse("deliberation:minutes_approve", args=[meeting.pk]))
    assert r.status_code == 302
    r = client.post(url, data | {"summary": "改写"})
    assert r.status_code == 409 and "已审定" in r.content.decode()
    m.refresh_from_db()
    assert m.summary == "讨论花园方案"
    html = client.get(reverse("deliberation:detail", args=[meeting.pk])).content.decode()
    assert "已审定" in html and "编辑纪要" not in html


def test_siyi_page_and_include_tag(client, world, project, meeting):
    client.force_login(world.users.staff_a)
    url = reverse("deliberation:siyi", args=[project.pk])
    r = client.post(url, {"step": "discuss"})
    assert r.status_code == 400 and "请先完成“提议”" in r.content.decode()
    assert client.post(url, {"step": "propose", "meeting": meeting.pk}).status_code == 302
    html = client.get(url).content.decode()
    assert re.search(r'class="done"[^>]*>提议', html)
    assert re.search(r'class="current" aria-current="step">商议', html)
    client.force_login(world.users.resident_a)
    assert client.post(url, {"step": "discuss"}).status_code == 403
    client.force_login(world.users.resident_b)
    assert client.get(url).status_code == 404


def test_frozen_minutes_view_is_read_only_for_everyone(client, world, meeting):
    minutes_save(actor=world.users.staff_a, meeting=meeting, summary="概况")
    meeting_close(actor=world.users.staff_a, meeting=meeting)
    minutes_approve(actor=world.users.staff_a, meeting=meeting)
    client.force_login(world.users.street_a)
    assert client.get(reverse("deliberation:minutes_edit", args=[meeting.pk])).status_code == 409


def test_meeting_list_query_count_is_flat(client, world, django_assert_max_num_queries):
    from django.utils import timezone

    from linli.deliberation.services import meeting_create

    for i in range(8):
        m = meeting_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="building",
            title=f"楼组会议{i}",
            convener="committee",
            starts_at=timezone.now(),
            expected_count=5,
            compound=world.compound_a,
        )
        meeting_sign_in(actor=world.users.staff_a, meeting=m, name="甲")
    client.force_login(world.users.resident_a)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("deliberation:list")).content.decode()
    assert html.count("签到 1/5") == 8
