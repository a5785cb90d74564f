"""An outcome that explains itself: who paid for each funded project, why the others were not.

Residents must be able to check a result by hand, so every number here is exact (int or
Fraction) and every unfunded project names what it lacked and, where there is one, the project
that took its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from linli.engine.budgeting.model import Number


@dataclass(slots=True)
class Payment:
    """``voters`` voters paid ``each`` apiece (``each`` None: unequal shares summing to ``total``)."""

    voters: int
    total: Number
    each: Number | None = None


@dataclass(slots=True)
class Funded:
    project_id: str
    cost: Number
    stage: str  # "greedy", "mes", "phragmen", "completion"
    round: int
    score: Number | None = None  # greedy: votes or points
    rho: Fraction | None = None  # MES: price per unit of utility; Phragmén: load time
    payments: list[Payment] = field(default_factory=list)
    remaining_after: Number | None = None  # budget left after funding it (greedy rules)


@dataclass(slots=True)
class Unfunded:
    project_id: str
    cost: Number
    # "over_budget", "below_threshold", "stopped", "excluded", "supporters_short",
    # "no_supporters", "zero_cost"
    reason: str
    available: Number | None = None  # remaining budget, or what its supporters had left
    score: Number | None = None
    rho: Fraction | None = None  # last price per unit of utility it could offer (MES)
    winner_rho: Fraction | None = None  # price of the project funded instead in that round
    displaced_by: str | None = None


@dataclass(slots=True)
class Outcome:
    rule: str
    budget: Number
    selected: list[str]
    funded: dict[str, Funded] = field(default_factory=dict)
    unfunded: dict[str, Unfunded] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def total_cost(self) -> Number:
        return sum((f.cost for f in self.funded.values()), 0)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict; exact numbers become strings like "1331751.11" or "7/3"."""

        def num(x: Any) -> Any:
            if x is None or isinstance(x, int | str | bool):
                return x
            if isinstance(x, Fraction):
                return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
            return str(x)

        return {
            "rule": self.rule,
            "selected": list(self.selected),
            "budget": num(self.budget),
            "total_cost": num(self.total_cost),
            "funded": [
                {
                    "project_id": f.project_id,
                    "cost": num(f.cost),
                    "stage": f.stage,
                    "round": f.round,
                    "score": num(f.score),
                    "rho": num(f.rho),
                    "payments": [
                        {"voters": p.voters, "each": num(p.each), "total": num(p.total)}
                        for p in f.payments
                    ],
                    "remaining_after": num(f.remaining_after),
                }
                for f in (self.funded[s] for s in self.selected)
            ],
            "unfunded": [
                {
                    "project_id": u.project_id,
                    "cost": num(u.cost),
                    "reason": u.reason,
                    "available": num(u.available),
                    "score": num(u.score),
                    "rho": num(u.rho),
                    "winner_rho": num(u.winner_rho),
                    "displaced_by": u.displaced_by,
                }
                for u in self.unfunded.values()
            ],
            "details": {k: num(v) for k, v in self.details.items()},
        }
