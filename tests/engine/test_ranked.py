"""Instant-runoff counting, hand-computed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.engine.ranked import RankedError, instant_runoff

OPTIONS = ["方案一", "方案二", "方案三"]


def test_majority_in_the_first_round_wins_at_once():
    result = instant_runoff(OPTIONS, [["方案一"], ["方案一", "方案二"], ["方案二"]])
    assert result.winner == "方案一"
    assert len(result.rounds) == 1


def test_transfers_decide_the_winner():
    # 方案一 4, 方案二 3, 方案三 2 → 方案三 out, its ballots go to 方案二 → 方案二 5 of 9 wins.
    ballots = [["方案一"]] * 4 + [["方案二"]] * 3 + [["方案三", "方案二"]] * 2
    result = instant_runoff(OPTIONS, ballots)
    assert result.winner == "方案二"
    assert result.rounds[0].eliminated == "方案三"
    assert result.rounds[1].counts == {"方案一": 4, "方案二": 5}
    assert "淘汰“方案三”" in result.explain()


def test_exhausted_ballots_leave_the_majority_base():
    # 方案三 out; its ballot ranks nothing else → 方案一 2 of 3 active... exhausted counted.
    ballots = [["方案一"]] * 2 + [["方案二"]] * 2 + [["方案三"]]
    result = instant_runoff(OPTIONS, ballots, tie_break=["方案二", "方案一", "方案三"])
    assert result.rounds[0].eliminated == "方案三"
    assert result.rounds[1].exhausted == 1
    # 2:2 tie in round 2: tie_break favours 方案二, so 方案一 is eliminated, 方案二 wins.
    assert result.winner == "方案二"


def test_bad_ballots_are_refused_whole():
    with pytest.raises(RankedError, match="未知选项"):
        instant_runoff(OPTIONS, [["方案四"]])
    with pytest.raises(RankedError, match="重复"):
        instant_runoff(OPTIONS, [["方案一", "方案一"]])


def test_no_ballots_no_winner():
    assert instant_runoff(OPTIONS, []).winner is None


@given(st.lists(st.permutations(OPTIONS).map(lambda p: list(p)[:2]), max_size=40))
def test_deterministic_and_winner_is_an_option(ballots):
    a = instant_runoff(OPTIONS, ballots)
    b = instant_runoff(OPTIONS, list(ballots))
    assert a == b
    assert a.winner is None or a.winner in OPTIONS
    if ballots:
        assert a.winner is not None
