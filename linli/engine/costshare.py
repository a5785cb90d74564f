"""Cost sharing (费用分摊) and matching funds (配套资金), in integer fen.

Why: a bill posted to a stairwell must add up to the contract price to the fen, nobody may
pay more than agreed, and the same inputs must always give the same bill. So the ideal shares
are exact fractions, capped shares are fixed by exact water-filling, and the leftover fen are
handed out by largest remainder with an explicit, documented tie-break (household id
ascending unless the caller passes an order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "CostShareError",
    "CostSplit",
    "FloorCoefficients",
    "Household",
    "Matching",
    "guidance_fund",
    "match_contributions",
    "plan_matched_funding",
    "split_by_area",
    "split_by_floor",
    "split_by_weights",
    "split_equal",
]

Number = int | Fraction | Decimal


class CostShareError(ValueError):
    """Input that cannot be shared; the message is Chinese and meant for organisers."""


@dataclass(frozen=True)
class Household:
    """A paying unit: id, exclusive area in m² (for area splits), floor (for lifts)."""

    id: str
    area: Decimal = Decimal(0)
    floor: int | None = None


@dataclass(frozen=True)
class CostSplit:
    """Amounts in fen per household (ordered by id), summing exactly to ``total_fen``."""

    total_fen: int
    amounts: dict[str, int]
    exempt: tuple[str, ...] = ()
    capped: tuple[str, ...] = ()
    exact: dict[str, Fraction] = field(default_factory=dict)  # before rounding


def _frac(x: Number, what: str) -> Fraction:
    if isinstance(x, bool):
        raise CostShareError(f"{what}必须是数值")
    if isinstance(x, Decimal) and not x.is_finite():
        raise CostShareError(f"{what}必须是有限数值")
    if isinstance(x, float):  # floats are not exact enough for money
        raise CostShareError(f"{what}不能使用浮点数，请用整数、Decimal 或 Fraction")
    return Fraction(x)


def split_by_weights(
    total_fen: int,
    weights: Mapping[str, Number],
    *,
    exempt: Iterable[str] = (),
    caps: Mapping[str, int] | None = None,
    tie_break: Sequence[str] | None = None,
) -> CostSplit:
    """Split ``total_fen`` in proportion to ``weights``; the core of every split here.

    Exempt households pay 0. A household with a cap pays at most its cap; what it would have
    paid above the cap is spread over the uncapped payers in proportion to their weights
    (repeated until nobody exceeds a cap). Leftover fen after flooring go to the largest
    fractional parts; ties go to the earlier household in ``tie_break`` (default: ids
    ascending).
    """
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise CostShareError("总额必须是以分为单位的整数")
    if total_fen < 0:
        raise CostShareError("分摊总额不能为负数")
    ws: dict[str, Fraction] = {}
    for hid in sorted(weights):
        w = _frac(weights[hid], f"户 {hid} 的分摊系数")
        if w < 0:
            raise CostShareError(f"户 {hid} 的分摊系数不能为负数")
        ws[hid] = w
    exempt_set = set(exempt)
    unknown = sorted(exempt_set - ws.keys())
    if unknown:
        raise CostShareError(f"免缴户不在分摊名单中：{'、'.join(unknown)}")
    caps = dict(caps or {})
    unknown = sorted(set(caps) - ws.keys())
    if unknown:
        raise CostShareError(f"设定上限的户不在分摊名单中：{'、'.join(unknown)}")
    for hid, cap in caps.items():
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            raise CostShareError(f"户 {hid} 的缴费上限必须是非负整数（分）")
    order = _tie_order(ws, tie_break)

    payers = {h: w for h, w in ws.items() if h not in exempt_set and w > 0}
    if total_fen > 0 and not payers:
        raise CostShareError("没有需要缴费的户，无法分摊")

    # Water-filling: fix capped households at their cap until every ideal share fits.
    fixed: dict[str, int] = {}
    free = dict(payers)
    rest = total_fen
    while True:
        weight = sum(free.values(), Fraction(0))
        if rest > 0 and weight == 0:
            raise CostShareError("各户缴费上限之和小于分摊总额，无法分摊")
        over = (
            [h for h, w in free.items() if h in caps and rest * w / weight > caps[h]]
            if weight
            else []
        )
        if not over:
            break
        for h in over:
            fixed[h] = caps[h]
            rest -= caps[h]
            del free[h]
        if rest < 0:  # cannot happen: each fixed cap is below its ideal share
            raise AssertionError("water-filling overshoot")
    weight = sum(free.values(), Fraction(0))
    exact: dict[str, Fraction] = {h: Fraction(0) for h in ws}
    for h, cap in fixed.items():
        exact[h] = Fraction(cap)
    for h, w in free.items():
        exact[h] = rest * w / weight
    amounts = _largest_remainder(exact, total_fen, order)
    return CostSplit(
        total_fen=total_fen,
        amounts=amounts,
        exempt=tuple(sorted(exempt_set)),
        capped=tuple(sorted(fixed)),
        exact=exact,
    )


def _tie_order(ws: Mapping[str, Fraction], tie_break: Sequence[str] | None) -> dict[str, int]:
    if tie_break is None:
        return {h: i for i, h in enumerate(sorted(ws))}
    if len(set(tie_break)) != len(tie_break) or set(tie_break) != set(ws):
        raise CostShareError("尾差分配顺序必须恰好列出每一户一次")
    return {h: i for i, h in enumerate(tie_break)}


def _largest_remainder(
    exact: Mapping[str, Fraction], total: int, order: Mapping[str, int]
) -> dict[str, int]:
    """Floor every share, then give one fen each to the largest remainders (ties by order)."""
    floors = {h: x.numerator // x.denominator for h, x in exact.items()}
    left = total - sum(floors.values())
    ranked = sorted(exact, key=lambda h: (-(exact[h] - floors[h]), order[h]))
    for h in ranked[:left]:
        floors[h] += 1
    return {h: floors[h] for h in sorted(floors)}


def split_equal(
    total_fen: int,
    household_ids: Iterable[str],
    *,
    exempt: Iterable[str] = (),
    caps: Mapping[str, int] | None = None,
    tie_break: Sequence[str] | None = None,
) -> CostSplit:
    """Equal shares per household (每户均摊)."""
    ids = list(household_ids)
    if len(set(ids)) != len(ids):
        raise CostShareError("分摊名单中有重复的户")
    return split_by_weights(
        total_fen, {h: 1 for h in ids}, exempt=exempt, caps=caps, tie_break=tie_break
    )


def split_by_area(
    total_fen: int,
    households: Iterable[Household],
    *,
    exempt: Iterable[str] = (),
    caps: Mapping[str, int] | None = None,
    tie_break: Sequence[str] | None = None,
) -> CostSplit:
    """Shares in proportion to exclusive area (按专有部分面积分摊)."""
    weights: dict[str, Number] = {}
    for h in households:
        if h.id in weights:
            raise CostShareError(f"分摊名单中有重复的户：{h.id}")
        if h.area < 0:
            raise CostShareError(f"户 {h.id} 的面积不能为负数")
        weights[h.id] = h.area
    return split_by_weights(total_fen, weights, exempt=exempt, caps=caps, tie_break=tie_break)


@dataclass(frozen=True)
class FloorCoefficients:
    """Per-floor coefficients for a lift retrofit (加装电梯楼层系数), set by each project.

    ``exempt_floors`` pay nothing (typically the ground floor, which gains nothing from a
    lift); a coefficient of 0 has the same effect. ``times_area`` multiplies the
    coefficient by the household's area, as some projects agree.
    """

    by_floor: Mapping[int, Number]
    exempt_floors: frozenset[int] = frozenset()
    times_area: bool = False

    def weight(self, household: Household) -> Fraction:
        if household.floor is None:
            raise CostShareError(f"户 {household.id} 没有登记楼层")
        if household.floor in self.exempt_floors:
            return Fraction(0)
        if household.floor not in self.by_floor:
            raise CostShareError(f"第 {household.floor} 层没有设定分摊系数（户 {household.id}）")
        c = _frac(self.by_floor[household.floor], f"第 {household.floor} 层的分摊系数")
        if c < 0:
            raise CostShareError(f"第 {household.floor} 层的分摊系数不能为负数")
        return c * Fraction(household.area) if self.times_area else c


def split_by_floor(
    total_fen: int,
    households: Iterable[Household],
    coefficients: FloorCoefficients,
    *,
    exempt: Iterable[str] = (),
    caps: Mapping[str, int] | None = None,
    tie_break: Sequence[str] | None = None,
) -> CostSplit:
    """Shares by floor coefficient, e.g. for lift retrofit; exempt floors pay nothing."""
    for f, c in coefficients.by_floor.items():
        if _frac(c, f"第 {f} 层的分摊系数") < 0:
            raise CostShareError(f"第 {f} 层的分摊系数不能为负数")
    weights: dict[str, Number] = {}
    for h in households:
        if h.id in weights:
            raise CostShareError(f"分摊名单中有重复的户：{h.id}")
        weights[h.id] = coefficients.weight(h)
    return split_by_weights(total_fen, weights, exempt=exempt, caps=caps, tie_break=tie_break)


# ---------------------------------------------------------------------------------------
# Matching funds


@dataclass(frozen=True)
class Matching:
    """Residents' money, the matching funder's money, and their sum, in fen."""

    residents_fen: int
    match_fen: int

    @property
    def total_fen(self) -> int:
        return self.residents_fen + self.match_fen


def _match_amount(residents: int, ratio: Fraction, cap_fen: int | None) -> int:
    # Rounded down: the funder never pays more than the rule says.
    m = (residents * ratio.numerator) // ratio.denominator
    return m if cap_fen is None else min(m, cap_fen)


def _check_ratio(ratio: Number, cap_fen: int | None) -> Fraction:
    r = _frac(ratio, "配套比例")
    if r < 0:
        raise CostShareError("配套比例不能为负数")
    if cap_fen is not None and (
        isinstance(cap_fen, bool) or not isinstance(cap_fen, int) or cap_fen < 0
    ):
        raise CostShareError("配套上限必须是非负整数（分）")
    return r


def match_contributions(
    contributions: Mapping[str, int] | Iterable[int],
    *,
    ratio: Number = 1,
    cap_fen: int | None = None,
) -> Matching:
    """Street (or other funder) matches residents' *actual* contributions k:1, optionally capped.

    ``ratio`` is funder fen per resident fen (1 for 1:1). The match is rounded down to the fen.
    """
    r = _check_ratio(ratio, cap_fen)
    values = (
        list(contributions.values()) if isinstance(contributions, Mapping) else list(contributions)
    )
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise CostShareError("居民出资必须是非负整数（分）")
    residents = sum(values)
    return Matching(residents_fen=residents, match_fen=_match_amount(residents, r, cap_fen))


def plan_matched_funding(
    cost_fen: int, *, ratio: Number = 1, cap_fen: int | None = None
) -> Matching:
    """The least the residents must raise so that their money plus the match covers the cost.

    The match is computed exactly as in :func:`match_contributions` (the funder matches what
    residents actually give), so the total never falls short and exceeds the cost by at most
    ⌈ratio⌉ fen, because contributions come in whole fen.
    """
    if isinstance(cost_fen, bool) or not isinstance(cost_fen, int) or cost_fen < 0:
        raise CostShareError("项目费用必须是非负整数（分）")
    r = _check_ratio(ratio, cap_fen)
    lo, hi = 0, cost_fen  # residents raising the whole cost always suffices
    while lo < hi:
        mid = (lo + hi) // 2
        if mid + _match_amount(mid, r, cap_fen) >= cost_fen:
            hi = mid
        else:
            lo = mid + 1
    return Matching(residents_fen=lo, match_fen=_match_amount(lo, r, cap_fen))


def guidance_fund(cost_fen: int, percent: Number) -> int:
    """A guidance fund (引导资金) of ``percent`` % of the cost, rounded down to the fen."""
    if isinstance(cost_fen, bool) or not isinstance(cost_fen, int) or cost_fen < 0:
        raise CostShareError("项目费用必须是非负整数（分）")
    p = _frac(percent, "引导资金比例")
    if not (0 <= p <= 100):
        raise CostShareError("引导资金比例必须在0%到100%之间")
    amount = cost_fen * p / 100
    return amount.numerator // amount.denominator
