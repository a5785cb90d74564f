"""Ranked-choice votes among design options: instant runoff from the engine, through the pages."""

import pytest

from linli.core.errors import ServiceError
from linli.voting import services
from tests.voting.conftest import window


@pytest.fixture
def ranked_vote(estate):
    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff,
        committee=estate.world.committee_a,
        title="中心花园改造方案（排序投票）",
        kind="options",
        method="ranked",
        options=["方案一", "方案二", "方案三"],
        buildings=[estate.building],
        opens_at=opens,
        closes_at=closes,
    )
    return services.vote_open(actor=staff, vote=vote)


def test_transfers_decide_a_ranked_vote_through_the_pages(estate, ranked_vote, client):
    o1, o2, o3 = ranked_vote.options.order_by("position", "id")
    # First preferences: 方案一 ×3 (F1 F2 F4), 方案二 ×2 (F5 F6), 方案三 ×1 (F7).
    ranks = {
        ("A", "F1"): {o1: 1, o2: 2},
        ("C", "F2"): {o1: 1},
        ("D", "F4"): {o1: 1, o3: 2},
        ("E", "F5"): {o2: 1, o1: 2},
        ("G", "F6"): {o2: 1},
        ("H", "F7"): {o3: 1, o2: 2},
    }
    for (owner, flat), prefs in ranks.items():
        client.force_login(estate.users[owner])
        data = {"elector": ranked_vote.electors.get(flat=estate.flats[flat]).pk, "key": f"r-{flat}"}
        data |= {f"rank_{o.pk}": str(r) for o, r in prefs.items()}
        response = client.post(f"/votes/{ranked_vote.pk}/cast/", data)
        assert response.status_code in (200, 302), response.content.decode()[:500]
    result = services.vote_close(
        actor=estate.world.users.staff_a, vote=ranked_vote, reason="测试结束"
    )
    counts = result.counts
    assert [o["votes"] for o in counts["options"]] == [3, 2, 1]  # first preferences
    # Round 2 after 方案三 is eliminated: 方案一 3, 方案二 3 → tie, 方案二 eliminated by the
    # option order; round 3: 方案一 4 (F5 moves to it), F6 exhausted → 方案一 wins.
    assert counts["winners"] == [o1.pk]
    assert len(counts["rounds"]) == 3
    assert "淘汰“方案三”" in counts["explanation"]
    client.force_login(estate.world.users.staff_a)
    page = client.get(f"/votes/{ranked_vote.pk}/result/").content.decode()
    assert "第 1 轮" in page and "淘汰“方案三”" in page


def test_ranked_ballot_with_repeated_rank_is_refused_whole(estate, ranked_vote, client):
    o1, o2, _ = ranked_vote.options.order_by("position", "id")
    client.force_login(estate.users["A"])
    elector = ranked_vote.electors.get(flat=estate.flats["F1"])
    data = {"elector": elector.pk, "key": "dup", f"rank_{o1.pk}": "1", f"rank_{o2.pk}": "1"}
    response = client.post(f"/votes/{ranked_vote.pk}/cast/", data)
    assert response.status_code == 400
    assert "名次不能重复" in response.content.decode()
    assert ranked_vote.ballots.count() == 0


def test_ranked_order_is_kept_through_the_service(estate, ranked_vote):
    o1, o2, o3 = ranked_vote.options.order_by("position", "id")
    ballot = services.ballot_cast(
        actor=estate.users["A"],
        vote=ranked_vote,
        flat=estate.flats["F1"],
        option_ids=[o3.pk, o1.pk],
        idempotency_key="k",
    )
    assert ballot.option_ids == [o3.pk, o1.pk]
    with pytest.raises(ServiceError, match="重复"):
        services.ballot_cast(
            actor=estate.users["A"],
            vote=ranked_vote,
            flat=estate.flats["F1"],
            option_ids=[o1.pk, o1.pk],
            idempotency_key="k2",
        )
