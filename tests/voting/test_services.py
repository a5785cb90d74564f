"""Vote services: electorate snapshot, casting, refusals, double entry, close, recount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.voting import services
from linli.voting.models import Ballot, BallotCast, Elector, PaperEntry, Vote, VoteResult
from tests.voting.conftest import window

pytestmark = pytest.mark.django_db


def cast(estate, vote, who, flat, choice="agree", key=None, **kw):
    return services.ballot_cast(
        actor=estate.users[who],
        vote=vote,
        flat=estate.flats[flat],
        choice=choice,
        idempotency_key=key or f"{who}-{flat}-{choice}-{timezone.now().timestamp()}",
        **kw,
    )


def test_open_snapshots_electorate_with_areas_owners_and_codes(estate, owners_vote):
    vote = owners_vote()
    electors = list(vote.electors.order_by("id"))
    assert len(electors) == 7
    assert sum(e.area for e in electors) == Decimal("600.00")
    f1 = next(e for e in electors if e.flat == estate.flats["F1"])
    assert sorted(f1.owner_ids) == sorted([estate.people["A"].pk, estate.people["B"].pk])
    assert f1.owner_names == "业主A、业主B"
    codes = {e.paper_code for e in electors}
    assert len(codes) == 7 and all(len(c) == 14 for c in codes)
    assert len(vote.electorate_hash) == 64
    # later changes to the registry do not change the snapshot
    estate.flats["F1"].area = Decimal("10.00")
    estate.flats["F1"].save()
    assert Elector.objects.get(pk=f1.pk).area == Decimal("150.00")


def test_open_refuses_flat_without_owner(estate, owners_vote):
    from linli.places.models import Flat

    Flat.objects.create(building=estate.building, room="602", floor=6, area=Decimal("40"))
    with pytest.raises(ServiceError, match="没有登记业主"):
        owners_vote()
    assert not Elector.objects.exists()
    assert Vote.objects.get().status == "draft"


def test_owners_vote_cannot_be_secret(estate):
    opens, closes = window()
    with pytest.raises(ServiceError, match="公开表决"):
        services.vote_create(
            actor=estate.world.users.staff_a,
            committee=estate.world.committee_a,
            title="x",
            kind="owners",
            matter="278-9",
            secret=True,
            buildings=[estate.building],
            opens_at=opens,
            closes_at=closes,
        )


def test_only_committee_staff_create(estate):
    opens, closes = window()
    for user in (estate.world.users.staff_b, estate.world.users.resident_a, estate.users["A"]):
        with pytest.raises(ScopeError):
            services.vote_create(
                actor=user,
                committee=estate.world.committee_a,
                title="x",
                kind="owners",
                matter="278-9",
                buildings=[estate.building],
                opens_at=opens,
                closes_at=closes,
            )
    with pytest.raises(ServiceError, match="不属于"):
        services.vote_create(
            actor=estate.world.users.staff_a,
            committee=estate.world.committee_a,
            title="x",
            kind="owners",
            matter="278-9",
            buildings=[estate.world.building_b],
            opens_at=opens,
            closes_at=closes,
        )


def test_one_ballot_per_flat_last_one_counts_and_changes_are_audited(estate, owners_vote):
    vote = owners_vote()
    cast(estate, vote, "A", "F1", "agree")
    b = cast(estate, vote, "B", "F1", "disagree")  # the co-owner changes the flat's ballot
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert b.choice == "disagree" and b.revision == 2
    assert BallotCast.objects.filter(vote=vote).count() == 2
    actions = list(
        AuditEvent.objects.filter(action__startswith="ballot.").values_list("action", flat=True)
    )
    assert actions == ["ballot.cast", "ballot.change"]
    change = AuditEvent.objects.get(action="ballot.change")
    assert change.before["choice"] == "agree" and change.after["choice"] == "disagree"


def test_idempotent_recast_records_nothing(estate, owners_vote):
    vote = owners_vote()
    first = cast(estate, vote, "A", "F1", "agree", key="k-1")
    n_audit = AuditEvent.objects.count()
    again = cast(estate, vote, "A", "F1", "agree", key="k-1")
    # even a different choice under the same key is the retry of the first request
    third = cast(estate, vote, "A", "F1", "disagree", key="k-1")
    assert again.pk == first.pk == third.pk and third.choice == "agree" and third.revision == 1
    assert AuditEvent.objects.count() == n_audit
    assert BallotCast.objects.count() == 1
    with pytest.raises(ServiceError, match="幂等键已用于其他户"):
        cast(estate, vote, "C", "F2", key="k-1")


def test_db_refuses_a_second_ballot_for_the_same_flat(estate, owners_vote):
    vote = owners_vote()
    b = cast(estate, vote, "A", "F1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, elector=b.elector, choice="disagree", channel="online")
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotCast.objects.create(
            vote=vote,
            elector=b.elector,
            idempotency_key=BallotCast.objects.get().idempotency_key,
            channel="online",
        )


def test_db_refuses_proxy_ballot_without_authorisation(estate, owners_vote):
    vote = owners_vote()
    elector = vote.electors.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            vote=vote, elector=elector, choice="agree", channel="proxy", proxy_name="王"
        )


@pytest.mark.parametrize(
    "who,flat,kw,message",
    [
        ("C", "F1", {}, "不是该户登记的业主"),  # not an owner of that flat
        ("A", "F1", {"choice": "maybe"}, "同意、反对或弃权"),
        ("A", "F1", {"key": ""}, "幂等键"),
        ("A", "F1", {"channel": "paper"}, "两名工作人员"),
        (
            "A",
            "F1",
            {"channel": "proxy", "proxy_name": "王", "proxy_authorisation": "x"},
            "工作人员",
        ),
    ],
)
def test_refusals_record_nothing(estate, owners_vote, who, flat, kw, message):
    vote = owners_vote()
    n_audit = AuditEvent.objects.count()
    args = {"choice": "agree", **kw}
    key = args.pop("key", "key-x")
    with pytest.raises(ServiceError, match=message):
        services.ballot_cast(
            actor=estate.users[who], vote=vote, flat=estate.flats[flat], idempotency_key=key, **args
        )
    assert not Ballot.objects.exists() and not BallotCast.objects.exists()
    assert AuditEvent.objects.count() == n_audit


def test_flat_outside_scope_refused(estate, owners_vote):
    vote = owners_vote()
    with pytest.raises(ServiceError, match="不在本次表决范围"):
        services.ballot_cast(
            actor=estate.world.users.staff_a,
            vote=vote,
            flat=estate.world.flat_a,
            choice="agree",
            channel="meeting",
            idempotency_key="k",
        )
    assert not Ballot.objects.exists()


def test_outside_time_window_refused(estate, owners_vote):
    vote = owners_vote()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() + timedelta(hours=1), closes_at=timezone.now() + timedelta(hours=2)
    )
    with pytest.raises(ServiceError, match="尚未开始"):
        cast(estate, vote, "A", "F1")
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - timedelta(hours=2), closes_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ServiceError, match="已经截止"):
        cast(estate, vote, "A", "F1")
    assert not Ballot.objects.exists()


def test_proxy_needs_name_and_authorisation(estate, owners_vote):
    vote = owners_vote()
    staff = estate.world.users.staff_a
    with pytest.raises(ServiceError, match="授权委托书"):
        services.ballot_cast(
            actor=staff,
            vote=vote,
            flat=estate.flats["F4"],
            choice="agree",
            channel="proxy",
            proxy_name="王小明",
            idempotency_key="p1",
        )
    with pytest.raises(ServiceError, match="受托人"):
        services.ballot_cast(
            actor=staff,
            vote=vote,
            flat=estate.flats["F4"],
            choice="agree",
            channel="proxy",
            proxy_authorisation="委托书2026-001",
            idempotency_key="p2",
        )
    b = services.ballot_cast(
        actor=staff,
        vote=vote,
        flat=estate.flats["F4"],
        choice="agree",
        channel="proxy",
        proxy_name="王小明",
        proxy_authorisation="委托书2026-001",
        idempotency_key="p3",
    )
    assert b.channel == "proxy" and b.proxy_name == "王小明"
    assert (
        AuditEvent.objects.filter(action="ballot.cast").get().after["proxy_authorisation"]
        == "委托书2026-001"
    )


def test_paper_double_entry(estate, owners_vote):
    from tests.factories import make_user

    vote = owners_vote()
    staff1 = estate.world.users.staff_a
    staff2 = make_user("committee_staff", estate.world.committee_a, name="居委会小李")
    e4 = vote.electors.get(flat=estate.flats["F4"])
    e5 = vote.electors.get(flat=estate.flats["F5"])
    # forged code
    with pytest.raises(ServiceError, match="选票编码无效"):
        services.paper_entry_record(actor=staff1, vote=vote, code="ABCD-EFGH-JKLM", choice="agree")
    # another staff's committee cannot enter
    with pytest.raises(ScopeError):
        services.paper_entry_record(
            actor=estate.world.users.staff_b, vote=vote, code=e4.paper_code, choice="agree"
        )
    first = services.paper_entry_record(
        actor=staff1, vote=vote, code=e4.paper_code.lower().replace("-", ""), choice="agree"
    )
    assert first.state == "pending" and not Ballot.objects.exists()
    with pytest.raises(ServiceError, match="另一名工作人员"):
        services.paper_entry_record(actor=staff1, vote=vote, code=e4.paper_code, choice="agree")
    second = services.paper_entry_record(
        actor=staff2, vote=vote, code=e4.paper_code, choice="agree"
    )
    assert second.state == "matched"
    assert Ballot.objects.get(elector=e4).channel == "paper"
    # mismatch: flagged, nothing counted, further entries refused until resolved
    services.paper_entry_record(actor=staff1, vote=vote, code=e5.paper_code, choice="agree")
    mism = services.paper_entry_record(
        actor=staff2, vote=vote, code=e5.paper_code, choice="disagree"
    )
    assert mism.state == "mismatch"
    assert not Ballot.objects.filter(elector=e5).exists()
    assert PaperEntry.objects.filter(elector=e5, state="mismatch").count() == 2
    with pytest.raises(ServiceError, match="请先核对"):
        services.paper_entry_record(actor=staff1, vote=vote, code=e5.paper_code, choice="agree")
    with pytest.raises(ServiceError, match="书面表决票录入未完成或不一致"):
        services.vote_close(actor=staff1, vote=vote, reason="测试")
    b = services.paper_mismatch_resolve(
        actor=staff1, vote=vote, elector=e5, choice="disagree", note="核对原票"
    )
    assert b.choice == "disagree" and b.channel == "paper"
    assert PaperEntry.objects.filter(elector=e5, state="resolved").count() == 2
    result = services.vote_close(actor=staff1, vote=vote, reason="测试")
    assert result.counts["by_channel"] == {"paper": 2}


def _scenario(estate, vote, marks):
    for flat, choice in marks.items():
        who = {"F1": "A", "F2": "C", "F3": "C", "F4": "D", "F5": "E", "F6": "G", "F7": "H"}[flat]
        cast(estate, vote, who, flat, choice)
    return services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="测试提前计票")


def test_special_matter_passes_exactly_at_two_thirds_and_three_quarters(estate, owners_vote):
    # participants AB(150) C(100+50) E(50) G(50): 400/600 m² and 4/6 owners (exactly 2/3)
    # agree AB C E: 350/400 m² (87.5 %), 3/4 owners (exactly 3/4) -> passes
    vote = owners_vote("278-8")
    r = _scenario(
        estate, vote, {"F1": "agree", "F2": "agree", "F3": "agree", "F5": "agree", "F6": "disagree"}
    )
    c = r.counts
    assert (c["participating_area"], c["total_area"]) == ("400", "600")
    assert (c["participating_owners"], c["total_owners"]) == (4, 6)
    assert (c["agreeing_area"], c["agreeing_owners"]) == ("350", 3)
    assert r.passed is True and c["failures"] == []
    assert r.rule["agree_area"]["text"] == "四分之三以上"


def test_special_matter_exact_three_quarters_area_but_half_of_owners_fails(estate, owners_vote):
    # agree AB C: 300/400 m² (exactly 3/4, passes) but 2/4 owners -> fails on headcount only
    vote = owners_vote("278-7")
    r = _scenario(
        estate,
        vote,
        {"F1": "agree", "F2": "agree", "F3": "agree", "F5": "disagree", "F6": "abstain"},
    )
    assert r.passed is False
    assert [f["code"] for f in r.counts["failures"]] == ["agree_owners"]
    assert r.counts["failures"][0]["message"] == "同意的业主人数占参与表决人数不足四分之三"


def test_owner_of_two_flats_voting_differently_does_not_agree_by_headcount(estate, owners_vote):
    # C: F2 agree, F3 disagree. Area follows each flat: agree AB 150 + F2 100 + E 50 = 300
    # (3/4); headcount: C is split -> not agreeing: AB, E = 2/4 -> fails
    vote = owners_vote("278-8")
    r = _scenario(
        estate,
        vote,
        {"F1": "agree", "F2": "agree", "F3": "disagree", "F5": "agree", "F6": "disagree"},
    )
    assert (r.counts["agreeing_area"], r.counts["agreeing_owners"]) == ("300", 2)
    assert [f["code"] for f in r.counts["failures"]] == ["agree_owners"]
    assert len(r.counts["split_owners"]) == 1


def test_one_flat_short_of_two_thirds_area(estate, owners_vote):
    # AB E G H: 4 owners (2/3) but 300 m² < 400 -> participation by area fails
    vote = owners_vote("278-9")
    r = _scenario(estate, vote, {"F1": "agree", "F5": "agree", "F6": "agree", "F7": "agree"})
    assert [f["code"] for f in r.counts["failures"]] == ["participation_area"]
    assert r.counts["failures"][0]["message"] == "参与表决的专有部分面积不足三分之二"


def test_enough_area_but_three_owners_fails_headcount(estate, owners_vote):
    # AB(150) C(150) D(150): 450 m² but 3 owners < 4
    vote = owners_vote("278-9")
    r = _scenario(estate, vote, {"F1": "agree", "F2": "agree", "F3": "agree", "F4": "agree"})
    assert [f["code"] for f in r.counts["failures"]] == ["participation_owners"]


def test_ordinary_matter_exactly_half_is_not_more_than_half(estate, owners_vote):
    # participants AB D E G (400 m², 4): agree AB E = 200 m², 2 owners: exactly half fails both
    vote = owners_vote("278-5")  # using the maintenance fund: double majority (statute)
    r = _scenario(estate, vote, {"F1": "agree", "F4": "disagree", "F5": "agree", "F6": "abstain"})
    assert r.counts["participation_met"] is True
    assert [f["code"] for f in r.counts["failures"]] == ["agree_area", "agree_owners"]
    assert r.rule["agree_area"]["text"] == "过半数"


def test_ordinary_matter_one_more_owner_passes(estate, owners_vote):
    # agree AB E G = 250/400 m², 3/4 owners -> passes the double majority
    vote = owners_vote("278-9")
    r = _scenario(estate, vote, {"F1": "agree", "F4": "disagree", "F5": "agree", "F6": "agree"})
    assert r.passed is True


def test_closed_result_is_immutable_and_recount_agrees(estate, owners_vote):
    vote = owners_vote("278-9")
    r = _scenario(estate, vote, {"F1": "agree", "F4": "agree", "F5": "agree", "F6": "agree"})
    assert services.result_verify(r)
    with pytest.raises(RuntimeError):
        r.save()
    with pytest.raises(RuntimeError):
        r.delete()
    with pytest.raises(ServiceError, match="未在进行中"):
        cast(estate, vote, "H", "F7")
    with pytest.raises(ServiceError, match="只有进行中的表决可以结束"):
        services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="x")
    out = services.vote_recount(actor=estate.world.users.staff_a, vote=vote)
    assert out["agrees"] is True and all(out["checks"].values())
    # tampering with a ballot behind the services' back is caught by the recount
    Ballot.objects.filter(vote=vote, elector__flat=estate.flats["F4"]).update(choice="disagree")
    out = services.vote_recount(actor=estate.world.users.staff_a, vote=vote)
    assert out["agrees"] is False and out["checks"]["counts"] is False
    # and a forged stored result fails its signature
    VoteResult.objects.filter(pk=r.pk).update(passed=False)
    assert not services.result_verify(VoteResult.objects.get(pk=r.pk))


def test_close_before_deadline_needs_a_reason(estate, owners_vote):
    vote = owners_vote()
    with pytest.raises(ServiceError, match="说明原因"):
        services.vote_close(actor=estate.world.users.staff_a, vote=vote)
    assert Vote.objects.get(pk=vote.pk).status == "open"


def test_meeting_vote_quorum_and_majority(estate):
    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff,
        committee=estate.world.committee_a,
        title="楼组公约",
        kind="meeting",
        meeting_rule="residents",
        secret=True,
        buildings=[estate.building],
        opens_at=opens,
        closes_at=closes,
    )
    vote = services.vote_open(actor=staff, vote=vote)
    # 7 flats: 4 take part (> half), 2 agree (not more than half of 4) -> fails majority
    for who, flat, choice in [
        ("A", "F1", "agree"),
        ("C", "F2", "agree"),
        ("D", "F4", "disagree"),
        ("E", "F5", "abstain"),
    ]:
        cast(estate, vote, who, flat, choice)
    r = services.vote_close(actor=staff, vote=vote, reason="会议结束")
    assert (r.counts["members"], r.counts["present"], r.counts["agree"]) == (7, 4, 2)
    assert r.counts["quorum_met"] is True and r.passed is False
    assert [f["code"] for f in r.counts["failures"]] == ["majority"]


def test_naming_campaign_proposals_then_single_choice(estate):
    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff,
        committee=estate.world.committee_a,
        title="花园征名",
        kind="options",
        method="single",
        buildings=[estate.building],
        opens_at=opens,
        closes_at=closes,
    )
    with pytest.raises(ScopeError):
        services.option_propose(actor=estate.world.users.resident_a, vote=vote, label="百草园")
    services.vote_start_proposals(actor=staff, vote=vote)
    services.option_propose(actor=estate.world.users.resident_a, vote=vote, label="百草园")
    with pytest.raises(ServiceError, match="已经有人提出"):
        services.option_propose(actor=estate.world.users.resident_a, vote=vote, label="百草园")
    with pytest.raises(ServiceError, match="至少需要两个选项"):
        services.vote_open(actor=staff, vote=vote)
    services.option_propose(actor=estate.world.users.leader_a, vote=vote, label="邻里园")
    vote = services.vote_open(actor=staff, vote=vote)
    a, b = vote.options.all()
    with pytest.raises(ServiceError, match="只能选择一项"):
        services.ballot_cast(
            actor=estate.users["A"],
            vote=vote,
            flat=estate.flats["F1"],
            option_ids=[a.pk, b.pk],
            idempotency_key="n0",
        )
    services.ballot_cast(
        actor=estate.users["A"],
        vote=vote,
        flat=estate.flats["F1"],
        option_ids=[a.pk],
        idempotency_key="n1",
    )
    services.ballot_cast(
        actor=estate.users["C"],
        vote=vote,
        flat=estate.flats["F2"],
        option_ids=[b.pk],
        idempotency_key="n2",
    )
    services.ballot_cast(
        actor=estate.users["D"],
        vote=vote,
        flat=estate.flats["F4"],
        option_ids=[b.pk],
        idempotency_key="n3",
    )
    r = services.vote_close(actor=staff, vote=vote, reason="征名结束")
    assert r.counts["winners"] == [b.pk] and r.passed is None
    assert [o["votes"] for o in r.counts["options"]] == [1, 2]


def test_approval_vote_counts_every_approved_option(estate):
    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff,
        committee=estate.world.committee_a,
        title="架空层方案",
        kind="options",
        method="approval",
        options=["方案一", "方案二", "方案三"],
        buildings=[estate.building],
        opens_at=opens,
        closes_at=closes,
    )
    vote = services.vote_open(actor=staff, vote=vote)
    o1, o2, o3 = vote.options.all()
    services.ballot_cast(
        actor=estate.users["A"],
        vote=vote,
        flat=estate.flats["F1"],
        option_ids=[o1.pk, o3.pk],
        idempotency_key="a1",
    )
    services.ballot_cast(
        actor=estate.users["D"],
        vote=vote,
        flat=estate.flats["F4"],
        option_ids=[o3.pk],
        idempotency_key="a2",
    )
    with pytest.raises(ServiceError, match="不属于本次投票"):
        services.ballot_cast(
            actor=estate.users["E"],
            vote=vote,
            flat=estate.flats["F5"],
            option_ids=[999999],
            idempotency_key="a3",
        )
    r = services.vote_close(actor=staff, vote=vote, reason="x")
    assert [o["votes"] for o in r.counts["options"]] == [1, 0, 2] and r.counts["winners"] == [o3.pk]
