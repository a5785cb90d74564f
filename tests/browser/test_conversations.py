"""A resident votes in a conversation on a phone; the results page draws the opinion map."""

from __future__ import annotations

import pathlib

import pytest

from linli.opinions import services
from linli.opinions.models import OpinionVote
from tests.browser.conftest import log_in, shot

LONDON = pathlib.Path("/work/shared/data/polis/opendata/london.youth.policing")


def test_resident_votes_on_phone(transactional_db, world, phone, live_server):
    conv = services.conversation_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        topic="小区中心花园怎么改？",
        description="请对下面的观点表态，也可以写下您的想法。",
        statements=["保留大树，在树下增加座椅", "把花园的一半改成停车位", "增加儿童游乐设施"],
    )
    log_in(phone, live_server, world.users.resident_a)
    phone.goto(f"/conversations/{conv.pk}/")
    assert phone.locator("#statement").inner_text() == "保留大树，在树下增加座椅"
    shot(phone, "conversation-phone-vote")
    phone.get_by_role("button", name="赞同").click()
    assert phone.locator("#statement").inner_text() == "把花园的一半改成停车位"
    phone.get_by_role("button", name="反对").click()
    phone.get_by_role("button", name="跳过").click()
    assert phone.locator("#all-done").is_visible()
    # change the first vote: the last vote counts, still one row
    phone.locator("#my-votes summary").click()
    phone.locator("#my-votes li", has_text="保留大树").get_by_role(
        "button", name="改为反对"
    ).click()
    assert OpinionVote.objects.get(statement__text="保留大树，在树下增加座椅").value == -1
    phone.fill("#id_text", "花园里加几盏路灯，晚上散步更安全")
    phone.get_by_role("button", name="提交观点").click()
    assert "审核通过后" in phone.content()
    shot(phone, "conversation-phone-done")
    assert sorted(OpinionVote.objects.values_list("value", flat=True)) == [-1, -1, 0]


@pytest.mark.skipif(not LONDON.exists(), reason="openData 不可用")
def test_results_page_on_phone_from_opendata(transactional_db, world, phone, live_server):
    from django.core.management import call_command

    call_command("seed_conversation", committee=world.committee_a.pk, folder=str(LONDON))
    conv = world.committee_a.conversations.get()
    log_in(phone, live_server, world.users.resident_a)
    phone.goto(f"/conversations/{conv.pk}/results/")
    phone.wait_for_selector("#opinion-map.ready svg")
    assert phone.locator("#opinion-map svg path").count() >= 20  # one symbol per participant
    assert phone.locator("section.group").count() == len(conv.result.data["groups"]) >= 2
    assert phone.locator(".consensus-item").count() >= 1
    shot(phone, "conversation-phone-results")


def test_staff_moderates_on_desktop(transactional_db, world, desktop, live_server):
    conv = services.conversation_create(
        actor=world.users.staff_a, committee=world.committee_a, topic="小区中心花园怎么改？"
    )
    services.statement_add(actor=world.users.resident_a, conversation=conv, text="增加儿童滑梯")
    services.statement_add(actor=world.users.resident_a, conversation=conv, text="买点广告位赚钱")
    log_in(desktop, live_server, world.users.staff_a)
    desktop.goto(f"/conversations/{conv.pk}/moderate/")
    card = desktop.locator("article.card", has_text="广告位")
    card.get_by_role("button", name="不予通过").click()
    assert "不予通过时请填写理由" in desktop.content()
    desktop.go_back()
    card = desktop.locator("article.card", has_text="广告位")
    card.locator("input[name=reason]").fill("与议题无关")
    card.get_by_role("button", name="不予通过").click()
    desktop.locator("article.card", has_text="滑梯").get_by_role(
        "button", name="通过", exact=True
    ).click()
    shot(desktop, "conversation-desktop-moderate")
    assert set(conv.statements.values_list("text", "status")) == {
        ("增加儿童滑梯", "accepted"),
        ("买点广告位赚钱", "rejected"),
    }
