"""Transparent priority score for the needs list (需求清单).

Staff rank needs in public, so the score must be explainable line by line: every factor is
normalised to [0, 1], multiplied by a published weight, and returned as its own
``Contribution`` with a Chinese reason. The total is simply their sum (0–100 with the
default weights). Weights are a plain dataclass so a neighbourhood committee can adopt its
own, recorded with the ranking (see docs/engine-textcluster.md, "Priority score").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from linli.engine.textcluster import normalise

__all__ = [
    "Contribution",
    "CostBand",
    "Hazard",
    "NeedFacts",
    "NeedHints",
    "PriorityScore",
    "PriorityWeights",
    "RankedNeed",
    "hints_from_text",
    "rank_needs",
    "score_need",
]


class Hazard(IntEnum):
    """Safety hazard as judged by staff or the planner (not by the reporter alone)."""

    NONE = 0  # 无安全隐患
    MINOR = 1  # 轻微：不便，可能磕碰
    SERIOUS = 2  # 较重：可能致伤、消防隐患
    IMMEDIATE = 3  # 紧急：随时可能伤人/起火


class CostBand(StrEnum):
    """Rough cost estimate; bands rather than yuan because early needs have no quote yet."""

    LOW = "low"  # < 1 万元, e.g. 换灯泡、装扶手
    MEDIUM = "medium"  # 1–10 万元, e.g. 座椅、充电桩
    HIGH = "high"  # 10–50 万元, e.g. 车棚改造
    VERY_HIGH = "very_high"  # > 50 万元, e.g. 加装电梯
    UNKNOWN = "unknown"


def _default_cost_scale() -> dict[CostBand, float]:
    return {
        CostBand.LOW: 1.0,
        CostBand.MEDIUM: 0.6,
        CostBand.HIGH: 0.3,
        CostBand.VERY_HIGH: 0.0,
        CostBand.UNKNOWN: 0.5,
    }


@dataclass(frozen=True)
class PriorityWeights:
    """Points each factor can add at most; defaults sum to 100.

    - ``supporters`` 25: residents who reported or seconded the need (附议). Log-scaled up to
      ``supporters_saturation`` so one well-organised building cannot drown a quiet hazard.
    - ``households`` 20: households affected, log-scaled up to ``households_saturation``.
    - ``safety`` 30: the largest single weight, because 004 puts safety first; linear in
      ``Hazard`` (0–3).
    - ``vulnerable`` 15: half for elderly, half for children affected.
    - ``cost`` 10: cheaper needs score higher (quick wins build trust); see ``cost_scale``.
    """

    supporters: float = 25.0
    households: float = 20.0
    safety: float = 30.0
    vulnerable: float = 15.0
    cost: float = 10.0
    supporters_saturation: int = 50
    households_saturation: int = 200
    cost_scale: Mapping[CostBand, float] = field(default_factory=_default_cost_scale)

    def __post_init__(self) -> None:
        for name in ("supporters", "households", "safety", "vulnerable", "cost"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number ≥ 0")
        if self.supporters_saturation < 1 or self.households_saturation < 1:
            raise ValueError("saturation points must be ≥ 1")
        missing = set(CostBand) - set(self.cost_scale)
        if missing:
            raise ValueError(f"cost_scale lacks {sorted(missing)}")
        if any(not 0.0 <= v <= 1.0 for v in self.cost_scale.values()):
            raise ValueError("cost_scale values must be within [0, 1]")

    @property
    def maximum(self) -> float:
        """Highest possible total, for showing a score as "x / max"."""
        return self.supporters + self.households + self.safety + self.vulnerable + self.cost


@dataclass(frozen=True)
class NeedFacts:
    """What staff know about one need (or one cluster of duplicate needs)."""

    supporters: int = 0
    households_affected: int = 0
    safety_hazard: Hazard = Hazard.NONE
    affects_elderly: bool = False
    affects_children: bool = False
    cost_band: CostBand = CostBand.UNKNOWN

    def __post_init__(self) -> None:
        if self.supporters < 0 or self.households_affected < 0:
            raise ValueError("counts must be ≥ 0")


@dataclass(frozen=True)
class Contribution:
    """One line of the explanation: ``points = weight × normalised``."""

    factor: str  # supporters | households | safety | vulnerable | cost
    value: str  # the raw fact, as shown to staff
    normalised: float  # 0–1
    weight: float
    points: float
    reason: str  # one sentence in Chinese


@dataclass(frozen=True)
class PriorityScore:
    total: float
    maximum: float
    contributions: tuple[Contribution, ...]

    def explain(self) -> str:
        """Multi-line Chinese explanation, e.g. for a tooltip or a printed needs list."""
        lines = [f"优先级得分 {self.total:.1f} / {self.maximum:.0f}"]
        lines += [f"  {c.reason}：+{c.points:.1f}" for c in self.contributions]
        return "\n".join(lines)


def _log_share(n: int, saturation: int) -> float:
    return min(1.0, math.log1p(n) / math.log1p(saturation))


_HAZARD_TEXT = {
    Hazard.NONE: "无安全隐患",
    Hazard.MINOR: "轻微安全隐患",
    Hazard.SERIOUS: "较重安全隐患",
    Hazard.IMMEDIATE: "紧急安全隐患",
}
_COST_TEXT = {
    CostBand.LOW: "低于1万元",
    CostBand.MEDIUM: "1万–10万元",
    CostBand.HIGH: "10万–50万元",
    CostBand.VERY_HIGH: "50万元以上",
    CostBand.UNKNOWN: "费用未估算",
}


def score_need(facts: NeedFacts, weights: PriorityWeights | None = None) -> PriorityScore:
    """Score one need and say how much each factor added."""
    w = weights or PriorityWeights()
    hazard = Hazard(facts.safety_hazard)
    groups = [
        g for g, on in (("老人", facts.affects_elderly), ("儿童", facts.affects_children)) if on
    ]
    shares = {
        "supporters": _log_share(facts.supporters, w.supporters_saturation),
        "households": _log_share(facts.households_affected, w.households_saturation),
        "safety": hazard / 3,
        "vulnerable": 0.5 * len(groups),
        "cost": float(w.cost_scale[CostBand(facts.cost_band)]),
    }
    parts = (
        ("supporters", f"{facts.supporters} 人", f"{facts.supporters} 位居民提出或附议"),
        (
            "households",
            f"{facts.households_affected} 户",
            f"影响 {facts.households_affected} 户",
        ),
        ("safety", _HAZARD_TEXT[hazard], _HAZARD_TEXT[hazard]),
        (
            "vulnerable",
            "、".join(groups) or "无",
            f"涉及{'、'.join(groups)}" if groups else "不特别涉及老人或儿童",
        ),
        (
            "cost",
            _COST_TEXT[CostBand(facts.cost_band)],
            f"费用档次：{_COST_TEXT[CostBand(facts.cost_band)]}",
        ),
    )
    contributions = tuple(
        Contribution(
            factor=name,
            value=value,
            normalised=round(shares[name], 6),
            weight=getattr(w, name),
            points=round(getattr(w, name) * shares[name], 6),
            reason=reason,
        )
        for name, value, reason in parts
    )
    total = round(sum(c.points for c in contributions), 6)
    return PriorityScore(total=total, maximum=w.maximum, contributions=contributions)


@dataclass(frozen=True)
class RankedNeed:
    rank: int  # 1-based; equal totals share a rank
    id: str
    score: PriorityScore


def rank_needs(
    needs: Sequence[tuple[str, NeedFacts]], weights: PriorityWeights | None = None
) -> list[RankedNeed]:
    """Rank needs by total score, highest first; ties keep id order and share a rank."""
    scored = sorted(
        ((need_id, score_need(f, weights)) for need_id, f in needs),
        key=lambda p: (-p[1].total, p[0]),
    )
    out: list[RankedNeed] = []
    for i, (need_id, s) in enumerate(scored):
        rank = out[-1].rank if out and out[-1].score.total == s.total else i + 1
        out.append(RankedNeed(rank, need_id, s))
    return out


# --------------------------------------------------------------------------- text hints

_HAZARD_WORDS = {
    Hazard.IMMEDIATE: ("飞线充电", "起火", "着火", "爆炸", "触电", "漏电", "煤气", "燃气", "坍塌"),
    Hazard.SERIOUS: (
        "消防通道",
        "高空抛物",
        "窨井盖",
        "井盖",
        "摔",
        "跌跤",
        "砸",
        "危险",
        "隐患",
        "灭火器",
        "电动车进电梯",
        "松动",
    ),
    Hazard.MINOR: ("滑", "黑", "看不见", "绊", "坑", "积水", "不安全"),
}
_ELDERLY_WORDS = ("老人", "独居", "轮椅", "助餐", "适老", "腿脚")
_CHILD_WORDS = ("小孩", "学生", "放学", "婴儿", "托管", "游乐")


@dataclass(frozen=True)
class NeedHints:
    """Suggested facts found in a need's text, with the words that triggered them.

    Only a prefill for staff: a keyword is evidence to check, not a judgement.
    """

    safety_hazard: Hazard
    affects_elderly: bool
    affects_children: bool
    matched: tuple[str, ...]


def hints_from_text(text: str) -> NeedHints:
    """Keyword hints for hazard and vulnerable groups (simplified/traditional/dialect alike)."""
    norm = normalise(text).replace(" ", "")
    matched: list[str] = []
    hazard = Hazard.NONE
    for level in (Hazard.IMMEDIATE, Hazard.SERIOUS, Hazard.MINOR):
        hits = [w for w in _HAZARD_WORDS[level] if w in norm]
        matched += hits
        if hits and hazard == Hazard.NONE:
            hazard = level
    elderly = [w for w in _ELDERLY_WORDS if w in norm]
    children = [w for w in _CHILD_WORDS if w in norm]
    return NeedHints(hazard, bool(elderly), bool(children), tuple(matched + elderly + children))
