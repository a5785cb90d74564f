"""One new project carried from a resident's need to the start of implementation (实施) by
every role, each reaching every page by CLICKING from its own home page (issue 11). The only
typed addresses are the home page "/" (which sends a visitor to the login page) and the
building's QR code a resident scans.

Resident on a phone (390×844), staff, planner, district, street and the book-keepers on a
desktop. Screenshots are saved under test-artifacts/walkthrough/ in order; look at them.

Walked, in order:
0. the district adds 林老师 to its talent pool and links the entry to her platform account;
   the street pairs her (规划师结对); committee staff open 开鲁一村 → 5号楼 → 101 and link
   张建国's ownership record to his account;
1. the resident scans the building's QR code → landing page with SMS login → need form;
2. staff: 需求清单 → the need → "转为项目" → "进入规划师把脉";
3. the planner: site visit, diagnosis, design round 1 with two options (one edited), published;
4. the resident rates an option from "等您参与" on her phone;
5. staff move to 方案与决策, start the owners' vote on the round's options and open it;
6. the owner casts his ballot from "等您参与";
7. staff close the vote early (with the reason) and its signed result is shown;
8. from the project's 规范流程 page, staff hold the 党员议事会 and then the 居民代表会议
   (sign-ins, end, minutes with the resolution, approved);
9. the resolution is linked as the project's decision; the checklist's "去办理" opens the
   公示 form for it and the notice is published;
10. the resident finds the notice under "等您参与" on her phone and files an objection;
11. staff answer it from the project page's notice;
12. the 7-day period passes (time_machine moves the clock of this process, so of the live
    server too); staff move the project to 筹资, open the funding plan, add the cost, the
    residents' 5号楼 source and the street's source, approve both, assign 会计/出纳/监事;
13. the household split: the form offers only the project's 5号楼 (not 3号楼 or 10号楼);
14. the 会计 records the street's money from the to-do on her home, the 出纳 confirms it
    and the 监事 reviews it, each from the to-do on their own home;
15. staff move the project to 实施 and open the 实施与运维 page.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from linli.accounts.models import Role
from linli.accounts.sms import MemorySmsSender
from linli.funding.models import Contribution, FundingSource, JournalEntry
from linli.needs.models import Need
from linli.notices.models import Notice, Objection
from linli.places.models import Person
from linli.planning.models import DesignRound, OptionRating, Planner, WorkLog
from linli.process.models import ProjectDecision
from linli.projects.models import Project
from tests.browser.conftest import ARTIFACTS
from tests.factories import BuildingFactory, flat_with_people, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "linli-pass-2026"
SHOTS = ARTIFACTS / "walkthrough"
_n = [0]


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    _n[0] += 1
    page.screenshot(path=str(SHOTS / f"{_n[0]:02d}-{name}.png"), full_page=True)


def log_in_from_home(page, user) -> None:
    """Open the home page, which sends a visitor to the login page; log in by password."""
    page.context.clear_cookies()
    page.goto("/")
    assert "/accounts/login/" in page.url
    if not page.locator("input[name=pw-password]").count():
        page.click("a.tab:has-text('密码登录')")
    page.fill("input[name=pw-mobile]", user.mobile)
    page.fill("input[name=pw-password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit][value=password]")
    assert "/accounts/login/" not in page.url


def to_project(page, project) -> None:
    """The header's 项目 → the project's page."""
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="项目", exact=True
    ).click()
    page.click(f"a:has-text('{project.title}')")


def fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page wider than the phone: {width}px on {page.url}"


@pytest.fixture
def neighbours(world):
    return with_neighbours_and_books(world)


def with_neighbours_and_books(world):
    """3号楼 and 10号楼 beside 5号楼 (whose households must not pay for 5号楼's garden), and
    the 5号楼 residents who keep the project's books (会计, 出纳, 监事), as in the demo."""
    for number, room in (("3号楼", "301"), ("10号楼", "1001")):
        building = BuildingFactory(compound=world.compound_a, number=number)
        flat_with_people(building, room, 3, "58.00", [f"{number}业主"])
    world.books = tuple(
        make_user(Role.RESIDENT, world.flat_a2, name=name)
        for name in ("会计小孙", "出纳小钱", "监事老李")
    )
    return world


def test_a_need_is_carried_to_the_start_of_implementation(neighbours, phone, desktop):
    w = neighbours
    resident, staff, planner = w.users.resident_a, w.users.staff_a, w.users.planner_a
    for page in (phone, desktop):  # a long walk on a shared, loaded machine
        page.set_default_timeout(60_000)
    set_up_through_the_pages(desktop, w)

    # ---- 1. resident scans the poster on 5号楼 with her phone: not logged in yet
    MemorySmsSender.outbox.clear()
    phone.goto(f"/needs/scan/building/{w.building_a.pk}/")
    assert phone.locator("#scan-landing").get_by_text("楼栋需求征集码").is_visible()
    shot(phone, "resident-qr-landing")
    fits_phone(phone)
    phone.fill("input[name=sms-mobile]", resident.mobile)
    with phone.expect_navigation():
        phone.click("button[value=sms_request]")
    code = re.search(r"(\d{6})", MemorySmsSender.outbox[-1][1]).group(1)
    phone.fill("input[name=sms-code]", code)
    with phone.expect_navigation():
        phone.click("button[value=sms_login]")
    phone.wait_for_selector("#id_text")
    assert phone.locator("#id_building").input_value() == str(w.building_a.pk)
    phone.fill("#id_text", "5号楼门口的空地堆满杂物，希望改成能坐一坐的小花园")
    shot(phone, "resident-need-form")
    phone.click("button:has-text('提交需求')")
    phone.wait_for_selector("text=谢谢！您的需求已提交")
    shot(phone, "resident-need-submitted")
    need = Need.objects.get(text__startswith="5号楼门口的空地")

    # ---- 2. committee staff: workbench → 需求清单 → the need → 转为项目
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('需求清单')")
    desktop.click(f"a:has-text('{need.text[:10]}')")
    shot(desktop, "staff-need-detail")
    desktop.fill("#id_title", "5号楼门口口袋花园")
    with desktop.expect_navigation():
        desktop.click("button:has-text('转为项目')")
    project = Project.objects.get(title="5号楼门口口袋花园")
    need.refresh_from_db()
    assert f"/projects/{project.pk}/" in desktop.url
    shot(desktop, "staff-project-created")
    with desktop.expect_navigation():
        desktop.click("button:has-text('进入“规划师把脉”')")
    project.refresh_from_db()
    assert project.stage == "diagnosis", desktop.locator("main").inner_text()[:1500]
    shot(desktop, "staff-project-diagnosis")

    # ---- 3. the planner: her home → 规划师工作 → 工作日志 (site visit) → 把脉 → 设计方案
    log_in_from_home(desktop, planner)
    shot(desktop, "planner-home")
    desktop.click("a:has-text('规划师工作')")
    desktop.locator("nav.tabs a.tab").get_by_text("工作日志", exact=True).click()
    desktop.fill("#id_place", "安顺苑5号楼门口")
    desktop.fill("#id_people", "楼组长王阿姨、3位居民")
    desktop.select_option("#id_project", str(project.pk))
    desktop.fill(
        "#id_findings", "空地约60平方米，堆放旧家具；居民希望有座椅和绿化，需保留消防通道。"
    )
    with desktop.expect_navigation():
        desktop.click("button:has-text('保存日志')")
    assert WorkLog.objects.filter(project=project).count() == 1
    shot(desktop, "planner-site-visit")
    desktop.locator("nav.tabs a.tab").get_by_text("规划师", exact=True).click()
    desktop.locator("li", has_text=project.title).locator("a:has-text('把脉记录')").click()
    desktop.check(f"input[name=needs][value='{need.pk}']")
    desktop.fill("#id_na", "堆物影响通行和消防，居民缺少户外休息处。")
    desktop.fill("#id_ra", "空地权属为小区共有部分；楼组长愿意组织认养。")
    desktop.fill("#id_rc", "清理堆物，做口袋花园：座椅、花箱，保留4米消防通道。")
    with desktop.expect_navigation():
        desktop.click("button:has-text('保存把脉记录')")
    shot(desktop, "planner-diagnosis")
    desktop.click("header a:has-text('设计方案与征询')")
    with desktop.expect_navigation():
        desktop.click("button:has-text('开启第一轮')")
    for label, text, cost in (
        ("方案A：口袋花园", "座椅四张、花箱六个，保留消防通道", "12000"),
        ("方案B：晾晒与休息", "晾衣架和两张长椅", "8000"),
    ):
        if not desktop.locator("#option-form").is_visible():
            desktop.click("summary:has-text('添加一个方案')")
        desktop.fill("#id_label", label)
        desktop.fill("#id_description", text)
        desktop.locator("#option-form input[name=cost_name]").first.fill("材料与施工")
        desktop.locator("#option-form input[name=cost_amount]").first.fill(cost)
        with desktop.expect_navigation():
            desktop.click("#option-form button:has-text('保存方案')")
    # the planner revises option B before publishing (its own edit form)
    opt_b = DesignRound.objects.get(project=project).options.get(label="方案B：晾晒与休息")
    card = desktop.locator(f"#option-{opt_b.pk}")
    card.locator("summary:has-text('修改此方案')").click()
    card.locator("input[name=label]").fill("方案B：晾晒与休息（加遮阳）")
    with desktop.expect_navigation():
        card.locator("button:has-text('保存修改')").click()
    shot(desktop, "planner-round-draft")
    with desktop.expect_navigation():
        desktop.click("#publish")
    rnd = DesignRound.objects.get(project=project)
    assert rnd.status == "published"
    assert rnd.options.filter(label="方案B：晾晒与休息（加遮阳）").exists()
    shot(desktop, "planner-round-published")

    # ---- 4. the resident, on her phone: home → 等您参与 → the consultation → rate
    phone.goto("/")
    shot(phone, "resident-home-todo")
    phone.locator("section", has_text="等您参与").locator("a", has_text=project.title).first.click()
    opt_a = rnd.options.get(label="方案A：口袋花园")
    with phone.expect_navigation():
        phone.locator(f"#option-{opt_a.pk} button:has-text('5★')").click()
    assert OptionRating.objects.filter(option=opt_a, user=resident, score=5).exists()
    fits_phone(phone)
    shot(phone, "resident-rated")

    # ---- 5. staff: workbench → 本居委会项目 → the project → 方案与决策 → owners' vote
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('本居委会项目')")
    desktop.click(f"a:has-text('{project.title}')")
    with desktop.expect_navigation():
        desktop.click("button:has-text('进入“方案与决策”')")
    project.refresh_from_db()
    assert project.stage == "decision", desktop.locator("main").inner_text()[:1500]
    shot(desktop, "staff-project-decision")
    desktop.click("a:has-text('规划师把脉与设计方案')")
    desktop.click("summary:has-text('以本轮方案发起表决')")
    now = timezone.localtime().replace(second=0, microsecond=0)
    desktop.fill("#v-open", now.strftime("%Y-%m-%dT%H:%M"))
    desktop.fill("#v-close", (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    with desktop.expect_navigation():
        desktop.click("button:has-text('创建方案表决')")
    rnd.refresh_from_db()
    assert rnd.vote_id is not None
    desktop.click("a:has-text('查看方案表决')")  # was a 404 (hard-coded /voting/ URL), fixed
    assert desktop.get_by_role("heading", name=re.compile("设计方案选择")).is_visible()
    shot(desktop, "staff-vote-draft")
    with desktop.expect_navigation():
        desktop.click("button:has-text('开启投票')")
    rnd.vote.refresh_from_db()
    assert rnd.vote.status == "open", desktop.locator("main").inner_text()[:1500]
    shot(desktop, "staff-vote-open")

    # ---- 6. the owner votes on his phone: home → 等您参与 → the vote → 提交表决意见
    phone.goto("/")
    phone.locator("section", has_text="等您参与").locator("a", has_text="设计方案").first.click()
    ballot = phone.locator("form[action$='/cast/']").first
    ballot.get_by_text("方案A：口袋花园").first.click()
    with phone.expect_navigation():
        ballot.get_by_role("button", name="提交表决意见").click()
    assert phone.locator(".voted").count() == 1
    assert "方案A：口袋花园" in phone.locator(".voted").inner_text()  # the choice, in words
    fits_phone(phone)
    shot(phone, "resident-voted")
    # the project page's checklist says what leaving 方案与决策 still needs
    desktop.locator(".crumbs").get_by_role("link", name=project.title).click()
    assert desktop.get_by_text("进入下一阶段前").is_visible()
    shot(desktop, "staff-project-checklist")

    close_vote_and_publish_the_decision(phone, desktop, w, project, rnd)
    # ---- the 7-day notice period passes (the live server runs in this process: time moves
    # for it too)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=True):
        fund_and_start_implementation(phone, desktop, w, project)


def close_vote_and_publish_the_decision(phone, desktop, w, project, rnd) -> None:
    """Steps 7-11: the vote closes, the meetings decide, the decision is published, a
    resident objects, staff answer, the period ends, the project moves to 筹资."""
    staff = w.users.staff_a

    # ---- 7. staff: the project page → the vote → close it early (everyone has voted)
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('本居委会项目')")
    desktop.click(f"a:has-text('{project.title}')")
    desktop.locator("section", has_text="表决").locator("a", has_text="设计方案选择").first.click()
    desktop.fill("#id_reason", "本楼业主均已表决，经居委会同意提前计票")
    with desktop.expect_navigation():
        desktop.click("button:has-text('结束表决并计票')")
    rnd.vote.refresh_from_db()
    assert rnd.vote.status == "closed", desktop.locator("main").inner_text()[:1500]
    assert "/result/" in desktop.url
    shot(desktop, "staff-vote-result")

    # ---- 8. the meetings seed 003 asks for: party members first, then the representatives
    def hold_meeting(link_text: str, title: str, hours_ago: int, resolution: str) -> None:
        to_project(desktop, project)
        desktop.click("a:has-text('规范流程：来源、决定与矛盾')")
        desktop.click(f"a:has-text('{link_text}')")
        desktop.fill("#id_title", title)
        start = timezone.localtime() - timedelta(hours=hours_ago)
        desktop.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        desktop.fill("#id_location", "开鲁一村睦邻客厅")
        desktop.fill("#id_expected_count", "3")
        with desktop.expect_navigation():
            desktop.click("button:has-text('创建会议')")
        for i, note in enumerate(("5号楼", "3号楼", "10号楼")):
            desktop.fill("#id_name", f"代表{i + 1}")
            desktop.fill("#id_note", note)
            with desktop.expect_navigation():
                desktop.get_by_role("button", name="代为签到").click()
        desktop.once("dialog", lambda d: d.accept())
        with desktop.expect_navigation():
            desktop.get_by_role("button", name="结束会议").click()
        desktop.get_by_role("link", name="填写纪要").click()
        desktop.fill("#id_summary", "规划师介绍了两个方案及业主表决结果，与会人员讨论。")
        desktop.fill("#r0t", resolution)
        desktop.fill("#r0a", "3")
        with desktop.expect_navigation():
            desktop.get_by_role("button", name="保存纪要").click()
        desktop.once("dialog", lambda d: d.accept())
        with desktop.expect_navigation():
            desktop.get_by_role("button", name="审定纪要").click()
        assert "已审定" in desktop.locator("#minutes").inner_text()

    hold_meeting("召集党员议事会", "口袋花园党员议事会", 3, "党员先统一意见，支持方案A")
    shot(desktop, "staff-party-meeting")
    hold_meeting("召开居民代表会议", "口袋花园居民代表会议", 1, "同意按方案A：口袋花园实施")
    shot(desktop, "staff-representatives-meeting")

    # ---- 9. link the resolution as the project's decision, then publish it as a 公示
    to_project(desktop, project)
    desktop.click("a:has-text('规范流程：来源、决定与矛盾')")
    desktop.locator("label", has_text="同意按方案A：口袋花园实施").click()
    with desktop.expect_navigation():
        desktop.click("button:has-text('登记为本项目的决定')")
    assert ProjectDecision.objects.filter(project=project).exists(), desktop.locator(
        "main"
    ).inner_text()[:1500]
    shot(desktop, "staff-decision-linked")
    to_project(desktop, project)
    desktop.locator("li", has_text="决定在先").get_by_role("link", name="去办理").click()
    desktop.fill("#id_title", "5号楼门口口袋花园实施方案公示")
    desktop.fill("#id_body", "经居民代表会议决议，按方案A：口袋花园实施。公示期内如有异议请提出。")
    desktop.fill("#id_days", "7")
    with desktop.expect_navigation():
        desktop.click("button:has-text('保存')")
    notice = Notice.objects.get(project=project)
    assert notice.status == "published", desktop.locator("main").inner_text()[:1500]
    shot(desktop, "staff-notice-published")

    # ---- 10. the resident sees it under 等您参与 on her phone and objects
    phone.goto("/")
    phone.locator("section", has_text="等您参与").locator("a", has_text=notice.title).first.click()
    phone.fill("#objection-form textarea", "花箱请不要挡住一楼的窗户，希望留出晾衣的位置。")
    with phone.expect_navigation():
        phone.click("button:has-text('提交异议')")
    assert Objection.objects.filter(notice=notice).count() == 1
    fits_phone(phone)
    shot(phone, "resident-objection")

    # ---- 11. staff answer it from the project page; the 7 days pass; the project moves on
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('本居委会项目')")
    desktop.click(f"a:has-text('{project.title}')")
    desktop.click(f"a:has-text('{notice.title}')")
    desktop.locator("textarea[name=response]").first.fill(
        "已请规划师调整：花箱离窗户1米，北侧保留晾衣杆位置。"
    )
    with desktop.expect_navigation():
        desktop.click("button:has-text('记录答复')")
    assert not Objection.objects.filter(notice=notice, responded_at__isnull=True).exists()
    shot(desktop, "staff-objection-answered")


def fund_and_start_implementation(phone, desktop, w, project) -> None:
    """Steps 12-15: the funding plan, the household split over 5号楼, a receipt recorded,
    confirmed and reviewed by three people, and the move to 实施."""
    staff = w.users.staff_a
    accountant, cashier, supervisor = w.books

    # ---- 12. staff: the project page → 进入“筹资” → 筹资与账目 → plan, cost, sources, duties
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('本居委会项目')")
    desktop.click(f"a:has-text('{project.title}')")
    with desktop.expect_navigation():
        desktop.click("button:has-text('进入“筹资”')")
    project.refresh_from_db()
    assert project.stage == "funding", desktop.locator("main").inner_text()[:2000]
    shot(desktop, "staff-project-funding")
    desktop.click("a:has-text('筹资与账目')")
    with desktop.expect_navigation():
        desktop.click("button:has-text('建立筹资方案')")
    desktop.fill("#item-name", "材料与施工（方案A）")
    desktop.fill("#item-amount", "12000")
    with desktop.expect_navigation():
        desktop.click("button:has-text('添加费用项目')")

    def add_source(kind: str, name: str, amount: str, **extra) -> None:
        desktop.click("summary:has-text('添加资金来源')")
        desktop.select_option("#src-kind", kind)
        desktop.fill("#src-name", name)
        desktop.fill("#src-amount", amount)
        for selector, value in extra.items():
            if selector.startswith("select:"):
                desktop.select_option(selector[7:], label=value)
            else:
                desktop.fill(selector, value)
        with desktop.expect_navigation():
            desktop.click("#sources button:has-text('添加')")

    add_source("residents", "5号楼居民自筹", "6000")
    add_source("government", "殷行街道社区微更新专项资金", "6000")
    for row in desktop.locator("#sources form.inline-form").all():
        row.locator("select[name=status]").select_option("approved")
        with desktop.expect_navigation():
            row.locator("button:has-text('更新')").click()
    for user, duty in (
        (accountant, "accountant"),
        (cashier, "cashier"),
        (supervisor, "supervisor"),
    ):
        form = desktop.locator("#duties form")
        form.locator("input[name=mobile]").fill(user.mobile)
        form.locator("select[name=duty]").select_option(duty)
        with desktop.expect_navigation():
            form.locator("button:has-text('指定')").click()
    shot(desktop, "staff-funding-plan")

    # ---- 13. the households of 5号楼 (not 3号楼 or 10号楼) share the residents' part
    desktop.click("a:has-text('住户缴款')")
    labels = desktop.locator("label.check").all_inner_texts()
    # only the project's building is offered (the need came from 5号楼), not 3号楼 or 10号楼
    assert [t.split("（")[0].strip() for t in labels] == ["5号楼"], labels
    desktop.locator("label.check", has_text="5号楼").locator("input").check()
    desktop.fill("input[name=total]", "6000")
    with desktop.expect_navigation():
        desktop.click("button:has-text('计算各户应摊')")
    shares = Contribution.objects.filter(source__plan__project=project)
    assert {c.household.flat.building_id for c in shares} == {w.building_a.pk}
    assert sorted(c.share_fen for c in shares) == [300_000, 300_000]
    shot(desktop, "staff-household-split")

    # ---- 14. 会计 records the street's money, 出纳 confirms it, 监事 reviews it: each from
    # the to-do on their own home page
    log_in_from_home(desktop, accountant)
    desktop.locator("a", has_text="殷行街道社区微更新专项资金").first.click()
    street = FundingSource.objects.get(plan__project=project, kind="government")
    desktop.select_option("#rc-source", str(street.pk))
    desktop.fill("#rc-amount", "6000")
    desktop.fill("#rc-memo", "殷行街道社区微更新专项资金到账")
    with desktop.expect_navigation():
        desktop.click("button:has-text('记录收款')")
    entry = JournalEntry.objects.get(plan__project=project, memo="殷行街道社区微更新专项资金到账")
    shot(desktop, "accountant-receipt")
    log_in_from_home(desktop, cashier)
    desktop.locator("a", has_text="殷行街道社区微更新专项资金到账").first.click()
    with desktop.expect_navigation():
        desktop.click("button:has-text('出纳确认已收付')")
    entry.refresh_from_db()
    assert entry.confirmed_by_id == cashier.pk, desktop.locator("main").inner_text()[:2000]
    shot(desktop, "cashier-confirmed")
    log_in_from_home(desktop, supervisor)
    desktop.locator("a", has_text="殷行街道社区微更新专项资金到账").first.click()
    desktop.locator(f"form[action$='/entries/{entry.pk}/review/'] input[name=note]").fill(
        "与银行回单核对一致"
    )
    with desktop.expect_navigation():
        desktop.click("button:has-text('监事审核通过')")
    entry.refresh_from_db()
    assert entry.confirmed_by_id == cashier.pk and entry.reviewed_by_id == supervisor.pk
    shot(desktop, "supervisor-reviewed")

    # ---- 15. staff move the project to 实施 and open the implementation page
    log_in_from_home(desktop, staff)
    desktop.click("a:has-text('本居委会项目')")
    desktop.click(f"a:has-text('{project.title}')")
    with desktop.expect_navigation():
        desktop.click("button:has-text('进入“实施”')")
    project.refresh_from_db()
    assert project.stage == "implementation", desktop.locator("main").inner_text()[:2000]
    shot(desktop, "staff-project-implementation")
    desktop.click("a:has-text('实施与运维')")
    assert "/implementation/" in desktop.url
    shot(desktop, "staff-implementation-page")


def set_up_through_the_pages(desktop, w) -> None:
    """Step 0: the district adds the planner to its talent pool and links the entry to her
    platform account; the street pairs her; the committee links 张建国's account to the
    ownership record of his flat (after seeing his property certificate)."""
    u = w.users
    log_in_from_home(desktop, u.district)
    desktop.click("a:has-text('规划师人才库')")
    desktop.fill("#id_name", "林老师")
    desktop.select_option("#id_profession", "landscape")
    desktop.fill("#id_org", "同济大学")
    with desktop.expect_navigation():
        desktop.click("#planner-form button:has-text('保存')")
    row = desktop.locator("tr", has_text="林老师")
    row.locator("summary:has-text('关联平台账号')").click()
    row.locator("input[name=mobile]").fill(u.planner_a.mobile)
    with desktop.expect_navigation():
        row.locator("button:has-text('关联')").click()
    planner = Planner.objects.get(name="林老师")
    assert planner.user_id == u.planner_a.pk, desktop.locator("main").inner_text()[:1500]
    shot(desktop, "district-pool-linked")

    log_in_from_home(desktop, u.street_a)
    desktop.click("a:has-text('规划师结对')")
    desktop.select_option("#id_planner", str(planner.pk))
    desktop.select_option("#id_street", str(w.street_a.pk))
    with desktop.expect_navigation():
        desktop.click("#pair-form button:has-text('结对')")
    assert planner.pairings.filter(ended_at__isnull=True).exists(), desktop.locator(
        "main"
    ).inner_text()[:1500]
    shot(desktop, "street-paired")

    log_in_from_home(desktop, u.staff_a)
    desktop.click(f"a:has-text('{w.compound_a.name}')")
    desktop.click(f"a:has-text('{w.building_a.number}')")
    desktop.click(f"a.roster-room:has-text('{w.flat_a.room}')")
    owner = Person.objects.get(name="张建国", ownerships__flat=w.flat_a)
    card = desktop.locator(f"#person-{owner.pk}")
    card.locator("input[name=mobile]").fill(u.resident_a.mobile)
    with desktop.expect_navigation():
        card.locator("button:has-text('关联平台账号')").click()
    owner.refresh_from_db()
    assert owner.user_id == u.resident_a.pk, desktop.locator("main").inner_text()[:1500]
    shot(desktop, "staff-owner-linked")
