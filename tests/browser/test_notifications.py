"""A notice published for a building reaches every resident's inbox (the phone shows the
badge and the message) and puts a door-to-door list in the building leader's hands: the
households not reached online, the oldest first; the leader records a visit; the printable
list is rendered to PNG with pdftoppm."""

from __future__ import annotations

import subprocess

from linli.accounts.models import Role
from linli.notifications.models import DoorContact, Notification
from linli.places.models import Building, Person
from linli.projects.services import project_create
from tests.browser.conftest import ARTIFACTS, log_in, shot
from tests.factories import flat_with_people, make_user


def test_notice_for_a_building_reaches_inboxes_and_the_leaders_door_list(
    transactional_db, world, desktop, phone, live_server
):
    staff, leader = world.users.staff_a, world.users.leader_a
    # building 5: 101 张建国 (account), 201 王伟 (account), 301 周阿婆 (86, no phone, no account)
    wang = make_user(Role.RESIDENT, world.flat_a2, name="王伟")
    Person.objects.filter(name="王伟").update(user=wang, birth_year=1958)
    flat_with_people(world.building_a, "301", 3, "58.00", ["周阿婆"])
    Person.objects.filter(name="周阿婆").update(birth_year=1940, mobile="")
    # building 6 of the same committee is not part of the project
    b6 = Building.objects.create(compound=world.compound_a, number="6号楼", floors=6)
    neighbour = make_user(
        Role.RESIDENT, flat_with_people(b6, "101", 1, "50.00", ["孙丽"]), name="孙丽"
    )
    project = project_create(
        actor=staff,
        committee=world.committee_a,
        title="5号楼楼道微更新",
        buildings=[world.building_a],
    )

    # staff publish the notice with the form
    log_in(desktop, live_server, staff)
    desktop.goto(f"/notices/new/?project={project.pk}&kind=plan")
    desktop.select_option("#id_committee", str(world.committee_a.pk))
    desktop.fill("#id_title", "5号楼楼道微更新方案公示")
    desktop.fill("#id_body", "拟对5号楼楼道墙面粉刷、加装扶手和感应灯，公示期内如有意见请提出。")
    desktop.fill("#id_boards", "5号楼门厅公告栏")
    desktop.get_by_role("button", name="保存").click()
    desktop.locator("#notice-status", has_text="公示中").wait_for()

    # every resident of building 5 with an account has the message; building 6 does not
    got = set(
        Notification.objects.filter(kind="notice_published").values_list("recipient_id", flat=True)
    )
    assert got == {world.users.resident_a.pk, wang.pk}
    assert neighbour.pk not in got

    # a resident on the phone sees the badge and the message
    log_in(phone, live_server, world.users.resident_a)
    phone.goto("/places/mine/")
    badge = phone.locator(".site-nav #inbox-badge")
    badge.wait_for()
    assert badge.inner_text() == "1"
    shot(phone, "notifications-phone-badge")
    phone.locator(".site-nav a.nav-inbox").click()
    phone.locator(".notification.is-unread").wait_for()
    assert "公示：5号楼楼道微更新方案公示" in phone.locator(".inbox").inner_text()
    shot(phone, "notifications-phone-inbox")
    phone.locator(".notification .card-link").first.click()
    phone.wait_for_url("**/notices/*/")
    assert "5号楼楼道微更新方案公示" in phone.content()
    phone.locator(".site-nav #inbox-badge").wait_for(state="attached")
    assert phone.locator(".site-nav #inbox-badge").inner_text() == ""

    # the building leader: home → door-to-door list → the households not reached online
    log_in(phone, live_server, leader)
    phone.goto("/")
    phone.get_by_role("link", name="上门告知清单（老人优先）").click()
    phone.get_by_role("link", name="5号楼楼道微更新方案公示").click()
    phone.locator(".door-rows").wait_for()
    rows = phone.locator(".door-row").all_inner_texts()
    assert rows[0].startswith("5号楼301室") and "老人" in rows[0] and "无账号" in rows[0]
    assert any(r.startswith("5号楼201室") and "未读" in r for r in rows)
    assert not any(r.startswith("5号楼101室") for r in rows)  # 张建国 read it
    shot(phone, "notifications-phone-door-list")
    phone.select_option("#id_flat", label="5号楼301室（老人）")
    phone.select_option("#id_method", "door")
    phone.fill("#id_note", "阿婆不用手机，已上门讲解并留了告示。")
    phone.get_by_role("button", name="登记").click()
    phone.locator(".door-row .told").first.wait_for()
    assert "上门告知 · 楼组长老王" in phone.locator(".door-row").first.inner_text()
    shot(phone, "notifications-phone-door-recorded")
    c = DoorContact.objects.get()
    assert (str(c.flat), c.method, c.recorded_by_id) == ("5号楼301室", "door", leader.pk)

    # the printable list
    href = phone.get_by_role("link", name="打印清单（PDF）").get_attribute("href")
    response = phone.request.get(href)
    assert response.ok and response.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "notifications-door-list.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "notifications-door-list"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "notifications-door-list.png").stat().st_size > 10_000
