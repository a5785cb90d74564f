"""Step 5 through its pages: forms, refusals with their status and nothing written, the
guards through the project page, the patrol QR page on a phone, and pinned query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.implementation import services
from linli.implementation.models import (
    Feedback,
    Milestone,
    PatrolRecord,
    Procurement,
    Signoff,
    Ticket,
)
from linli.projects.models import Stage
from tests.implementation.conftest import (
    TODAY,
    finish_milestones,
    jpeg_with_gps,
    not_an_image,
    review_supervise_entries,
    sign_all,
)

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_hub_shows_group_and_sections_to_staff_and_contractor(client, impl):
    _login(client, impl.staff)
    r = client.get(reverse("implementation:project", args=[impl.project.pk]))
    assert r.status_code == 200
    text = r.content.decode()
    assert "项目工作组" in text and "施工队王经理" in text and "登记采购" in text
    _login(client, impl.contractor)
    r = client.get(reverse("implementation:project", args=[impl.project.pk]))
    assert r.status_code == 200 and "登记采购" not in r.content.decode()
    # but not the project page of the projects app, nor anything of another project
    assert client.get(reverse("projects:detail", args=[impl.project.pk])).status_code == 404


def test_project_page_has_the_section_with_status_lines(client, impl):
    _login(client, impl.staff)
    r = client.get(reverse("projects:detail", args=[impl.project.pk]))
    text = r.content.decode()
    assert 'id="section-implementation"' in text
    assert "进度节点" in text and "尚未编排" in text and "验收签署" in text


def test_procurement_form_refuses_direct_purchase_above_threshold(client, impl):
    _login(client, impl.staff)
    url = reverse("implementation:procurement_new", args=[impl.project.pk])
    r = client.post(url, {"title": "施工", "method": "direct", "budget_fen": "84,000"})
    assert r.status_code == 400 and "不能直接采购" in r.content.decode()
    assert not Procurement.objects.exists()
    r = client.post(url, {"title": "施工", "method": "compare", "budget_fen": "84,000"})
    assert r.status_code == 302
    assert Procurement.objects.get().budget_fen == 8_400_000


def test_decide_with_two_quotes_is_409_on_the_page(client, impl, world):
    from tests.implementation.conftest import closed_meeting

    p = services.procurement_create(
        actor=impl.staff, project=impl.project, title="施工", method="compare", budget_fen=100_000
    )
    q = services.quote_add(actor=impl.staff, procurement=p, company=impl.companies[0], amount_fen=1)
    services.quote_add(actor=impl.staff, procurement=p, company=impl.companies[1], amount_fen=2)
    meeting = closed_meeting(world, impl.project)
    _login(client, impl.staff)
    r = client.post(
        reverse("implementation:decide", args=[p.pk]),
        {"quote": q.pk, "reason": "最低价", "meeting": meeting.pk},
    )
    assert r.status_code == 409 and "至少需要3家报价" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "open"


def test_milestone_dates_out_of_order_page_400(client, impl):
    _login(client, impl.staff)
    r = client.post(
        reverse("implementation:milestone_add", args=[impl.project.pk]),
        {"title": "拆除", "planned_start": "2026-05-10", "planned_end": "2026-05-01"},
    )
    assert r.status_code == 400 and "计划完成日期不能早于计划开始日期" in r.content.decode()
    assert not Milestone.objects.exists()


def test_site_log_with_a_non_image_is_refused_on_the_page(client, impl):
    _login(client, impl.contractor)
    url = reverse("implementation:sitelog_add", args=[impl.project.pk])
    r = client.post(
        url, {"date": TODAY().isoformat(), "work_done": "铺设地砖", "photos": [not_an_image()]}
    )
    assert r.status_code == 400 and "不是有效的图片" in r.content.decode()
    r = client.post(
        url, {"date": TODAY().isoformat(), "work_done": "铺设地砖", "photos": [jpeg_with_gps()]}
    )
    assert r.status_code == 302
    hub = client.get(reverse("implementation:project", args=[impl.project.pk])).content.decode()
    assert "铺设地砖" in hub
    photo = impl.project.site_logs.get().photos.get()
    assert client.get(reverse("implementation:photo", args=[photo.pk])).status_code == 200


def test_feedback_from_the_hoarding_qr(client, impl, world):
    _login(client, impl.staff)
    qr = client.get(reverse("implementation:hoarding_qr", args=[impl.project.pk]))
    assert qr.status_code == 200 and b"data:image/svg+xml" in qr.content
    _login(client, world.users.leader_a)
    url = reverse("implementation:feedback", args=[impl.project.pk]) + "?from=qr"
    r = client.post(url, {"text": "围挡挡住了楼道口，老人进出不便", "from": "qr"})
    assert r.status_code == 302
    fb = Feedback.objects.get()
    assert fb.channel == "qr"
    _login(client, impl.contractor)
    r = client.post(reverse("implementation:feedback_answer", args=[fb.pk]), {"answer": "好"})
    assert r.status_code == 403
    _login(client, impl.rep)
    r = client.post(
        reverse("implementation:feedback_answer", args=[fb.pk]), {"answer": "围挡已后移一米"}
    )
    assert r.status_code == 302
    page = client.get(reverse("implementation:feedback", args=[impl.project.pk])).content.decode()
    assert "围挡已后移一米" in page


def test_stage_guards_through_the_project_page(client, impl, world):
    _login(client, impl.staff)
    url = reverse("projects:change_stage", args=[impl.project.pk])
    r = client.post(url, {"to_stage": Stage.ACCEPTANCE})
    assert r.status_code == 409 and "尚未编排施工进度节点" in r.content.decode()
    finish_milestones(impl)
    r = client.post(url, {"to_stage": Stage.ACCEPTANCE})
    assert r.status_code == 302
    impl.project.refresh_from_db()
    assert impl.project.stage == Stage.ACCEPTANCE
    r = client.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 409 and "验收尚缺" in r.content.decode()
    detail = client.get(reverse("projects:detail", args=[impl.project.pk])).content.decode()
    assert "验收已由各方签署" in detail and "已确定运维安排" in detail
    sign_all(impl, world)
    r = client.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 409 and "未经监事审核" in r.content.decode()
    review_supervise_entries(impl)
    r = client.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 409 and "尚未确定运维安排" in r.content.decode()
    r = client.post(
        reverse("implementation:arrangement", args=[impl.project.pk]),
        {"kind": "property", "keeper": "开鲁物业", "money": "维修资金"},
    )
    assert r.status_code == 302
    r = client.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 302
    impl.project.refresh_from_db()
    assert impl.project.stage == Stage.EVALUATION


def test_signoff_page_refuses_without_the_role(client, impl, world):
    finish_milestones(impl)
    from linli.projects.services import project_change_stage

    project_change_stage(actor=impl.staff, project=impl.project, to_stage=Stage.ACCEPTANCE)
    _login(client, impl.rep)
    r = client.post(
        reverse("implementation:signoff", args=[impl.project.pk]),
        {"party": "planner", "opinion": "同意"},
    )
    assert r.status_code == 403
    assert not Signoff.objects.exists()
    _login(client, impl.planner)
    page = client.get(reverse("implementation:acceptance", args=[impl.project.pk])).content.decode()
    assert "?party=planner" in page and "?party=committee" not in page
    r = client.post(
        reverse("implementation:signoff", args=[impl.project.pk]),
        {"party": "planner", "opinion": "按方案完成"},
    )
    assert r.status_code == 302 and Signoff.objects.get().party == "planner"


def _garage(impl, world):
    team = services.team_create(
        actor=impl.staff, committee=world.committee_a, name="车库巡保队", kind="garage",
        project=impl.project,
    )  # fmt: skip
    member = services.team_member_add(actor=impl.staff, team=team, user=world.users.leader_a)
    site = services.patrol_site_add(
        actor=impl.staff, project=impl.project, team=team, name="睦邻车库",
        checklist="车辆停放整齐\n消防通道畅通",
    )  # fmt: skip
    return team, member, site


def test_patrol_page_check_in_twice_keeps_one_record(client, impl, world):
    team, member, site = _garage(impl, world)
    _login(client, world.users.leader_a)
    url = reverse("implementation:patrol", args=[site.pk])
    page = client.get(url)
    assert page.status_code == 200 and "消防通道畅通" in page.content.decode()
    data = {"checked": ["车辆停放整齐", "消防通道畅通"], "problem": ""}
    r1 = client.post(url, data)
    r2 = client.post(url, data)
    assert r1.status_code == 302 and r2.status_code == 302 and r1.url == r2.url
    assert PatrolRecord.objects.count() == 1
    done = client.get(r2.url, follow=True).content.decode()
    assert "无需重复签到" in done
    # a resident who is not a volunteer gets a clear 403
    _login(client, world.users.resident_a)
    r = client.get(url)
    assert r.status_code == 403 and "不能登记巡查" in r.content.decode()


def test_patrol_of_another_committees_site_is_403(client, impl, world):
    from linli.projects.services import project_create

    _garage(impl, world)
    other_project = project_create(
        actor=world.users.staff_b, committee=world.committee_b, title="铁路新村车库"
    )
    other_team = services.team_create(
        actor=world.users.staff_b, committee=world.committee_b, name="铁路巡逻队", kind="garage"
    )
    other_site = services.patrol_site_add(
        actor=world.users.staff_b, project=other_project, team=other_team, name="B车库",
        checklist="整齐",
    )  # fmt: skip
    _login(client, world.users.leader_a)
    r = client.post(reverse("implementation:patrol", args=[other_site.pk]), {"checked": ["整齐"]})
    assert r.status_code == 403 and "铁路" not in r.content.decode()
    assert not PatrolRecord.objects.exists()


def test_ticket_pages_report_and_only_reporter_or_handler_closes(client, impl, world):
    _login(client, world.users.resident_a)
    r = client.post(
        reverse("implementation:ticket_new", args=[impl.project.pk]),
        {"place": "车库入口", "description": "闸机坏了", "photo": jpeg_with_gps()},
    )
    assert r.status_code == 302
    ticket = Ticket.objects.get()
    services.ticket_resolve(actor=impl.staff, ticket=ticket, resolution="已修复")
    _login(client, world.users.leader_a)
    r = client.post(reverse("implementation:ticket_close", args=[ticket.pk]))
    assert r.status_code == 403
    _login(client, world.users.resident_a)
    page = client.get(reverse("implementation:ticket", args=[ticket.pk])).content.decode()
    assert "确认已修好" in page
    r = client.post(reverse("implementation:ticket_close", args=[ticket.pk]))
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.confirmed_by_reporter


def test_company_list_kept_by_the_street(client, impl, world):
    _login(client, world.users.street_a)
    r = client.post(
        reverse("implementation:company_new", args=[world.street_a.pk]),
        {"name": "殷行物业管理公司", "manages": "on"},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("implementation:company_new", args=[world.street_a.pk]), {"name": "无资质公司"}
    )
    assert r.status_code == 400 and "请至少选择一项资质" in r.content.decode()
    _login(client, impl.staff)
    assert (
        client.get(reverse("implementation:company_new", args=[world.street_a.pk])).status_code
        == 404
    )
    page = client.get(reverse("implementation:companies")).content.decode()
    assert "殷行物业管理公司" in page


# ---------------------------------------------------------------- pinned query counts


def _tickets(impl, world, n):
    for i in range(n):
        services.ticket_report(
            actor=world.users.resident_a, project=impl.project, place=f"位置{i}", description="坏了"
        )


@pytest.mark.parametrize("n", [1, 12])
def test_ticket_list_query_count_is_flat(client, impl, world, n, django_assert_max_num_queries):
    _tickets(impl, world, n)
    _login(client, impl.staff)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("implementation:tickets"))
    assert r.content.decode().count("位置") == n


@pytest.mark.parametrize("n", [1, 12])
def test_team_page_query_count_is_flat(client, impl, world, n, django_assert_max_num_queries):
    from linli.accounts.models import Role
    from tests.factories import make_user

    team, member, site = _garage(impl, world)
    base = timezone.now() - datetime.timedelta(days=n + 1)
    for i in range(n):
        v = make_user(Role.RESIDENT, world.flat_a2, name=f"队员{i}")
        m = services.team_member_add(actor=impl.staff, team=team, user=v)
        services.rota_set(actor=impl.staff, team=team, member=m, date=TODAY(), shift="morning")
        services.patrol_check_in(
            actor=v, site=site, checked=["车辆停放整齐"], at=base + datetime.timedelta(days=i)
        )
    _login(client, impl.staff)
    with django_assert_max_num_queries(16):
        r = client.get(reverse("implementation:team", args=[team.pk]))
    assert r.status_code == 200
    assert r.content.decode().count('class="patrol-record"') == n


@pytest.mark.parametrize("n", [1, 12])
def test_hub_and_feedback_query_counts_are_flat(
    client, impl, world, n, django_assert_max_num_queries
):
    for i in range(n):
        services.feedback_submit(
            actor=world.users.resident_a, project=impl.project, text=f"意见{i}"
        )
        services.site_log_add(
            actor=impl.contractor, project=impl.project, date=TODAY(), work_done=f"施工{i}",
            photos=[jpeg_with_gps()] if i < 3 else [],
        )  # fmt: skip
        services.milestone_add(
            actor=impl.staff, project=impl.project, title=f"节点{i}",
            planned_start=TODAY(), planned_end=TODAY(),
        )  # fmt: skip
    _login(client, impl.staff)
    with django_assert_max_num_queries(20):
        r = client.get(reverse("implementation:project", args=[impl.project.pk]))
    assert r.status_code == 200
    with django_assert_max_num_queries(12):
        r = client.get(reverse("implementation:feedback", args=[impl.project.pk]))
    assert r.content.decode().count('class="feedback"') == n


@pytest.mark.parametrize("n", [1, 12])
def test_team_and_company_lists_query_counts_are_flat(
    client, impl, world, n, django_assert_max_num_queries
):
    for i in range(n):
        services.team_create(
            actor=impl.staff, committee=world.committee_a, name=f"队{i}", kind="flowers"
        )
        services.company_add(
            actor=world.users.street_a, street=world.street_a, name=f"公司{i}", builds=True
        )
    _login(client, impl.staff)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("implementation:teams"))
    assert r.content.decode().count("card-item") == n
    with django_assert_max_num_queries(10):
        r = client.get(reverse("implementation:companies"))
    assert r.content.decode().count("card-item") == n + 3
