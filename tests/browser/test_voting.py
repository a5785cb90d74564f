"""Votes in a real browser: an owner votes on a phone, staff key a written ballot twice,
and the result page shows area and headcount shares with pass/fail."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from linli.voting import services
from linli.voting.models import Ballot, Elector
from tests.browser.conftest import shot
from tests.factories import make_user
from tests.voting import conftest as voting_fixtures

estate = voting_fixtures.estate
owners_vote = voting_fixtures.owners_vote


def login_page(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_owner_votes_on_phone(transactional_db, estate, owners_vote, phone, live_server):
    vote = owners_vote("278-8")
    login_page(phone, live_server, estate.users["C"])  # C owns two flats
    phone.goto(f"/votes/{vote.pk}/")
    assert phone.get_by_text("9号楼201室").is_visible()
    assert phone.get_by_text("9号楼202室").is_visible()
    forms = phone.locator("form[action$='/cast/']")
    assert forms.count() == 2
    forms.nth(0).get_by_text("同意").click()
    shot(phone, "voting-phone-ballot")
    with phone.expect_navigation():
        forms.nth(0).get_by_role("button", name="提交表决意见").click()
    assert phone.get_by_text("9号楼201室的表决意见").is_visible()
    assert phone.locator(".voted").count() == 1
    shot(phone, "voting-phone-voted")
    assert Ballot.objects.get(vote=vote).choice == "agree"


def test_staff_enter_a_paper_ballot_twice(
    transactional_db, estate, owners_vote, desktop, live_server
):
    vote = owners_vote("278-8")
    staff2 = make_user("committee_staff", estate.world.committee_a, name="居委会小李")
    e4 = Elector.objects.get(vote=vote, flat=estate.flats["F4"])
    e5 = Elector.objects.get(vote=vote, flat=estate.flats["F5"])
    login_page(desktop, live_server, estate.world.users.staff_a)
    desktop.goto(f"/votes/{vote.pk}/paper/")
    for e, label in ((e4, "同意"), (e5, "同意")):
        desktop.fill("#id_code", e.paper_code)
        desktop.get_by_text(label, exact=True).first.click()
        with desktop.expect_navigation():
            desktop.get_by_role("button", name="保存录入").click()
    assert desktop.get_by_text("第一次录入已保存").is_visible()
    shot(desktop, "voting-paper-first-entry")
    login_page(desktop, live_server, staff2)
    desktop.goto(f"/votes/{vote.pk}/paper/")
    desktop.fill("#id_code", e4.paper_code)
    desktop.get_by_text("同意", exact=True).first.click()
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="保存录入").click()
    assert desktop.get_by_text("两次录入一致，该票已计入").is_visible()
    desktop.fill("#id_code", e5.paper_code)
    desktop.get_by_text("反对", exact=True).first.click()
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="保存录入").click()
    assert desktop.get_by_text("两次录入不一致，请核对原票").is_visible()
    assert desktop.locator("#mismatches").is_visible()
    shot(desktop, "voting-paper-second-entry-mismatch")
    assert Ballot.objects.get(vote=vote).elector_id == e4.pk


def test_result_page(transactional_db, estate, owners_vote, phone, desktop, live_server):
    vote = owners_vote("278-8")
    marks = {"F1": ("A", "agree"), "F2": ("C", "agree"), "F3": ("C", "agree"),
             "F5": ("E", "disagree"), "F6": ("G", "abstain")}  # fmt: skip
    for flat, (who, choice) in marks.items():
        services.ballot_cast(actor=estate.users[who], vote=vote, flat=estate.flats[flat],
                             choice=choice, idempotency_key=f"k-{flat}")  # fmt: skip
    login_page(desktop, live_server, estate.world.users.staff_a)
    desktop.goto(f"/votes/{vote.pk}/")
    desktop.fill("#id_reason", "各户意见已收齐")
    with desktop.expect_navigation():
        desktop.get_by_role("button", name="结束表决并计票").click()
    assert desktop.get_by_text("✗ 未通过").is_visible()
    assert desktop.get_by_text("同意的业主人数占参与表决人数不足四分之三").first.is_visible()
    shot(desktop, "voting-result-desktop")
    login_page(phone, live_server, estate.users["A"])
    phone.goto(f"/votes/{vote.pk}/result/")
    assert phone.get_by_text("✗ 未通过").is_visible()
    shot(phone, "voting-result-phone")


def test_budget_result_with_explanation(transactional_db, estate, phone, live_server):
    staff = estate.world.users.staff_a
    opens, closes = voting_fixtures.window()
    vote = services.vote_create(
        actor=staff, committee=estate.world.committee_a, title="2026年自治金项目", kind="budget",
        method="approval", budget=100_000, budget_rule="mes",
        options=[("长者食堂", 60_000), ("儿童游乐角", 30_000), ("楼道照明", 30_000)],
        buildings=[estate.building], opens_at=opens, closes_at=closes,
    )  # fmt: skip
    vote = services.vote_open(actor=staff, vote=vote)
    ids = list(vote.options.order_by("position").values_list("id", flat=True))
    picks = {"F1": [0, 1], "F2": [0], "F3": [0], "F4": [0], "F5": [2, 1], "F6": [2]}
    owner = {"F1": "A", "F2": "C", "F3": "C", "F4": "D", "F5": "E", "F6": "G"}
    for flat, p in picks.items():
        services.ballot_cast(actor=estate.users[owner[flat]], vote=vote, flat=estate.flats[flat],
                             option_ids=[ids[i] for i in p], idempotency_key=f"b-{flat}")  # fmt: skip
    login_page(phone, live_server, estate.users["H"])
    phone.goto(f"/votes/{vote.pk}/")
    phone.get_by_text("楼道照明").first.click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交表决意见").click()
    shot(phone, "voting-budget-ballot")
    services.vote_close(actor=staff, vote=vote, reason="测试")
    phone.goto(f"/votes/{vote.pk}/result/")
    assert phone.get_by_text("分配过程说明").is_visible()
    shot(phone, "voting-budget-result")
