"""Cost sharing in integer fen and matching funds: hand cases, the 安顺苑 case, properties."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from linli.engine.costshare import (
    CostShareError,
    FloorCoefficients,
    Household,
    Matching,
    guidance_fund,
    match_contributions,
    plan_matched_funding,
    split_by_area,
    split_by_floor,
    split_by_weights,
    split_equal,
)

# --- 安顺苑 (seed 000): building 5, 12 households × 4,000 yuan, street 1:1, 96,000 yuan ---

BUILDING_5 = [f"5-{i:02d}" for i in range(1, 13)]


def test_anshunyuan_residents_and_street_one_to_one():
    residents = split_equal(4_800_000, BUILDING_5)
    assert set(residents.amounts.values()) == {400_000}  # 4,000 yuan each
    m = match_contributions(residents.amounts, ratio=1)
    assert m == Matching(residents_fen=4_800_000, match_fen=4_800_000)
    assert m.total_fen == 9_600_000  # 9.6万元


def test_anshunyuan_planned_from_the_cost():
    plan = plan_matched_funding(9_600_000, ratio=1)
    assert plan.residents_fen == 4_800_000 and plan.match_fen == 4_800_000
    assert split_equal(plan.residents_fen, BUILDING_5).amounts["5-07"] == 400_000


# --- equal, area, floor ------------------------------------------------------------------


def test_equal_leftover_fen_go_to_lowest_ids():
    s = split_equal(100, ["c", "a", "b"])
    assert s.amounts == {"a": 34, "b": 33, "c": 33}
    assert list(s.amounts) == ["a", "b", "c"]
    assert s.exact["a"] == Fraction(100, 3)


def test_explicit_tie_break_order():
    s = split_equal(101, ["a", "b", "c"], tie_break=["c", "b", "a"])
    assert s.amounts == {"a": 33, "b": 34, "c": 34}
    with pytest.raises(CostShareError, match="尾差分配顺序"):
        split_equal(101, ["a", "b", "c"], tie_break=["c", "b"])


def test_exempt_households_pay_nothing():
    s = split_equal(1000, ["a", "b", "c", "d"], exempt=["d"])
    assert s.amounts == {"a": 334, "b": 333, "c": 333, "d": 0}
    assert s.exempt == ("d",)


def test_by_area_largest_remainder():
    hs = [Household("101", Decimal("60")), Household("102", Decimal("90.5"))]
    s = split_by_area(10_000, hs)
    # exact 3986.71… and 6013.28…: the first has the larger remainder.
    assert s.amounts == {"101": 3987, "102": 6013}


def test_by_floor_ground_floor_pays_nothing():
    coeff = FloorCoefficients(
        {2: Fraction(6, 10), 3: 1, 4: Decimal("1.2"), 5: Decimal("1.4"), 6: Decimal("1.6")},
        exempt_floors=frozenset({1}),
    )
    hs = [Household(f"{f}0{u}", Decimal(70), floor=f) for f in range(1, 7) for u in (1, 2)]
    s = split_by_floor(58_000_000, hs, coeff)
    assert s.amounts["101"] == s.amounts["102"] == 0
    # Weights 0.6+1+1.2+1.4+1.6 = 5.8 per unit side, two sides: 11.6.
    assert s.amounts["201"] == 3_000_000 and s.amounts["601"] == 8_000_000
    assert sum(s.amounts.values()) == 58_000_000


def test_by_floor_times_area_and_zero_coefficient():
    coeff = FloorCoefficients({1: 0, 2: 1}, times_area=True)
    hs = [
        Household("a", Decimal("50"), floor=1),
        Household("b", Decimal("50"), floor=2),
        Household("c", Decimal("100"), floor=2),
    ]
    assert split_by_floor(300, hs, coeff).amounts == {"a": 0, "b": 100, "c": 200}


def test_floor_errors():
    with pytest.raises(CostShareError, match="不能为负数"):
        split_by_floor(100, [Household("a", floor=2)], FloorCoefficients({2: -1}))
    with pytest.raises(CostShareError, match="第 3 层没有设定分摊系数"):
        split_by_floor(100, [Household("a", floor=3)], FloorCoefficients({2: 1}))
    with pytest.raises(CostShareError, match="没有登记楼层"):
        split_by_floor(100, [Household("a")], FloorCoefficients({2: 1}))


# --- caps --------------------------------------------------------------------------------


def test_cap_excess_goes_to_the_others_in_proportion():
    s = split_by_weights(1000, {"a": 1, "b": 1, "c": 2}, caps={"a": 100})
    # a would pay 250; capped at 100, the other 900 split 1:2.
    assert s.amounts == {"a": 100, "b": 300, "c": 600}
    assert s.capped == ("a",)


def test_caps_cascade():
    # Equal 4 ways = 250; a capped at 100 → others 300 each; b capped at 200 → c, d 350.
    s = split_equal(1000, ["a", "b", "c", "d"], caps={"a": 100, "b": 200})
    assert s.amounts == {"a": 100, "b": 200, "c": 350, "d": 350}
    assert s.capped == ("a", "b")


def test_cap_not_binding_is_not_reported():
    s = split_equal(900, ["a", "b", "c"], caps={"a": 300})
    assert s.amounts == {"a": 300, "b": 300, "c": 300} and s.capped == ()


def test_caps_exactly_feasible_and_infeasible():
    assert split_equal(200, ["a", "b"], caps={"a": 100, "b": 100}).amounts == {"a": 100, "b": 100}
    with pytest.raises(CostShareError, match="上限之和小于分摊总额"):
        split_equal(201, ["a", "b"], caps={"a": 100, "b": 100})


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: split_equal(-1, ["a"]), "不能为负数"),
        (lambda: split_equal(100, []), "没有需要缴费的户"),
        (lambda: split_equal(100, ["a"], exempt=["a"]), "没有需要缴费的户"),
        (lambda: split_equal(100, ["a"], exempt=["b"]), "免缴户不在分摊名单中：b"),
        (lambda: split_equal(100, ["a"], caps={"b": 1}), "设定上限的户不在分摊名单中"),
        (lambda: split_equal(100, ["a"], caps={"a": -1}), "缴费上限必须是非负整数"),
        (lambda: split_equal(100, ["a", "a"]), "重复"),
        (lambda: split_equal(Decimal("1.5"), ["a"]), "整数"),  # type: ignore[arg-type]
        (lambda: split_by_weights(100, {"a": -1, "b": 2}), "不能为负数"),
        (lambda: split_by_weights(100, {"a": 0.5}), "浮点数"),  # type: ignore[dict-item]
        (lambda: split_by_area(100, [Household("a", Decimal(-1))]), "面积不能为负数"),
        (lambda: split_by_area(100, [Household("a", Decimal(0))]), "没有需要缴费的户"),
    ],
)
def test_errors_are_clear(call, message):
    with pytest.raises(CostShareError, match=message):
        call()


def test_zero_total_and_no_payer_is_fine():
    assert split_equal(0, ["a"], exempt=["a"]).amounts == {"a": 0}


# --- matching ----------------------------------------------------------------------------


def test_match_k_to_one_rounds_down_and_caps():
    assert match_contributions([101], ratio=Fraction(1, 2)) == Matching(101, 50)
    assert match_contributions({"a": 300, "b": 700}, ratio=2) == Matching(1000, 2000)
    assert match_contributions({"a": 300, "b": 700}, ratio=2, cap_fen=1500).match_fen == 1500
    with pytest.raises(CostShareError):
        match_contributions([-5])
    with pytest.raises(CostShareError):
        match_contributions([5], ratio=-1)
    with pytest.raises(CostShareError):
        match_contributions([5], cap_fen=-1)


def test_plan_with_cap():
    # Cost 10,000 yuan, street 1:1 but at most 3,000 yuan: residents 7,000 yuan.
    plan = plan_matched_funding(1_000_000, ratio=1, cap_fen=300_000)
    assert plan == Matching(700_000, 300_000)
    # Odd cost, 1:1: residents must give 51 fen; the street matches what they gave.
    assert plan_matched_funding(101, ratio=1) == Matching(51, 51)
    assert plan_matched_funding(101, ratio=Fraction(1, 2)) == Matching(68, 34)


def test_guidance_fund_percent_rounded_down():
    assert guidance_fund(1_000_000, 15) == 150_000
    assert guidance_fund(1_000_000, Decimal("17.5")) == 175_000
    assert guidance_fund(12_345, 20) == 2469
    assert guidance_fund(12_345, 15) == 1851  # 1851.75 → 1851
    with pytest.raises(CostShareError):
        guidance_fund(100, 101)
    with pytest.raises(CostShareError):
        guidance_fund(-1, 15)


# --- properties --------------------------------------------------------------------------

ids = st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=12, unique=True)


@st.composite
def problems(draw):
    hs = draw(ids)
    weights = {h: draw(st.integers(0, 50)) for h in hs}
    exempt = draw(st.sets(st.sampled_from(hs)))
    caps = {h: draw(st.integers(0, 5000)) for h in draw(st.sets(st.sampled_from(hs)))}
    total = draw(st.integers(0, 20_000))
    return total, weights, exempt, caps


def _solve(total, weights, exempt, caps):
    try:
        return split_by_weights(total, weights, exempt=exempt, caps=caps)
    except CostShareError:
        payers = [h for h, w in weights.items() if w > 0 and h not in exempt]
        cap_room = sum(caps.get(h, total) for h in payers)
        assert total > 0 and cap_room < total  # only refused when truly infeasible
        return None


@settings(max_examples=400, deadline=None)
@given(problems())
def test_split_properties(p):
    total, weights, exempt, caps = p
    s = _solve(total, weights, exempt, caps)
    assume(s is not None)
    assert s is not None
    assert sum(s.amounts.values()) == total
    assert all(v >= 0 for v in s.amounts.values())
    assert all(s.amounts[h] == 0 for h in exempt)
    assert all(s.amounts[h] <= c for h, c in caps.items())
    assert all(abs(s.amounts[h] - s.exact[h]) < 1 for h in weights)
    assert sum(s.exact.values()) == total
    # Uncapped payers are proportional to their weights (exactly before rounding).
    free = [h for h in weights if h not in exempt and h not in s.capped and weights[h] > 0]
    for h in free:
        for g in free:
            assert s.exact[h] * weights[g] == s.exact[g] * weights[h]
    # Deterministic: the same problem gives the same split.
    assert split_by_weights(total, weights, exempt=exempt, caps=caps) == s


@settings(max_examples=200, deadline=None)
@given(problems())
def test_split_does_not_depend_on_input_order(p):
    total, weights, exempt, caps = p
    s = _solve(total, weights, exempt, caps)
    assume(s is not None)
    reversed_weights = dict(reversed(list(weights.items())))
    s2 = split_by_weights(total, reversed_weights, exempt=list(exempt)[::-1], caps=caps)
    assert s2.amounts == s.amounts  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9), st.fractions(0, 5, max_denominator=20), st.integers(0, 10**9))
def test_plan_is_the_least_sufficient(cost, ratio, cap):
    plan = plan_matched_funding(cost, ratio=ratio, cap_fen=cap)
    assert cost <= plan.total_fen <= cost + math.ceil(ratio)
    assert plan == match_contributions([plan.residents_fen], ratio=ratio, cap_fen=cap)
    if plan.residents_fen > 0:
        less = match_contributions([plan.residents_fen - 1], ratio=ratio, cap_fen=cap)
        assert less.total_fen < cost
