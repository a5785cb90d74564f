"""A meeting in a real browser: staff show the QR code, a resident checks in on the phone,
the staff page's quorum count updates by itself (htmx polling), someone without a phone is
signed in by staff, the minutes are written and approved (then frozen), and the printed
sign-in sheet is rendered to PNG."""

from __future__ import annotations

import datetime
import subprocess

from django.utils import timezone

from linli.deliberation.models import Minutes
from linli.deliberation.services import agenda_add, meeting_create
from linli.projects.services import project_create
from tests.browser.conftest import ARTIFACTS, log_in, shot


def test_meeting_qr_check_in_quorum_and_minutes(
    transactional_db, world, desktop, phone, live_server
):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="开鲁一村睦邻花园")
    meeting = meeting_create(
        actor=staff,
        committee=world.committee_a,
        kind="decision_hearing",
        title="睦邻花园方案决策听证会",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(minutes=30),
        expected_count=3,
        project=project,
        location="开鲁一村睦邻客厅",
        invited_officials="殷行街道自治办 周科长",
    )
    agenda_add(actor=staff, meeting=meeting, title="听取规划师方案说明", project=project)
    agenda_add(actor=staff, meeting=meeting, title="居民代表发言与表决")

    # staff open the meeting on a laptop: QR code and live count
    log_in(desktop, live_server, staff)
    desktop.goto(f"/meetings/{meeting.pk}/")
    assert desktop.locator("#qr svg").is_visible()
    assert desktop.locator("#quorum .big").inner_text() == "0/3"
    checkin_url = desktop.locator("#checkin-link").get_attribute("href")
    shot(desktop, "meeting-staff-qr")

    # the resident scans it on the phone and confirms
    log_in(phone, live_server, world.users.resident_a)
    phone.goto(checkin_url)
    phone.get_by_role("button", name="确认签到").click()
    phone.locator("#checked-in").wait_for()
    assert "签到成功" in phone.locator("#checked-in").inner_text()
    shot(phone, "meeting-phone-checked-in")

    # a forged code is refused
    phone.goto(checkin_url[:-3] + "abc")
    assert "签到二维码无效" in phone.content()

    # the staff page updates without reloading (htmx polls every 5 s)
    desktop.locator("#quorum .big", has_text="1/3").wait_for(timeout=12_000)

    # staff sign in a neighbour without a phone and an invited official (not counted)
    desktop.fill("#id_name", "王阿姨")
    desktop.fill("#id_note", "5号楼302室")
    desktop.get_by_role("button", name="代为签到").click()
    desktop.fill("#id_name", "周科长")
    desktop.fill("#id_note", "殷行街道")
    desktop.check("#id_observer")
    desktop.get_by_role("button", name="代为签到").click()
    assert desktop.locator("#quorum .big").inner_text() == "2/3"
    assert "达到法定人数" in desktop.locator("#quorum").inner_text()
    shot(desktop, "meeting-staff-signed-in")

    # printable sign-in sheet → PNG
    response = desktop.request.get(f"/meetings/{meeting.pk}/signin-sheet.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "meeting-signin-sheet.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "meeting-signin-sheet"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "meeting-signin-sheet.png").stat().st_size > 10_000

    # end the meeting, write the minutes, approve them
    desktop.once("dialog", lambda d: d.accept())
    desktop.get_by_role("button", name="结束会议").click()
    desktop.get_by_role("link", name="填写纪要").click()
    desktop.fill("#id_summary", "规划师介绍了睦邻花园方案二，与会居民充分讨论。")
    desktop.fill("#p0s", "张建国")
    desktop.fill("#p0p", "希望保留香樟树，增加适老座椅。")
    desktop.fill("#r0t", "同意按方案二实施，保留香樟树。")
    desktop.fill("#r0a", "2")
    desktop.fill("#f0a", "规划师修改图纸并公示")
    desktop.fill("#f0o", "林老师")
    desktop.fill("#f0d", "2026-12-15")
    shot(desktop, "meeting-minutes-form")
    desktop.get_by_role("button", name="保存纪要").click()
    assert "出席2人，同意2人，通过" in desktop.locator("#minutes").inner_text()
    desktop.once("dialog", lambda d: d.accept())
    desktop.get_by_role("button", name="审定纪要").click()
    assert "已审定" in desktop.locator("#minutes").inner_text()
    assert desktop.get_by_role("link", name="编辑纪要").count() == 0
    shot(desktop, "meeting-minutes-approved")
    assert Minutes.objects.get(meeting=meeting).is_frozen

    # the resident reads the approved minutes on the phone
    phone.goto(f"/meetings/{meeting.pk}/")
    assert "同意按方案二实施" in phone.locator("#minutes").inner_text()
    shot(phone, "meeting-phone-minutes")
