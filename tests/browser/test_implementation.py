"""Step 5 in a real browser: a project goes from 实施 to 验收与运维 and through acceptance by
the roles — the working group's contractor contact reports progress and a site log with a
photo, staff move the stage (refused first by the milestones guard), the planner records the
review and signs, a volunteer scans the patrol QR on a phone, a resident reports a fault on
a phone — and leaves 验收与运维 once every guard holds."""

from __future__ import annotations

import datetime

from linli.implementation import services
from linli.implementation.models import PatrolRecord, Signoff, Ticket
from linli.projects.models import Stage
from tests.browser.conftest import log_in as login_page
from tests.browser.conftest import shot
from tests.implementation.conftest import build_impl, review_supervise_entries


def test_implementation_to_acceptance_by_the_roles(
    transactional_db, world, desktop, phone, live_server, tmp_path
):
    impl = build_impl(world)
    project, staff = impl.project, impl.staff
    today = datetime.date.today()
    start = today - datetime.timedelta(days=20)

    # staff plan a milestone on the hub page
    login_page(desktop, live_server, staff)
    desktop.goto(f"/implementation/projects/{project.pk}/milestones/add/")
    desktop.fill("#id_title", "拆除与水电改造")
    desktop.fill("#id_planned_start", start.isoformat())
    desktop.fill("#id_planned_end", (start + datetime.timedelta(days=10)).isoformat())
    desktop.get_by_role("button", name="保存").click()
    desktop.locator("#milestones .milestone").first.wait_for()
    shot(desktop, "impl-hub-milestone-planned")

    # the project cannot enter 验收与运维 while the milestone is open
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“验收与运维”").click()
    assert "尚未完成" in desktop.content()
    shot(desktop, "impl-stage-refused-milestones")

    # the contractor contact (no role in the community) reports progress and a site log
    login_page(phone, live_server, impl.contractor)
    phone.goto(f"/implementation/projects/{project.pk}/")
    phone.get_by_role("link", name="填报").click()
    phone.fill("#id_actual_start", start.isoformat())
    phone.fill("#id_actual_end", (start + datetime.timedelta(days=9)).isoformat())
    phone.get_by_role("button", name="保存").click()
    phone.locator("#milestones .milestone.done").wait_for()
    photo = tmp_path / "现场.jpg"
    from PIL import Image

    Image.new("RGB", (800, 600), (150, 120, 90)).save(photo, "JPEG")
    phone.goto(f"/implementation/projects/{project.pk}/site-logs/add/")
    phone.fill("#id_date", today.isoformat())
    phone.fill("#id_work_done", "吊顶完成，灯具安装，垃圾清运2车")
    phone.fill("#id_issues", "东墙插座位置需按规划师意见调整")
    phone.set_input_files("#id_photos", str(photo))
    shot(phone, "impl-contractor-site-log-form")
    phone.get_by_role("button", name="保存").click()
    phone.locator(".site-log img").first.wait_for()
    shot(phone, "impl-contractor-hub")

    # now staff move the project on
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“验收与运维”").click()
    desktop.locator("#section-implementation").wait_for()
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTANCE
    shot(desktop, "impl-project-in-acceptance")

    # the planner records the professional review with a defect, then signs
    login_page(desktop, live_server, impl.planner)
    desktop.goto(f"/implementation/projects/{project.pk}/reviews/add/")
    desktop.fill("#id_reviewer", "林老师")
    desktop.fill("#id_organisation", "殷行街道社区规划师团队")
    desktop.fill("#id_date", today.isoformat())
    desktop.fill("#id_items_checked", "结构安全、电气、无障碍通道、照明")
    desktop.get_by_role("button", name="保存").click()
    desktop.get_by_role("link", name="登记整改问题").click()
    desktop.fill("#id_description", "无障碍坡道扶手缺失")
    desktop.fill("#id_deadline", (today + datetime.timedelta(days=7)).isoformat())
    desktop.get_by_role("button", name="保存").click()
    desktop.locator(".defect").first.wait_for()
    desktop.locator(".signoff-planner").get_by_role("link", name="签署").click()
    desktop.fill("#id_opinion", "按方案实施，整改后同意验收")
    desktop.get_by_role("button", name="签署").click()
    desktop.locator(".signoff-planner", has_text="林老师").wait_for()

    # a resident cannot sign as the committee: the page refuses with 403
    login_page(desktop, live_server, impl.rep)
    desktop.goto(f"/implementation/projects/{project.pk}/signoff/?party=committee")
    desktop.fill("#id_opinion", "同意")
    desktop.get_by_role("button", name="签署").click()
    assert "不能以居委会名义签署验收" in desktop.content()
    shot(desktop, "impl-signoff-refused-without-role")
    assert not Signoff.objects.filter(party="committee").exists()

    # contractor and committee sign; staff close the defect on the page
    login_page(phone, live_server, impl.contractor)
    phone.goto(f"/implementation/projects/{project.pk}/signoff/?party=contractor")
    phone.fill("#id_opinion", "已按合同完工，申请验收")
    phone.get_by_role("button", name="签署").click()
    phone.locator(".signoff-contractor", has_text="施工队王经理").wait_for()
    login_page(desktop, live_server, staff)
    desktop.goto(f"/implementation/projects/{project.pk}/acceptance/")
    desktop.get_by_role("link", name="确认整改").click()
    desktop.fill("#id_note", "已加装不锈钢扶手，工作组复查合格")
    desktop.get_by_role("button", name="保存").click()
    desktop.locator(".signoff-committee").get_by_role("link", name="签署").click()
    desktop.fill("#id_opinion", "同意验收，移交运维")
    desktop.get_by_role("button", name="签署").click()
    services.signoff_sign(actor=impl.oc, project=project, party="owners_committee", opinion="同意")
    desktop.reload()
    shot(desktop, "impl-acceptance-signed")

    # O&M: a volunteer team with a patrol site; its QR opens the patrol form on a phone
    team = services.team_create(
        actor=staff, committee=world.committee_a, name="睦邻客厅志愿队", kind="corridor",
        project=project,
    )  # fmt: skip
    services.team_member_add(actor=staff, team=team, user=world.users.leader_a, is_leader=True)
    site = services.patrol_site_add(
        actor=staff, project=project, team=team, name="睦邻客厅",
        checklist="门窗关好\n灯具与空调关闭\n地面清洁\n消防器材完好",
    )  # fmt: skip
    desktop.goto(f"/implementation/sites/{site.pk}/qr/")
    patrol_url = desktop.locator(".qr-poster .small").inner_text().strip()
    assert patrol_url.endswith(f"/implementation/sites/{site.pk}/patrol/")
    shot(desktop, "impl-patrol-site-qr")
    login_page(phone, live_server, world.users.leader_a)
    phone.goto(patrol_url)
    for item in ("门窗关好", "灯具与空调关闭", "地面清洁"):
        phone.get_by_label(item).check()
    phone.fill("#id_problem", "消防栓箱门锁坏了")
    shot(phone, "impl-volunteer-patrol-form")
    phone.get_by_role("button", name="签到并提交").click()
    phone.locator("#patrol-done").wait_for()
    shot(phone, "impl-volunteer-patrol-done")
    phone.goto(patrol_url)
    phone.get_by_role("button", name="签到并提交").click()
    assert "无需重复签到" in phone.content()
    assert PatrolRecord.objects.count() == 1

    # a resident reports a fault on a phone
    login_page(phone, live_server, world.users.resident_a)
    phone.goto(f"/implementation/projects/{project.pk}/om/")
    phone.get_by_role("link", name="我要报修").click()
    phone.fill("#id_place", "睦邻客厅东门")
    phone.fill("#id_description", "门禁刷卡没反应")
    phone.set_input_files("#id_photo", str(photo))
    phone.get_by_role("button", name="提交报修").click()
    phone.locator("#ticket-status", has_text="待处理").wait_for()
    shot(phone, "impl-resident-ticket")
    assert Ticket.objects.get().route == "committee"

    # staff: the ledger is reviewed, the O&M arrangement recorded; the project moves on
    review_supervise_entries(impl)
    desktop.goto(f"/implementation/projects/{project.pk}/om/arrangement/")
    desktop.select_option("#id_kind", "volunteer")
    desktop.select_option("#id_team", str(team.pk))
    desktop.fill("#id_money", "自治金每年2000元")
    desktop.get_by_role("button", name="保存").click()
    desktop.goto(f"/projects/{project.pk}/")
    shot(desktop, "impl-checklist-before-evaluation")
    desktop.get_by_role("button", name="进入“评议”").click()
    project.refresh_from_db()
    assert project.stage == Stage.EVALUATION
    shot(desktop, "impl-project-in-evaluation")
