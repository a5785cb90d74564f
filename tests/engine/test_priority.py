"""Priority score: contributions add up, weights are honoured, ranking is stable."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.engine.priority import (
    CostBand,
    Hazard,
    NeedFacts,
    PriorityWeights,
    hints_from_text,
    rank_needs,
    score_need,
)

facts_strategy = st.builds(
    NeedFacts,
    supporters=st.integers(0, 10_000),
    households_affected=st.integers(0, 10_000),
    safety_hazard=st.sampled_from(list(Hazard)),
    affects_elderly=st.booleans(),
    affects_children=st.booleans(),
    cost_band=st.sampled_from(list(CostBand)),
)


def test_default_weights_sum_to_100_and_extremes():
    w = PriorityWeights()
    assert w.maximum == 100
    best = NeedFacts(50, 200, Hazard.IMMEDIATE, True, True, CostBand.LOW)
    assert score_need(best).total == pytest.approx(100)
    worst = NeedFacts(0, 0, Hazard.NONE, False, False, CostBand.VERY_HIGH)
    assert score_need(worst).total == 0


def test_contributions_explain_the_total():
    s = score_need(NeedFacts(12, 36, Hazard.SERIOUS, True, False, CostBand.MEDIUM))
    by = {c.factor: c for c in s.contributions}
    assert list(by) == ["supporters", "households", "safety", "vulnerable", "cost"]
    assert by["safety"].points == pytest.approx(20.0)  # 30 × 2/3
    assert by["vulnerable"].points == pytest.approx(7.5)  # elderly only: half of 15
    assert by["cost"].points == pytest.approx(6.0)  # 10 × 0.6
    assert by["supporters"].points == pytest.approx(25 * math.log(13) / math.log(51), abs=1e-6)
    assert s.total == pytest.approx(sum(c.points for c in s.contributions))
    text = s.explain()
    assert "较重安全隐患" in text and "12 位居民" in text and "涉及老人" in text


def test_supporters_have_diminishing_returns_and_saturate():
    pts = [score_need(NeedFacts(supporters=n)).contributions[0].points for n in (1, 10, 50, 500)]
    assert pts[0] < pts[1] < pts[2] == pts[3] == 25
    assert (pts[1] - pts[0]) / 9 > (pts[2] - pts[1]) / 40  # early supporters count most per head


def test_custom_weights_change_the_order():
    hazard = (
        "hazard",
        NeedFacts(2, 6, Hazard.IMMEDIATE, affects_elderly=True),
    )  # 飞线充电 in a building of old people: 6.98 + 7.34 + 30 + 7.5 + 5 = 56.8
    popular = ("popular", NeedFacts(supporters=60, households_affected=120))  # 25 + 18.1 + 5
    assert [r.id for r in rank_needs([popular, hazard])] == ["hazard", "popular"]
    no_safety = PriorityWeights(safety=0)
    assert [r.id for r in rank_needs([hazard, popular], no_safety)] == ["popular", "hazard"]


def test_custom_cost_scale():
    scale = {b: 1.0 for b in CostBand}
    w = PriorityWeights(cost_scale=scale)
    assert score_need(NeedFacts(cost_band=CostBand.VERY_HIGH), w).total == pytest.approx(10)


def test_ties_share_rank_and_keep_id_order():
    same = NeedFacts(supporters=3)
    ranked = rank_needs([("b", same), ("a", same), ("c", NeedFacts(supporters=9))])
    assert [(r.rank, r.id) for r in ranked] == [(1, "c"), (2, "a"), (2, "b")]


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError):
        NeedFacts(supporters=-1)
    with pytest.raises(ValueError):
        PriorityWeights(safety=-5)
    with pytest.raises(ValueError):
        PriorityWeights(cost_scale={CostBand.LOW: 1.0})
    with pytest.raises(ValueError):
        PriorityWeights(supporters_saturation=0)


@given(facts_strategy)
def test_score_is_bounded_and_sums(facts):
    s = score_need(facts)
    assert 0 <= s.total <= s.maximum + 1e-9
    assert s.total == pytest.approx(sum(c.points for c in s.contributions), abs=1e-5)
    assert all(0 <= c.normalised <= 1 for c in s.contributions)


@given(facts_strategy, st.integers(1, 100))
def test_more_supporters_never_lower_the_score(facts, extra):
    more = NeedFacts(
        facts.supporters + extra,
        facts.households_affected,
        facts.safety_hazard,
        facts.affects_elderly,
        facts.affects_children,
        facts.cost_band,
    )
    assert score_need(more).total >= score_need(facts).total


def test_hints_from_text():
    h = hints_from_text("樓下電瓶車飛線充電，老人家很擔心")
    assert h.safety_hazard == Hazard.IMMEDIATE and h.affects_elderly and not h.affects_children
    assert "飞线充电" in h.matched and "老人" in h.matched
    h = hints_from_text("小朋友放学没地方玩")
    assert h.safety_hazard == Hazard.NONE and h.affects_children
    assert hints_from_text("楼梯台阶太滑").safety_hazard == Hazard.MINOR
