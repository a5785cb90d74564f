"""The roster upload in real headless Chromium (phone size): upload, report, counts."""

from __future__ import annotations

import os
import pathlib
import shutil

import pytest

from tests.places.fixtures.roster_files import xlsx

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Chromium not installed"),
]


@pytest.fixture
def phone(chromium, transactional_db, live_server, client, world):
    client.force_login(world.users.staff_a)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_upload_bad_then_good_roster_on_a_phone(phone, world, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx(
            [
                ["开鲁一村", "5号楼", "", "301", 3, 80.5, "陈明", "13900000001", "", ""],
                ["开鲁一村", "99号楼", "", "302", 3, 60, "", "", "", ""],
                ["开鲁一村", "5号楼", "", "303", 9, -1, "", "", "", ""],
            ]
        )
    )
    phone.goto(f"/places/roster/committee/{world.committee_a.pk}/import/")
    phone.set_input_files("input[name=file]", str(bad))
    with phone.expect_navigation():
        phone.click("text=上传并校验")
    phone.wait_for_selector("table.roster-errors")
    rows = phone.locator("table.roster-errors tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["3", "4", "4"]
    shot(phone, "roster-report")

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx([["开鲁一村", "5号楼", "", "301", 3, 80.5, "陈明", "13900000001", "", ""]])
    )
    phone.goto(f"/places/roster/committee/{world.committee_a.pk}/import/")
    phone.set_input_files("input[name=file]", str(good))
    with phone.expect_navigation():
        phone.click("text=上传并校验")
    phone.wait_for_selector("text=导入完成")
    shot(phone, "roster-done")


def test_status_page_polls_progress_until_done(phone, world):
    from linli.places.roster_models import RosterImport

    record = RosterImport.objects.create(
        committee=world.committee_a,
        created_by=world.users.staff_a,
        original_name="大名册.xlsx",
        status=RosterImport.Status.VALIDATING,
        total_rows=5000,
        processed_rows=1000,
    )
    phone.goto(f"/places/roster/imports/{record.pk}/")
    phone.wait_for_selector('progress[value="20"]')
    RosterImport.objects.filter(pk=record.pk).update(processed_rows=3000)
    phone.wait_for_selector('progress[value="60"]', timeout=10_000)
    shot(phone, "roster-progress")
    RosterImport.objects.filter(pk=record.pk).update(
        status=RosterImport.Status.DONE, processed_rows=5000, created=5000, message="导入完成"
    )
    phone.wait_for_selector("text=新增户室", timeout=10_000)
    assert phone.locator("[hx-trigger]").count() == 0  # polling stopped
