"""Money in a real browser: the accountant records, the cashier confirms, the supervisor
reviews; a resident opens the transparency page on a phone."""

from __future__ import annotations

from linli.accounts.models import Role
from linli.funding.models import JournalEntry
from tests.browser.conftest import log_in, shot
from tests.factories import build_world, make_user
from tests.funding.helpers import anshunyuan_case


def test_separated_duties_and_transparency(transactional_db, desktop, phone, live_server):
    world = build_world()
    case = anshunyuan_case(world)
    url = f"/funding/project/{case.project.pk}/"

    # 会计 records a spending
    log_in(desktop, live_server, case.accountant)
    desktop.goto(url)
    desktop.select_option("#sp-item", str(case.item.pk))
    desktop.select_option("#sp-source", str(case.street.pk))
    desktop.fill("#sp-amount", "12,000.00")
    desktop.fill("#sp-memo", "购买家具与灯具")
    desktop.locator("#spending-form button").click()
    desktop.get_by_text("已记录支出，待出纳确认").wait_for()
    entry = JournalEntry.objects.get(plan=case.plan, kind="spending")
    card = desktop.locator(f"article.entry[data-number='{entry.number}']")
    assert card.get_by_text("待出纳确认").is_visible()
    assert card.locator("form[action$='/confirm/']").count() == 0  # not their own
    shot(desktop, "funding-1-accountant-records")

    # 出纳 confirms the money moved
    log_in(desktop, live_server, case.cashier)
    desktop.goto(url)
    card = desktop.locator(f"article.entry[data-number='{entry.number}']")
    card.get_by_role("button", name="出纳确认已收付").click()
    desktop.get_by_text(f"凭证 {entry.number} 已确认入账").wait_for()
    shot(desktop, "funding-2-cashier-confirms")

    # 监事 reviews
    log_in(desktop, live_server, case.supervisor)
    desktop.goto(url)
    card = desktop.locator(f"article.entry[data-number='{entry.number}']")
    card.get_by_placeholder("审核意见").fill("发票与实物相符")
    card.get_by_role("button", name="监事审核通过").click()
    desktop.get_by_text(f"凭证 {entry.number} 已审核").wait_for()
    entry.refresh_from_db()
    assert entry.reviewed_by == case.supervisor and entry.confirmed_by == case.cashier
    shot(desktop, "funding-3-supervisor-reviews")

    # a resident of building 5 opens the transparency page on a phone
    resident = make_user(Role.RESIDENT, case.shares[3].household.flat, name="5号楼住户")
    log_in(phone, live_server, resident)
    phone.goto(url)  # residents are sent to the public page
    phone.get_by_role("heading", name="安顺苑5号楼睦邻客厅 · 收支公开").wait_for()
    assert phone.locator("#income-total").inner_text() == "96,000.00"
    assert phone.locator("#spending-total").inner_text() == "12,000.00"
    assert phone.locator("#balance").inner_text() == "84,000.00"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "funding-4-resident-transparency-phone")


def test_leader_sees_who_paid_and_bot_on_phone(transactional_db, phone, live_server):
    import datetime

    from linli.funding import services
    from linli.projects.services import project_create

    world = build_world()
    case = anshunyuan_case(world, pay=False)
    for c in case.shares[:9]:  # three households have not paid yet
        r = services.contribution_receive(
            actor=case.accountant, source=case.residents, household=c.household, amount_fen=400_000
        )
        services.entry_confirm(actor=case.cashier, entry=r.entry)
    leader = make_user(Role.BUILDING_LEADER, case.building, name="5号楼楼组长")
    log_in(phone, live_server, leader)
    phone.goto(f"/funding/project/{case.project.pk}/contributions/")
    assert phone.get_by_text("未缴清 3 户").is_visible()
    assert phone.locator("td .badge", has_text="未缴").count() == 3
    shot(phone, "funding-5-leader-who-paid-phone")

    garage = project_create(actor=case.staff, committee=world.committee_a, title="市光四村智能车库")
    services.bot_contract_create(
        actor=case.staff,
        project=garage,
        operator="智能车库运营企业",
        construction_cost_fen=45_000_000,
        annual_operating_cost_fen=3_000_000,
        start_date=datetime.date.today() - datetime.timedelta(days=5 * 365 - 20),
        owners_share_percent=30,
        transfers="车库内智能充电设备所有权归全体业主",
        maintenance_priority="企业在同等条件下享有维修维护服务优先权",
        fees=[
            {
                "name": "停车费",
                "unit": "辆·月",
                "price_fen": 2_000,
                "assumed_units_per_year": 3_600,
            },
            {"name": "充电费", "unit": "次", "price_fen": 100, "assumed_units_per_year": 60_000},
        ],
    )
    for year, rev in ((1, 11_000_000), (2, 13_500_000), (3, 14_000_000)):
        services.bot_revenue_record(
            actor=case.staff,
            contract=garage.bot_contract,
            year=year,
            revenue_fen=rev,
            cost_fen=3_000_000,
        )
    log_in(phone, live_server, world.users.resident_a)
    phone.goto(f"/funding/project/{garage.pk}/bot/")
    assert phone.locator("#payback-year").inner_text() == "5"
    assert phone.get_by_role("status").first.inner_text().startswith("提醒")
    shot(phone, "funding-6-bot-garage-phone")
