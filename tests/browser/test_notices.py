"""A notice in a real browser: staff publish it with the form, a resident objects on the
phone with a photo, the project cannot move on until staff answer, and the A4 poster PDF
is rendered to PNG with pdftoppm."""

from __future__ import annotations

import re
import subprocess

from linli.notices.models import Notice, Objection
from linli.projects.services import project_create
from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.conftest import log_in as login_page
from tests.notices.conftest import PNG


def test_notice_objection_blocks_stage_and_poster(
    transactional_db, world, desktop, phone, live_server, tmp_path
):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="开鲁一村睦邻花园")

    login_page(desktop, live_server, staff)
    desktop.goto(f"/notices/new/?project={project.pk}&kind=plan")
    desktop.select_option("#id_committee", str(world.committee_a.pk))
    desktop.fill("#id_title", "开鲁一村睦邻花园改造方案公示")
    desktop.fill(
        "#id_body",
        "经2026年11月20日居民会议讨论，拟按方案二对3号楼南侧绿地进行改造：保留香樟树，"
        "增设适老座椅6处、无障碍步道40米、夜间照明8盏。\n"
        "项目预算12.8万元，由自治金与街道引导资金共同承担。\n"
        "公示期内如有意见，请扫码或到居委会反映。",
    )
    desktop.fill("#id_boards", "开鲁一村3号门公告栏\n居委会宣传栏")
    desktop.get_by_role("button", name="保存").click()
    desktop.locator("#notice-status", has_text="公示中").wait_for()
    notice = Notice.objects.get()
    assert notice.project == project and notice.status == "published"
    shot(desktop, "notice-staff-published")

    # a resident objects on the phone with a photo
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    login_page(phone, live_server, world.users.resident_a)
    phone.goto(f"/notices/{notice.pk}/")
    phone.fill("#id_reason", "座椅位置紧贴1楼窗户，夜间照明会影响休息，建议移到花坛东侧。")
    phone.set_input_files("#id_attachments", str(photo))
    shot(phone, "notice-phone-objection-form")
    phone.get_by_role("button", name="提交异议").click()
    phone.locator(".objection").first.wait_for()
    assert "等待居委会答复" in phone.locator("#objections").inner_text()
    shot(phone, "notice-phone-objection-sent")
    assert Objection.objects.get().attachments.count() == 1

    # the project cannot move on while the objection is unanswered
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“规划师把脉”").click()
    assert "异议未答复" in desktop.content()
    shot(desktop, "notice-stage-blocked")

    # staff answer; the move then goes through
    desktop.goto(f"/notices/{notice.pk}/")
    desktop.fill(
        "textarea[name=response]", "已与规划师商定：座椅移至花坛东侧，照明改为低位草坪灯。"
    )
    desktop.get_by_role("button", name="记录答复").click()
    desktop.locator(".objection .response").wait_for()
    shot(desktop, "notice-staff-answered")
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“规划师把脉”").click()
    project.refresh_from_db()
    assert project.stage == "diagnosis"

    # the A4 poster, rendered to PNG
    response = phone.request.get(f"/notices/{notice.pk}/poster.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "notice-poster.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(ARTIFACTS / "notice-poster")],
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "595.276 x 841.89" in info  # one A4 page
    assert (ARTIFACTS / "notice-poster.png").stat().st_size > 10_000
