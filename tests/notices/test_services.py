import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.notices.models import Notice, Objection, notice_days
from linli.notices.services import (
    notice_close,
    notice_create,
    notice_extend,
    notice_publish,
    notice_withdraw,
    objection_lodge,
    objection_respond,
)
from linli.projects.models import Stage
from linli.projects.services import project_change_stage
from tests.notices.conftest import PDF, PNG


def test_publish_defaults_to_seven_days_and_keeps_history(world, notice):
    assert notice.status == Notice.Status.PUBLISHED
    assert notice.ends_at - notice.starts_at == datetime.timedelta(days=7)
    assert notice.board_list == ["开鲁一村3号门公告栏", "居委会宣传栏"]
    later = notice.ends_at + datetime.timedelta(days=3)
    notice_extend(actor=world.users.staff_a, notice=notice, ends_at=later, reason="居民要求延长")
    kinds = list(notice.events.values_list("kind", flat=True))
    assert kinds == ["created", "published", "extended"]
    ext = notice.events.get(kind="extended")
    assert ext.ends_after == later and ext.note == "居民要求延长"
    assert AuditEvent.objects.filter(action="notice.extend").count() == 1


def test_period_configurable_per_kind(world, settings):
    settings.LINLI_NOTICE_DAYS = {"account": 15}
    assert notice_days("account") == 15 and notice_days("plan") == 7
    n = notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="account",
        title="账目公示",
        body="收支明细",
        publish=True,
    )
    assert n.ends_at - n.starts_at == datetime.timedelta(days=15)


def test_draft_then_publish_and_generic_subject(world, project):
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
    minutes = minutes_save(actor=world.users.staff_a, meeting=meeting, summary="会议概况")
    n = notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="minutes",
        title="居民会议纪要公示",
        body="纪要全文",
        subject=minutes,
    )
    assert n.status == "draft" and n.subject == minutes
    with pytest.raises(ServiceError, match="不属于该居委会"):
        notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title="x",
            body="y",
            subject=world.compound_b,
        )
    notice_publish(actor=world.users.staff_a, notice=n, days=10)
    n.refresh_from_db()
    assert n.status == "published" and (n.ends_at - n.starts_at).days == 10


def test_bad_input_refused_in_chinese_nothing_written(world):
    count = Notice.objects.count()
    for kw, msg in [
        ({"title": ""}, "请填写公示标题"),
        ({"kind": "nope"}, "公示类型不存在"),
        ({"posted_online": False, "boards": "", "publish": True}, "至少选择一种公示方式"),
        ({"days": 0, "publish": True}, "公示期应在1到90天之间"),
        ({"attachments": [SimpleUploadedFile("a.exe", b"MZ\x90\x00")]}, "格式不支持"),
    ]:
        args = {
            "actor": world.users.staff_a,
            "committee": world.committee_a,
            "kind": "plan",
            "title": "标题",
            "body": "内容",
        } | kw
        with pytest.raises(ServiceError, match=msg):
            notice_create(**args)
    assert Notice.objects.count() == count


def test_only_managers_publish(world):
    with pytest.raises(ScopeError):
        notice_create(
            actor=world.users.resident_a,
            committee=world.committee_a,
            kind="plan",
            title="t",
            body="b",
        )
    with pytest.raises(ScopeError):
        notice_create(
            actor=world.users.staff_b, committee=world.committee_a, kind="plan", title="t", body="b"
        )


def test_objection_identity_period_and_attachments(world, notice):
    f1 = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    f2 = SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
    o = objection_lodge(
        actor=world.users.resident_a,
        notice=notice,
        reason="方案会挡住一楼采光",
        attachments=[f1, f2],
    )
    assert o.attachments.count() == 2 and not o.answered
    # outsiders: another committee's resident, a user without a role
    for user in (world.users.resident_b, world.users.outsider):
        with pytest.raises(ScopeError):
            objection_lodge(actor=user, notice=notice, reason="x")
    with pytest.raises(ServiceError, match="请填写异议理由"):
        objection_lodge(actor=world.users.resident_a, notice=notice, reason="  ")
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>")
    with pytest.raises(ServiceError, match="只能上传图片"):
        objection_lodge(actor=world.users.resident_a, notice=notice, reason="r", attachments=[fake])
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    with pytest.raises(ServiceError, match="超过5MB"):
        objection_lodge(actor=world.users.resident_a, notice=notice, reason="r", attachments=[big])
    assert Objection.objects.count() == 1
    # after the period: refused
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=9),
        ends_at=timezone.now() - datetime.timedelta(days=2),
    )
    notice.refresh_from_db()
    with pytest.raises(ServiceError, match="不在公示期内"):
        objection_lodge(actor=world.users.resident_a, notice=notice, reason="晚了")


def test_an_objection_blocks_the_stage_transition_until_answered(world, notice, project):
    staff = world.users.staff_a
    objection = objection_lodge(actor=world.users.resident_a, notice=notice, reason="采光问题")
    with pytest.raises(ServiceError, match="尚有1条异议未答复") as exc:
        project_change_stage(actor=staff, project=project, to_stage=Stage.DIAGNOSIS)
    assert exc.value.status == 409 and "睦邻花园改造方案公示" in exc.value.message
    project.refresh_from_db()
    assert project.stage == Stage.NEEDS
    with pytest.raises(ScopeError):
        objection_respond(actor=world.users.resident_a, objection=objection, response="x")
    with pytest.raises(ServiceError, match="请填写答复内容"):
        objection_respond(actor=staff, objection=objection, response="")
    objection_respond(actor=staff, objection=objection, response="已调整为低矮灌木，不影响采光")
    with pytest.raises(ServiceError, match="已答复"):
        objection_respond(actor=staff, objection=objection, response="again")
    project = project_change_stage(actor=staff, project=project, to_stage=Stage.DIAGNOSIS)
    assert project.stage == Stage.DIAGNOSIS
    # going back is never blocked
    objection_lodge(actor=world.users.resident_a, notice=notice, reason="新的异议")
    project_change_stage(actor=staff, project=project, to_stage=Stage.NEEDS, note="补充调查")


def test_withdraw_and_close(world, notice):
    with pytest.raises(ServiceError, match="期满后才能结束"):
        notice_close(actor=world.users.staff_a, notice=notice)
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=8),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    notice_close(actor=world.users.staff_a, notice=notice)
    notice.refresh_from_db()
    assert notice.status == "closed"
    with pytest.raises(ServiceError, match="已结束或已撤回"):
        notice_withdraw(actor=world.users.staff_a, notice=notice, reason="x")
    n2 = notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="plan",
        title="t",
        body="b",
        publish=True,
    )
    with pytest.raises(ServiceError, match="请说明撤回的原因"):
        notice_withdraw(actor=world.users.staff_a, notice=n2, reason="")
    notice_withdraw(actor=world.users.staff_a, notice=n2, reason="内容有误")
    assert list(n2.events.values_list("kind", flat=True)) == ["created", "published", "withdrawn"]


def test_selectors_scope(world, notice):
    from linli.notices.selectors import notices_visible_to

    draft = notice_create(
        actor=world.users.staff_a, committee=world.committee_a, kind="plan", title="草稿", body="b"
    )
    assert set(notices_visible_to(world.users.resident_a)) == {notice}
    assert set(notices_visible_to(world.users.staff_a)) == {notice, draft}
    assert set(notices_visible_to(world.users.resident_b)) == set()
    assert set(notices_visible_to(world.users.street_a)) == {notice, draft}


def test_close_expired_command(world, notice):
    from io import StringIO

    from django.core.management import call_command

    fresh = notice_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="plan",
        title="新公示",
        body="b",
        publish=True,
    )
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=8),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    out = StringIO()
    call_command("close_expired_notices", stdout=out)
    assert "已结束 1 条" in out.getvalue()
    notice.refresh_from_db()
    fresh.refresh_from_db()
    assert notice.status == "closed" and fresh.status == "published"
    event = notice.events.get(kind="closed")
    assert event.actor is None
    assert AuditEvent.objects.filter(action="notice.close", actor__isnull=True).count() == 1
