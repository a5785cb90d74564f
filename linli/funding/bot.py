"""BOT (建设-经营-转让) projection: yearly cash flow, payback year, the owners' share.

Pure integer arithmetic in fen. Years 1..recovery: the operator keeps all net revenue to
recover its investment; years recovery+1..recovery+sharing: net revenue is shared with the
owners' committee at ``owners_percent``; after that the equipment transfers to the owners.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class YearRow:
    year: int
    phase: str  # "recovery" | "sharing"
    revenue_fen: int
    cost_fen: int
    net_fen: int
    owners_fen: int
    operator_fen: int
    operator_cumulative_fen: int  # operator's cumulative net minus the investment


@dataclass(frozen=True)
class Projection:
    rows: list[YearRow]
    payback_year: int | None
    owners_total_fen: int
    transfer_after_year: int


PHASE_LABELS = {"recovery": gettext_lazy("成本回收期"), "sharing": gettext_lazy("利润分成期")}


def project_bot(
    *,
    construction_cost_fen: int,
    yearly_revenue_fen: int | list[int],
    yearly_cost_fen: int | list[int],
    recovery_years: int,
    sharing_years: int,
    owners_percent: Decimal | int,
) -> Projection:
    years = recovery_years + sharing_years
    rev = (
        yearly_revenue_fen if isinstance(yearly_revenue_fen, list) else [yearly_revenue_fen] * years
    )
    cost = yearly_cost_fen if isinstance(yearly_cost_fen, list) else [yearly_cost_fen] * years
    pct = Fraction(owners_percent)
    rows: list[YearRow] = []
    cumulative = -construction_cost_fen
    payback = None
    owners_total = 0
    for y in range(1, years + 1):
        r, c = rev[y - 1], cost[y - 1]
        net = r - c
        phase = "recovery" if y <= recovery_years else "sharing"
        owners = 0
        if phase == "sharing" and net > 0:
            share = net * pct / 100
            owners = share.numerator // share.denominator
        operator = net - owners
        cumulative += operator
        if payback is None and cumulative >= 0:
            payback = y
        owners_total += owners
        rows.append(YearRow(y, phase, r, c, net, owners, operator, cumulative))
    return Projection(rows, payback, owners_total, years)
