"""The vote pages, driven as a browser would: staff create/open/close, owners cast on
their phones, staff key written ballots twice, everyone reads the result."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.voting.models import Ballot, Elector, PaperEntry, Vote
from tests.factories import make_user

pytestmark = pytest.mark.django_db

OWNER_OF = {"F1": "A", "F2": "C", "F3": "C", "F4": "D", "F5": "E", "F6": "G", "F7": "H"}


def _dt(d):
    return timezone.localtime(d).strftime("%Y-%m-%dT%H:%M")


def create_and_open(client, estate, matter):
    client.force_login(estate.world.users.staff_a)
    now = timezone.now()
    r = client.post(
        reverse("voting:create"),
        {
            "committee": estate.world.committee_a.pk,
            "title": "9号楼架空层改建",
            "kind": "owners",
            "matter": matter,
            "buildings": [estate.building.pk],
            "hide_results": "on",
            "opens_at": _dt(now - timedelta(hours=1)),
            "closes_at": _dt(now + timedelta(days=7)),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    vote = Vote.objects.get()
    assert client.post(reverse("voting:open", args=[vote.pk])).status_code == 302
    vote.refresh_from_db()
    assert vote.status == "open" and vote.electors.count() == 7
    return vote


def phone_cast(client, estate, vote, flat, choice, key=None):
    who = OWNER_OF[flat]
    client.force_login(estate.users[who])
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    elector = Elector.objects.get(vote=vote, flat=estate.flats[flat])
    assert f'name="elector" value="{elector.pk}"' in page
    key = key or re.search(rf'name="key" value="([0-9a-f]+-{elector.pk})"', page).group(1)
    return client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"elector": elector.pk, "choice": choice, "key": key},
    )


def close_and_read(client, estate, vote):
    client.force_login(estate.world.users.staff_a)
    r = client.post(reverse("voting:close", args=[vote.pk]), {"reason": "全部户已表决"})
    assert r.status_code == 302
    return client.get(reverse("voting:result", args=[vote.pk])).content.decode()


@pytest.mark.parametrize(
    "matter,marks,passed,failed",
    [
        # 400/600 m², 4/6 owners take part (exactly 2/3); 350 m², 3/4 owners agree: passes 3/4
        (
            "278-8",
            {"F1": "agree", "F2": "agree", "F3": "agree", "F5": "agree", "F6": "disagree"},
            True,
            [],
        ),
        # 300/400 m² agree (exactly 3/4) but 2/4 owners: fails on headcount
        (
            "278-8",
            {"F1": "agree", "F2": "agree", "F3": "agree", "F5": "disagree", "F6": "abstain"},
            False,
            ["同意的业主人数占参与表决人数不足四分之三"],
        ),
        # 300 m² with 4 owners: one flat short of 2/3 of the area
        (
            "278-9",
            {"F1": "agree", "F5": "agree", "F6": "agree", "F7": "agree"},
            False,
            ["参与表决的专有部分面积不足三分之二"],
        ),
        # 450 m² but 3 owners (C owns two flats, A+B own one together)
        (
            "278-9",
            {"F1": "agree", "F2": "agree", "F3": "agree", "F4": "agree"},
            False,
            ["参与表决的业主人数不足三分之二"],
        ),
        # exactly half agree by area and by headcount: not "过半数"
        (
            "278-5",
            {"F1": "agree", "F4": "disagree", "F5": "agree", "F6": "abstain"},
            False,
            [
                "同意的专有部分面积占参与表决专有部分面积未过半数",
                "同意的业主人数占参与表决人数未过半数",
            ],
        ),
    ],
)
def test_owners_vote_boundaries_through_the_pages(client, estate, matter, marks, passed, failed):
    vote = create_and_open(client, estate, matter)
    for flat, choice in marks.items():
        r = phone_cast(client, estate, vote, flat, choice)
        assert r.status_code == 302, r.content.decode()[:500]
    html = close_and_read(client, estate, vote)
    assert ("✓ 通过" in html) is passed and ("✗ 未通过" in html) is (not passed)
    for message in failed:
        assert message in html
    assert vote.ballots.count() == len(marks)


def test_co_owner_changes_the_flats_single_ballot_and_resubmit_is_idempotent(client, estate):
    vote = create_and_open(client, estate, "278-9")
    r1 = phone_cast(client, estate, vote, "F1", "agree", key="samekey-1")
    r2 = phone_cast(client, estate, vote, "F1", "agree", key="samekey-1")  # double tap
    assert r1.status_code == r2.status_code == 302
    assert Ballot.objects.get(vote=vote).revision == 1
    # B, co-owner of F1, sees the same flat and changes its ballot
    client.force_login(estate.users["B"])
    elector = Elector.objects.get(vote=vote, flat=estate.flats["F1"])
    r = client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"elector": elector.pk, "choice": "disagree", "key": "b-1"},
    )
    assert r.status_code == 302
    b = Ballot.objects.get(vote=vote)
    assert (b.choice, b.revision) == ("disagree", 2)


def test_owner_of_two_flats_sees_both(client, estate):
    vote = create_and_open(client, estate, "278-9")
    client.force_login(estate.users["C"])
    html = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "9号楼201室" in html and "9号楼202室" in html and "9号楼101室" not in html


def test_cast_refusals_on_the_page(client, estate):
    vote = create_and_open(client, estate, "278-9")
    f2 = Elector.objects.get(vote=vote, flat=estate.flats["F2"])
    client.force_login(estate.users["A"])  # not an owner of F2: not even found
    r = client.post(
        reverse("voting:cast", args=[vote.pk]), {"elector": f2.pk, "choice": "agree", "key": "k"}
    )
    assert r.status_code == 404
    f1 = Elector.objects.get(vote=vote, flat=estate.flats["F1"])
    r = client.post(
        reverse("voting:cast", args=[vote.pk]), {"elector": f1.pk, "choice": "", "key": "k"}
    )
    assert r.status_code == 400 and "请选择同意、反对或弃权" in r.content.decode()
    Vote.objects.filter(pk=vote.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1),
        opens_at=timezone.now() - timedelta(hours=2),
    )
    r = client.post(
        reverse("voting:cast", args=[vote.pk]), {"elector": f1.pk, "choice": "agree", "key": "k2"}
    )
    assert r.status_code == 409 and "表决已经截止" in r.content.decode()
    assert not Ballot.objects.exists()


def test_paper_double_entry_pages(client, estate):
    vote = create_and_open(client, estate, "278-9")
    staff2 = make_user("committee_staff", estate.world.committee_a, name="居委会小李")
    e4 = Elector.objects.get(vote=vote, flat=estate.flats["F4"])
    e5 = Elector.objects.get(vote=vote, flat=estate.flats["F5"])
    url = reverse("voting:paper", args=[vote.pk])
    client.force_login(estate.world.users.staff_a)
    assert client.get(url).status_code == 200
    r = client.post(url, {"code": "AAAA-BBBB-CCCC", "choice": "agree"})
    assert r.status_code == 400 and "选票编码无效" in r.content.decode()
    assert client.post(url, {"code": e4.paper_code, "choice": "agree"}).status_code == 302
    assert client.post(url, {"code": e5.paper_code, "choice": "agree"}).status_code == 302
    r = client.post(url, {"code": e4.paper_code, "choice": "agree"})
    assert r.status_code == 409 and "另一名工作人员" in r.content.decode()
    client.force_login(staff2)
    assert client.post(url, {"code": e4.paper_code, "choice": "agree"}).status_code == 302
    assert client.post(url, {"code": e5.paper_code, "choice": "disagree"}).status_code == 302
    html = client.get(url).content.decode()
    assert "两次录入不一致，待核对" in html and e5.paper_code in html
    assert Ballot.objects.get(elector=e4).channel == "paper"
    assert not Ballot.objects.filter(elector=e5).exists()
    r = client.post(
        reverse("voting:paper_resolve", args=[vote.pk, e5.pk]),
        {"choice": "agree", "note": "核对原票"},
    )
    assert r.status_code == 302
    assert Ballot.objects.get(elector=e5).choice == "agree"
    assert set(PaperEntry.objects.filter(elector=e5).values_list("state", flat=True)) == {
        "resolved"
    }
    # residents cannot reach the entry page
    client.force_login(estate.users["A"])
    assert client.get(url).status_code == 403


def test_proxy_and_meeting_ballots_recorded_by_staff(client, estate):
    vote = create_and_open(client, estate, "278-9")
    e7 = Elector.objects.get(vote=vote, flat=estate.flats["F7"])
    url = reverse("voting:record", args=[vote.pk])
    r = client.post(
        url,
        {
            "elector": e7.pk,
            "channel": "proxy",
            "choice": "agree",
            "key": "p1",
            "proxy_name": "王小明",
        },
    )
    assert r.status_code == 400 and "授权委托书" in r.content.decode()
    r = client.post(
        url,
        {
            "elector": e7.pk,
            "channel": "proxy",
            "choice": "agree",
            "key": "p2",
            "proxy_name": "王小明",
            "proxy_authorisation": "委托书第7号",
        },
    )
    assert r.status_code == 302
    b = Ballot.objects.get(elector=e7)
    assert (b.channel, b.proxy_authorisation) == ("proxy", "委托书第7号")


def test_result_hidden_until_close_and_closed_vote_is_final(client, estate):
    vote = create_and_open(client, estate, "278-9")
    phone_cast(client, estate, vote, "F1", "agree")
    client.force_login(estate.users["A"])
    assert client.get(reverse("voting:result", args=[vote.pk])).status_code == 403
    html = close_and_read(client, estate, vote)
    assert "签署记录" in html and "逐户表决情况" in html and "业主A、业主B" in html
    client.force_login(estate.users["A"])
    assert client.get(reverse("voting:result", args=[vote.pk])).status_code == 200
    client.force_login(estate.world.users.staff_a)
    r = client.post(reverse("voting:recount", args=[vote.pk]), follow=True)
    assert "复核计票与已签署结果一致" in r.content.decode()
    r = client.post(reverse("voting:close", args=[vote.pk]), {"reason": "again"})
    assert r.status_code == 409


def test_other_committee_sees_nothing(client, estate):
    vote = create_and_open(client, estate, "278-9")
    client.force_login(estate.world.users.staff_b)
    for name in ("detail", "result", "paper", "ballots_pdf"):
        assert client.get(reverse(f"voting:{name}", args=[vote.pk])).status_code == 404
    for name in ("open", "close", "cast", "record", "recount"):
        assert client.post(reverse(f"voting:{name}", args=[vote.pk])).status_code == 404
    assert "9号楼架空层改建" not in client.get(reverse("voting:list")).content.decode()
    client.force_login(estate.world.users.resident_b)
    assert client.get(reverse("voting:detail", args=[vote.pk])).status_code == 404


def test_ballot_pdf_one_page_per_flat_with_codes(client, estate):
    vote = create_and_open(client, estate, "278-8")
    r = client.get(reverse("voting:ballots_pdf", args=[vote.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    code = Elector.objects.filter(vote=vote).order_by("id").first().paper_code
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    info = subprocess.run(
        ["pdfinfo", "-"], input=r.content, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"Pages:\s+7\b", info)
    text = subprocess.run(
        ["pdftotext", "-l", "1", "-", "-"], input=r.content, capture_output=True, check=True
    ).stdout.decode()
    assert code in text and "书面表决票" in text


def test_list_and_create_pages(client, estate):
    client.force_login(estate.world.users.staff_a)
    assert client.get(reverse("voting:list")).status_code == 200
    assert client.get(reverse("voting:create")).status_code == 200
    r = client.post(
        reverse("voting:create"),
        {
            "committee": estate.world.committee_a.pk,
            "title": "x",
            "kind": "owners",
            "opens_at": "2026-01-01T00:00",
            "closes_at": "2026-01-08T00:00",
        },
    )
    assert r.status_code == 400 and "请选择表决范围" in r.content.decode()
    client.force_login(estate.users["A"])
    assert client.get(reverse("voting:create")).status_code == 403


def test_admin_is_read_only_and_renders(client, estate):
    from linli.accounts.models import User

    vote = create_and_open(client, estate, "278-9")
    phone_cast(client, estate, vote, "F1", "agree")
    admin_user = User.objects.create_superuser(
        mobile="13900000009", password="x" * 10, name="管理员"
    )
    client.force_login(admin_user)
    for model in ("vote", "elector", "ballot", "paperentry", "voteresult"):
        assert client.get(reverse(f"admin:voting_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:voting_vote_add")).status_code == 403


def test_naming_campaign_pages(client, estate):
    from linli.voting import services

    opens, closes = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=3)
    vote = services.vote_create(
        actor=estate.world.users.staff_a, committee=estate.world.committee_a, title="口袋花园征名",
        kind="options", method="single", hide_results=False, buildings=[estate.building],
        opens_at=opens, closes_at=closes,
    )  # fmt: skip
    client.force_login(estate.world.users.staff_a)
    assert client.post(reverse("voting:start_proposals", args=[vote.pk])).status_code == 302
    client.force_login(estate.world.users.resident_a)
    html = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "提出名称" in html
    for label in ("百草园", "邻里园"):
        r = client.post(reverse("voting:propose", args=[vote.pk]), {"label": label})
        assert r.status_code == 302
    r = client.post(reverse("voting:propose", args=[vote.pk]), {"label": "百草园"})
    assert r.status_code == 400 and "已经有人提出" in r.content.decode()
    client.force_login(estate.world.users.staff_a)
    client.post(reverse("voting:open", args=[vote.pk]))
    a, b = vote.options.all()
    client.force_login(estate.users["A"])
    elector = Elector.objects.get(vote=vote, flat=estate.flats["F1"])
    r = client.post(
        reverse("voting:cast", args=[vote.pk]),
        {"elector": elector.pk, "option": [b.pk], "key": "n1"},
    )
    assert r.status_code == 302
    # results are public while open for this vote
    html = client.get(reverse("voting:result", args=[vote.pk])).content.decode()
    assert "实时计票" in html and "邻里园" in html and "得票最多" in html


def test_meeting_vote_result_page(client, estate):
    from linli.voting import services

    opens, closes = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=3)
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff, committee=estate.world.committee_a, title="楼组公约", kind="meeting",
        meeting_rule="two_thirds_quorum", secret=True, buildings=[estate.building],
        opens_at=opens, closes_at=closes,
    )  # fmt: skip
    services.vote_open(actor=staff, vote=vote)
    for flat in ("F1", "F2", "F4", "F5", "F6"):
        phone_cast(client, estate, vote, flat, "agree")
    html = close_and_read(client, estate, vote)
    # 5 of 7 households take part (≥ 2/3) and all agree
    assert "✓ 通过" in html and "参加表决户数：5 / 7 户" in html
    assert "逐户表决情况" not in html  # secret: nobody is shown who voted what
