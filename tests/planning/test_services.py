"""Design rounds (三下三上), ratings, work log, diagnosis and the way to a vote."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.planning import services
from linli.planning.models import DesignOption, DesignRound, OptionRating, WorkLog
from linli.projects.services import project_create
from tests.planning.conftest import png

pytestmark = pytest.mark.django_db


def test_yuan_parsing():
    assert services.yuan_to_fen("1200") == 120000
    assert services.yuan_to_fen("1,200.5") == 120050
    assert services.yuan_to_fen("¥ 0.01") == 1
    for bad in ["-5", "abc", "", "0", "1.234", "NaN", "1e400"]:
        with pytest.raises(ServiceError):
            services.yuan_to_fen(bad)


def test_published_round_keeps_costs_in_fen_and_files(published):
    assert published.option_a.total_fen == 200050
    assert published.option_a.files.get().kind == "image"
    assert published.round1.status == "published"
    assert AuditEvent.objects.filter(action="design_round.publish").count() == 1


def test_round_without_options_is_refused(paired):
    rnd = services.round_create(actor=paired.users.planner_a, project=paired.project)
    with pytest.raises(ServiceError, match="还没有任何设计方案"):
        services.round_publish(actor=paired.users.planner_a, round=rnd)
    rnd.refresh_from_db()
    assert rnd.status == "draft"


def test_bad_cost_or_file_saves_nothing(paired):
    planner = paired.users.planner_a
    rnd = services.round_create(actor=planner, project=paired.project)
    with pytest.raises(ServiceError, match="必须大于0"):
        services.option_save(actor=planner, round=rnd, label="A", description="d",
                             cost_items=[("座椅", "-100")])  # fmt: skip
    with pytest.raises(ServiceError, match="不是有效的数字"):
        services.option_save(actor=planner, round=rnd, label="A", description="d",
                             cost_items=[("座椅", "一千")])  # fmt: skip
    fake = SimpleUploadedFile("render.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ServiceError, match="不是有效的图片"):
        services.option_save(actor=planner, round=rnd, label="A", description="d", files=[fake])
    fake_pdf = SimpleUploadedFile("plan.pdf", b"hello", content_type="application/pdf")
    with pytest.raises(ServiceError, match="不是有效的PDF"):
        services.option_save(actor=planner, round=rnd, label="A", description="d", files=[fake_pdf])
    assert DesignOption.objects.count() == 0


def test_huge_file_refused(paired, monkeypatch):
    planner = paired.users.planner_a
    rnd = services.round_create(actor=planner, project=paired.project)
    big = SimpleUploadedFile("plan.pdf", b"%PDF-1.4" + b"0" * 100, content_type="application/pdf")
    monkeypatch.setattr(services, "MAX_PDF_BYTES", 50)
    with pytest.raises(ServiceError, match="超过20MB"):
        services.option_save(actor=planner, round=rnd, label="A", description="d", files=[big])


def test_planner_not_paired_is_refused(paired):
    """Planner of street A may not act on committee B (street B)."""
    project_b = project_create(
        actor=paired.users.staff_b, committee=paired.committee_b, title="车棚"
    )
    with pytest.raises(ScopeError):
        services.round_create(actor=paired.users.planner_a, project=project_b)
    with pytest.raises(ScopeError):
        services.worklog_add(actor=paired.users.planner_a, committee=paired.committee_b,
                             kind="site_visit", date=datetime.date.today(), place="车棚", findings="x")  # fmt: skip


def test_unpaired_planner_role_is_not_enough(world):
    """The PLANNER role alone (without an active pairing) does not let one plan."""
    project = project_create(actor=world.users.staff_a, committee=world.committee_a, title="花园")
    with pytest.raises(ScopeError):
        services.round_create(actor=world.users.planner_a, project=project)


def test_resident_rates_once_per_option_and_comments(published):
    w = published
    resident = w.users.resident_a
    services.option_rate(actor=resident, option=w.option_a, score=4)
    services.option_rate(actor=resident, option=w.option_a, score=5)
    assert OptionRating.objects.get(option=w.option_a, user=resident).score == 5
    with pytest.raises(IntegrityError), transaction.atomic():
        OptionRating.objects.create(option=w.option_a, user=resident, score=3)
    with pytest.raises(ServiceError):
        services.option_rate(actor=resident, option=w.option_a, score=6)
    c = services.option_comment(actor=resident, option=w.option_b, text="滑梯离窗户太近，吵")
    services.comment_reply(actor=w.users.planner_a, comment=c, reply="第二轮已移到北侧")
    c.refresh_from_db()
    assert c.reply == "第二轮已移到北侧"


def test_feedback_only_from_the_round_scope(published):
    with pytest.raises(ScopeError):
        services.option_rate(actor=published.users.resident_b, option=published.option_a, score=3)


def test_second_round_needs_change_note_copies_options_and_closes_round_one(published):
    w, planner = published, published.users.planner_a
    with pytest.raises(ServiceError, match="修改说明"):
        services.round_create(actor=planner, project=w.project)
    r2 = services.round_create(actor=planner, project=w.project, change_note="滑梯移到北侧")
    assert r2.number == 2 and list(r2.buildings.all()) == [w.building_a]
    b2 = r2.options.get(label="方案B：儿童角")
    assert b2.derived_from == w.option_b and b2.total_fen == 500000
    services.option_save(actor=planner, round=r2, option=b2, label="方案B：儿童角",
                         description="滑梯移到北侧", cost_items=[("铺地", "5000"), ("围栏", "900")])  # fmt: skip
    services.round_publish(actor=planner, round=r2)
    assert r2.options.get(pk=b2.pk).total_fen == 590000
    assert w.option_b.total_fen == 500000  # round 1 kept as it was
    with pytest.raises(ScopeError):  # feedback now goes to round 2 only
        services.option_rate(actor=w.users.resident_a, option=w.option_a, score=3)
    with pytest.raises(ServiceError, match="已发布"):
        services.option_save(actor=planner, round=w.round1, label="X", description="y")


def test_final_round_becomes_an_options_vote(published):
    w = published
    now = timezone.now()
    with pytest.raises(ScopeError):
        services.round_to_vote(actor=w.users.planner_a, round=w.round1, opens_at=now,
                               closes_at=now + datetime.timedelta(days=7))  # fmt: skip
    vote = services.round_to_vote(actor=w.users.staff_a, round=w.round1, opens_at=now,
                                  closes_at=now + datetime.timedelta(days=7))  # fmt: skip
    assert vote.kind == "options" and vote.project == w.project
    assert list(vote.options.values_list("label", flat=True)) == [
        "方案A：口袋花园",
        "方案B：儿童角",
    ]
    assert list(vote.buildings.all()) == [w.building_a]
    rnd = DesignRound.objects.get(pk=w.round1.pk)
    assert rnd.is_final and rnd.vote == vote
    with pytest.raises(ServiceError):
        services.round_create(actor=w.users.planner_a, project=w.project, change_note="再改")


def test_worklog_with_photo_and_bad_photo(paired):
    planner = paired.users.planner_a
    log = services.worklog_add(actor=planner, committee=paired.committee_a, kind="site_visit",
                               date=datetime.date.today(), place="中心花园", findings="铺地破损",
                               people_met="楼组长王阿姨", photos=[png("site.png")])  # fmt: skip
    assert log.photos.count() == 1
    bad = SimpleUploadedFile("x.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    with pytest.raises(ServiceError):
        services.worklog_add(actor=planner, committee=paired.committee_a, kind="interview",
                             date=datetime.date.today(), place="活动室", findings="x", photos=[bad])  # fmt: skip
    assert WorkLog.objects.count() == 1


def test_diagnosis_links_needs(paired):
    from linli.needs.services import need_submit

    need = need_submit(actor=paired.users.resident_a, committee=paired.committee_a,
                       text="花园里没有座椅，老人走累了没地方坐", category="facilities")  # fmt: skip
    d = services.diagnosis_save(actor=paired.users.planner_a, project=paired.project,
                                needs_analysis="老人多", resource_analysis="大树两棵",
                                property_rights="小区共有部分", budget_band="small",
                                safety="远离消防通道", recommendations="口袋花园", needs=[need])  # fmt: skip
    assert list(d.needs.all()) == [need]
    with pytest.raises(ScopeError):
        services.diagnosis_save(actor=paired.users.resident_a, project=paired.project)


def test_option_removed_from_a_draft_only(published):
    planner = published.users.planner_a
    with pytest.raises(ServiceError, match="已发布"):
        services.option_remove(actor=planner, option=published.option_a)
    r2 = services.round_create(actor=planner, project=published.project, change_note="去掉儿童角")
    services.option_remove(actor=planner, option=r2.options.get(label="方案B：儿童角"))
    assert list(r2.options.values_list("label", flat=True)) == ["方案A：口袋花园"]
    assert published.round1.options.count() == 2
