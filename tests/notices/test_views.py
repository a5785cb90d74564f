import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from linli.notices.models import Notice, Objection
from linli.notices.services import notice_create, objection_lodge
from tests.notices.conftest import PDF, PNG

pytestmark = pytest.mark.django_db


def test_list_public_to_committee_residents_drafts_hidden(client, world, notice):
    notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="plan",
        title="草稿公示",
        body="b",
    )
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notices:list")).content.decode()
    assert "睦邻花园改造方案公示" in html and "草稿公示" not in html
    client.force_login(world.users.staff_a)
    html = client.get(reverse("notices:list")).content.decode()
    assert "草稿公示" in html
    client.force_login(world.users.resident_b)
    assert "睦邻花园" not in client.get(reverse("notices:list")).content.decode()
    assert client.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("notices:poster", args=[notice.pk])).status_code == 404


def test_staff_creates_notice_with_attachment(client, world, project):
    client.force_login(world.users.staff_a)
    url = reverse("notices:create")
    data = {
        "committee": world.committee_a.pk,
        "kind": "minutes",
        "project": project.pk,
        "title": "居民会议纪要公示",
        "body": "会议纪要如下。",
        "posted_online": "on",
        "boards": "3号门公告栏",
        "publish": "on",
    }
    bad = SimpleUploadedFile("x.docx", b"PK\x03\x04 not allowed")
    r = client.post(url, data | {"attachments": [bad]})
    assert r.status_code == 400 and "只能上传图片" in r.content.decode()
    assert not Notice.objects.exists()
    good = SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")
    r = client.post(url, data | {"attachments": [good]})
    assert r.status_code == 302
    n = Notice.objects.get()
    assert n.status == "published" and n.attachments.count() == 1
    r = client.get(reverse("notices:attachment", args=[n.pk, n.attachments.get().pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(world.users.resident_a)
    assert client.get(url).status_code == 403


def test_objection_form_and_staff_response(client, world, notice, project):
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "提出异议" in html and 'id="objection-form"' in html
    url = reverse("notices:object", args=[notice.pk])
    r = client.post(url, {"reason": ""})
    assert r.status_code == 400 and "请填写异议理由" in r.content.decode()
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    r = client.post(url, {"reason": "影响一楼采光", "attachments": [photo]})
    assert r.status_code == 302
    o = Objection.objects.get()
    assert o.author == world.users.resident_a and o.attachments.count() == 1
    # another resident of the committee sees the count, not the content
    from linli.accounts.models import Role
    from tests.factories import make_user

    neighbour = make_user(Role.RESIDENT, world.flat_a2, name="王伟")
    client.force_login(neighbour)
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "共 1 条异议" in html and "影响一楼采光" not in html
    assert (
        client.get(
            reverse("notices:objection_attachment", args=[notice.pk, o.attachments.get().pk])
        ).status_code
        == 404
    )
    # the stage move is refused on the project page
    client.force_login(world.users.staff_a)
    r = client.post(reverse("projects:change_stage", args=[project.pk]), {"to_stage": "diagnosis"})
    assert r.status_code == 409 and "异议未答复" in r.content.decode()
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "影响一楼采光" in html and "记录答复" in html
    r = client.post(reverse("notices:respond", args=[notice.pk, o.pk]), {"response": ""})
    assert r.status_code == 400 and "请填写答复内容" in r.content.decode()
    r = client.post(
        reverse("notices:respond", args=[notice.pk, o.pk]), {"response": "改种低矮灌木"}
    )
    assert r.status_code == 302
    r = client.post(reverse("projects:change_stage", args=[project.pk]), {"to_stage": "diagnosis"})
    assert r.status_code == 302
    client.force_login(world.users.resident_a)
    r = client.post(reverse("notices:respond", args=[notice.pk, o.pk]), {"response": "x"})
    assert r.status_code == 403


def test_poster_pdf(client, world, notice):
    client.force_login(world.users.resident_a)
    r = client.get(reverse("notices:poster", args=[notice.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_extend_withdraw_close_pages(client, world, notice):
    client.force_login(world.users.staff_a)
    r = client.post(
        reverse("notices:extend", args=[notice.pk]),
        {"ends_at": "2000-01-01T00:00", "reason": "延长"},
    )
    assert r.status_code == 400 and "必须晚于原截止时间" in r.content.decode()
    later = timezone.localtime(notice.ends_at + datetime.timedelta(days=3))
    r = client.post(
        reverse("notices:extend", args=[notice.pk]),
        {"ends_at": later.strftime("%Y-%m-%dT%H:%M"), "reason": "居民要求"},
    )
    assert r.status_code == 302
    r = client.post(reverse("notices:close", args=[notice.pk]))
    assert r.status_code == 400 and "期满后才能结束" in r.content.decode()
    r = client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "内容有误"})
    assert r.status_code == 302
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    for word in ("发布公示", "延长公示期", "撤回", "居民要求", "内容有误"):
        assert word in html
    client.force_login(world.users.resident_a)
    r = client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "x"})
    assert r.status_code == 403


def test_objection_after_period_refused(client, world, notice):
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=3),
    )
    client.force_login(world.users.resident_a)
    html = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert 'id="objection-form"' not in html and "公示期满" in html
    r = client.post(reverse("notices:object", args=[notice.pk]), {"reason": "晚了"})
    assert r.status_code == 400 and "不在公示期内" in r.content.decode()
    assert not Objection.objects.exists()


def test_list_query_count_is_flat(client, world, django_assert_max_num_queries):
    for i in range(8):
        n = notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="plan",
            title=f"公示{i}",
            body="b",
            publish=True,
        )
        objection_lodge(actor=world.users.resident_a, notice=n, reason="r")
    client.force_login(world.users.resident_a)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("notices:list"))
    assert r.content.decode().count("异议 1 条") == 8


def test_publish_approved_minutes_as_a_notice(client, world, project):
    from linli.deliberation.services import (
        meeting_close,
        meeting_create,
        meeting_sign_in,
        minutes_approve,
        minutes_save,
    )

    staff = world.users.staff_a
    meeting = meeting_create(
        actor=staff,
        committee=world.committee_a,
        kind="residents",
        title="睦邻花园居民会议",
        convener="committee",
        starts_at=timezone.now(),
        expected_count=3,
        project=project,
        location="睦邻客厅",
    )
    for name in ("甲", "乙"):
        meeting_sign_in(actor=staff, meeting=meeting, name=name)
    minutes = minutes_save(
        actor=staff,
        meeting=meeting,
        summary="讨论方案二",
        resolutions=[{"text": "同意方案二", "agree": 2}],
    )
    meeting_close(actor=staff, meeting=meeting)
    minutes_approve(actor=staff, meeting=meeting)
    client.force_login(staff)
    html = client.get(reverse("deliberation:detail", args=[meeting.pk])).content.decode()
    link = f"?subject=deliberation.minutes:{minutes.pk}"
    assert link in html
    html = client.get(reverse("notices:create") + link).content.decode()
    assert (
        "睦邻花园居民会议会议纪要公示" in html
        and "决议1：同意方案二（出席2人，同意2人，通过）" in html
    )
    r = client.post(
        reverse("notices:create"),
        {
            "committee": world.committee_a.pk,
            "kind": "minutes",
            "title": "睦邻花园居民会议会议纪要公示",
            "body": "纪要全文",
            "posted_online": "on",
            "publish": "on",
            "subject": f"deliberation.minutes:{minutes.pk}",
        },
    )
    assert r.status_code == 302
    n = Notice.objects.get()
    assert n.subject == minutes and n.project == project
    # another committee's staff cannot name these minutes as a subject
    client.force_login(world.users.staff_b)
    assert client.get(reverse("notices:create") + link).status_code == 404


def test_resident_home_lists_a_notice_only_while_objections_can_be_lodged(client, world, notice):
    """等您参与 lists a notice during its period; once the period has ended (or before it
    starts) there is nothing to do, and the to-do must go (issue 11 walk-through)."""
    client.force_login(world.users.resident_a)
    assert notice.title in client.get("/places/mine/").content.decode()
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=3),
    )
    assert notice.title not in client.get("/places/mine/").content.decode()
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=8),
    )
    assert notice.title not in client.get("/places/mine/").content.decode()


def test_project_page_says_a_notice_has_ended(client, world, notice, project):
    """The project page's 公示 section reads the status as residents do (公示期满), not the
    stored 公示中, once the period is over."""
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=3),
    )
    client.force_login(world.users.staff_a)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    section = html[html.index(notice.title) :][:400]
    assert "公示期满" in section and "公示中" not in section
