"""A resident reading a closed vote sees a plain receipt ("您的选票已计入") for her flats;
the digests of the signed result sit in a fold; the per-household table carries the labels
the phone layout stacks rows with (issue 11)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.voting.test_views import close_and_read, create_and_open, phone_cast

pytestmark = pytest.mark.django_db


def test_resident_sees_a_plain_receipt_and_digests_are_folded(client, estate):
    vote = create_and_open(client, estate, "278-8")
    for flat, choice in {"F1": "agree", "F2": "agree", "F5": "disagree"}.items():
        assert phone_cast(client, estate, vote, flat, choice).status_code == 302
    close_and_read(client, estate, vote)
    client.force_login(estate.users["C"])  # C owns 201 and 202, voted for 201 only
    html = client.get(reverse("voting:result", args=[vote.pk])).content.decode()
    receipt = re.search(r'<section class="card receipt" id="receipt">(.*?)</section>', html, re.S)
    assert receipt, "no receipt for a resident who voted"
    assert "您的选票已计入" in receipt.group(1) and "201" in receipt.group(1)
    assert "同意" in receipt.group(1) and "202室" not in receipt.group(1)
    # the digests are in a <details> fold, not in the open page
    fold = re.search(r'<details id="digests">(.*?)</details>', html, re.S)
    assert fold and "选票摘要" in fold.group(1)
    assert html.count("选票摘要") == 1
    # phone layout: every cell of the per-household table says what it is
    table = re.search(r'<table class="table ballot-rows">(.*?)</table>', html, re.S).group(1)
    assert table.count('data-label="意见"') == 7 and table.count('data-label="渠道"') == 7


def test_no_receipt_for_who_did_not_vote(client, estate):
    vote = create_and_open(client, estate, "278-8")
    assert phone_cast(client, estate, vote, "F1", "agree").status_code == 302
    close_and_read(client, estate, vote)
    client.force_login(estate.users["D"])
    html = client.get(reverse("voting:result", args=[vote.pk])).content.decode()
    assert "您的选票已计入" not in html
    client.force_login(estate.world.users.staff_a)
    html = client.get(reverse("voting:result", args=[vote.pk])).content.decode()
    assert "您的选票已计入" not in html and '<details id="digests">' in html


def test_my_ballot_names_the_chosen_options(client, estate):
    from linli.voting import services
    from tests.voting.conftest import window

    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff, committee=estate.world.committee_a, title="中心花园改造方案",
        kind="options", method="single", options=["方案一：口袋花园", "方案二：儿童角"],
        buildings=[estate.building], opens_at=opens, closes_at=closes,
    )  # fmt: skip
    vote = services.vote_open(actor=staff, vote=vote)
    two = vote.options.get(label="方案二：儿童角")
    services.ballot_cast(actor=estate.users["A"], vote=vote, flat=estate.flats["F1"],
                         option_ids=[two.pk], idempotency_key="k")  # fmt: skip
    client.force_login(estate.users["A"])
    html = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    voted = re.search(r'<p class="voted">(.*?)</p>', html, re.S).group(1)
    assert "方案二：儿童角" in voted and "已选" not in voted
