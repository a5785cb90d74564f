"""add1 completion for MES: the one-unit walk (reference) and the jump.

add1 (pabutools ``voter_budget_increment``) reruns MES with every voter's budget raised by one
increment at a time, ``b_k = b_0 + k·inc``, and stops at the first k whose outcome is exhaustive
(final budget b_k) or costs more than the budget (final budget b_{k-1}, or b_0 when k = 0).

:func:`add1_walk` does exactly that, one pass per increment. :func:`add1_jump` gives the same
answer with far fewer passes. Fix the *structure* of the pass at b_k: the sequence of winners
and, for each winner, which of its supporters paid everything they had. While the structure
holds, every price and every remaining budget is an affine function of t (the increment count),
so every decision of the pass is the sign of an affine function of t. After a pass at t = k,
:class:`_Certificate` writes down one affine inequality per decision (listed below), each true
at t = k, and finds the first integer t > k where any of them could fail. Every t in between
satisfies all of them, so by induction over the rounds the pass at t has the same winners, the
same selection, the same (non-exhaustive, within-budget) verdict: the walk would only have
stepped over it. So the jump goes straight to that t, and stops where the walk stops.

The inequalities, at round r with winner w (price α_w(t), supporters' budgets B_g(t)):

(a) each supporter of w who paid the full price keeps B_g(t) ≥ α_w(t); each one who paid all
    they had (and still had something) keeps B_g(t) < α_w(t). This fixes α_w's formula.
(b) every project j still in the race loses to w: with x(t) = sat_j·ρ_w(t), j's price exceeds
    x exactly when Σ_g min(B_g, x) < cost_j (or equals cost_j with j after w in tie-break order
    and some supporter able to pay x). The sum is concave in t; replacing min(B_g, x) by B_g
    for one set S of supporters and by x for the rest gives an affine upper bound, so
    "bound < cost_j" is a sufficient affine condition. Three bounds are tried: everyone at x
    (ρ_w below j's ρ when nobody is short), everyone at B_g (j unaffordable), and the split
    of supporters at t = k (tangent: exact at t = k).
(c) every project that dropped out at round r stays unaffordable there: Σ_g B_g(t) < cost_j.
    Budgets only fall during a pass, so it stays out in every later round.

Each inequality's root is found in floats and, whenever floats cannot decide (a value or a
slope within a relative 1e-9 of zero, or a root that could be the binding one), in exact
``Fraction`` arithmetic, so the target increment is exact. Jumping to fewer than the exact
target would only cost passes; jumping beyond it never happens.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from linli.engine.budgeting.model import Number

TOL = 1e-9  # relative size below which a float value or slope is not trusted
ROOT_TOL = 1e-6  # relative uncertainty allowed on a float root before it is recomputed exactly
INF = math.inf


def is_exhaustive(groups, selected: list[int], available: list[int], budget: Number) -> bool:
    cost = sum((groups.costs[j] for j in selected), 0)
    chosen = set(selected)
    return all(j in chosen or cost + groups.costs[j] > budget for j in available)


def add1_walk(
    one: Callable[[Fraction], list[int]],
    groups,
    available: list[int],
    budget: Number,
    b0: Fraction,
    increment: Number,
) -> tuple[Fraction, int]:
    """Reference: raise every voter's budget one increment at a time.

    ``one(b)`` is the MES selection at budget per voter b. Returns the final budget per voter and
    the number of passes (= increments tried, the first at b0 included).
    """
    prev: Fraction | None = None
    b = b0
    iterations = 1
    while True:
        sel = one(b)
        cost = sum((groups.costs[j] for j in sel), 0)
        if cost > budget:
            return (prev if prev is not None else b0), iterations
        if is_exhaustive(groups, sel, available, budget):
            return b, iterations
        prev = b
        b += increment
        iterations += 1


def add1_jump(fast, budget: Number, b0: Fraction, increment: Number) -> tuple[Fraction, int, int]:
    """Same answer as :func:`add1_walk` over ``fast.run``, jumping over increments that cannot
    change the outcome. Returns (final budget per voter, increments the walk would try, passes).
    """
    groups = fast.g
    available = fast.candidates + fast.zero_cost
    inc = Fraction(increment)
    if inc <= 0:
        raise ValueError("add1 needs a positive voter_budget_increment")
    check = _IntervalCheck(fast)
    k = 0
    prev_k: int | None = None
    passes = 0
    guess = 4  # next jump length to try
    wait = 0  # passes to walk before trying to jump again (after failed tries)
    backoff = 1
    while True:
        b = b0 + k * inc
        run = fast.run(b)
        passes += 1
        cost = sum((groups.costs[j] for j in run.selected), 0)
        if cost > budget:
            final_k = prev_k if prev_k is not None else 0
            return b0 + final_k * inc, k + 1, passes
        if is_exhaustive(groups, run.selected, available, budget):
            return b, k + 1, passes
        step = 1
        if wait > 0:
            wait -= 1
        else:
            winners = [j for j in run.selected if groups.costs[j] > 0]
            D = guess
            while D >= 3:
                # the pass at k is the same for every t in [k, k + D - 1]: jump to k + D
                if check.holds(winners, b, b0 + (k + D - 1) * inc):
                    step = D
                    break
                D //= 4
            if step > 1:
                guess = 2 * step
                backoff = 1
            else:
                guess = 4
                wait = backoff
                backoff = min(2 * backoff, 64)
        prev_k = k + step - 1
        k += step


class _IntervalCheck:
    """Does the pass keep its winners for every budget per voter in [lo, hi]?

    Budgets run as intervals: every voter starts in [lo, hi]. The price of the round's winner is
    a non-increasing function of its supporters' budgets (water-filling), so over the interval
    it lies in [α(hi budgets), α(lo budgets)]; what a voter keeps, max(B − α, 0), grows with B
    and falls with α, so the next round's budgets are again bracketed. The winner keeps winning
    if its highest possible ρ is below the lowest possible ρ of every other project still in the
    race (that ρ is computed at the highest budgets), and a project drops out for sure when even
    the highest budgets of its supporters do not cover its cost. Every comparison must hold by a
    relative margin of 1e-9, far above float rounding; any doubt answers "no", which only costs
    the jump (the walk then steps one increment).
    """

    MARGIN = 1e-9

    def __init__(self, fast) -> None:
        self.fast = fast
        g = fast.g
        self.sat = np.array([float(x) for x in fast.sat])
        twin: dict[tuple, int] = {}
        self.twin = {}
        for j in fast.candidates:  # same cost, utility and supporters: ρ equal at every budget
            key = (g.costs[j], fast.sat[j], g.supporters[j].tobytes())
            self.twin[j] = twin.setdefault(key, j)

    def _alpha(self, j: int, B: np.ndarray) -> float | None:
        """Float price of j at budgets B (None: its supporters clearly cannot pay for it)."""
        g = self.fast.g
        b = B[g.supporters[j]]
        m = g.sup_mult[j]
        cost = self.fast.cost_f[j]
        avail = float(b @ m)
        if avail < cost * (1 - self.MARGIN):
            return None
        if avail <= cost * (1 + self.MARGIN):
            return float(b.max())
        M = float(self.fast.M[j])
        alpha = cost / M
        npoor = -1
        while True:
            poor = b < alpha
            k = int(np.count_nonzero(poor))
            if k == npoor or k == 0:
                break
            npoor = k
            alpha = (cost - float(b[poor] @ m[poor])) / (M - float(m[poor].sum()))
        return alpha

    def _floor_rho(self, j: int, zero: np.ndarray) -> Fraction:
        """Exact lower bound on j's ρ: supporters known to have nothing pay nothing, the others
        at most the price, so ρ_j ≥ cost / ((M − M_zero)·sat)."""
        g = self.fast.g
        sup = g.supporters[j]
        mz = int(g.mult[sup[zero[sup]]].sum())
        rest = self.fast.M[j] - mz
        if rest <= 0:
            return Fraction(10**30)
        return Fraction(g.costs[j]) / (rest * Fraction(self.fast.sat[j]))

    def holds(self, winners: list[int], lo: Fraction, hi: Fraction) -> bool:
        fast, g = self.fast, self.fast.g
        G = len(g.ballots)
        Blo = np.full(G, float(lo))
        Bhi = np.full(G, float(hi))
        zero = np.zeros(G, dtype=bool)  # certainly paid all they had: budget exactly 0
        won = set()
        heap = [(fast.rho0_f[j], j) for j in fast.candidates]
        heapq.heapify(heap)
        out: set[int] = set()  # dropped out for sure
        m_ = self.MARGIN
        for w in winners:
            sup = g.supporters[w]
            b_lo = Blo[sup]
            if float(b_lo @ g.sup_mult[w]) < fast.cost_f[w] * (1 + m_):
                return False  # w might not be affordable at the low end
            a_hi = self._alpha(w, Blo)
            a_lo = self._alpha(w, Bhi)
            if a_hi is None or a_lo is None:
                return False
            rho_hi = a_hi / self.sat[w]
            limit = rho_hi * (1 + m_)
            # if every supporter of w either has nothing or can pay cost / (M − M_zero) even at
            # the low end, w's ρ is exactly that floor throughout the interval
            fw: Fraction | None = None
            back = []
            while heap and heap[0][0] <= limit:
                _, j = heapq.heappop(heap)
                if j in won or j in out or j == w:
                    continue
                a = self._alpha(j, Bhi)
                if a is None:
                    out.add(j)
                    continue
                r = a / self.sat[j]
                back.append((r, j))
                if r > limit:
                    continue
                # exact ties: j cannot win if its ρ floor is above w's exact ρ (or equal, with
                # j after w in tie-break order), or if j is w's twin
                if j > w and self.twin[j] == self.twin[w]:
                    continue
                if fw is None:
                    fw = self._floor_rho(w, zero)
                    zs = zero[sup]
                    price = float(fw * Fraction(fast.sat[w]))
                    if not bool(np.all(b_lo[~zs] >= price * (1 + m_))):
                        fw = Fraction(-1)  # not exact: no tie can be settled
                if fw >= 0:
                    fj = self._floor_rho(j, zero)
                    if fj > fw or (j > w and fj == fw):
                        continue
                return False
            for item in back:
                heapq.heappush(heap, item)
            won.add(w)
            poor = Bhi[sup] < a_lo * (1 - m_)  # short at every budget in the interval
            zero[sup[poor]] = True
            Blo[sup] = np.where(poor, 0.0, np.maximum(b_lo - a_hi, 0.0))
            Bhi[sup] = np.where(poor, 0.0, np.maximum(Bhi[sup] - a_lo, 0.0))
        # nothing else may be affordable at the end, even at the highest budgets
        for j in fast.candidates:
            if j in won or j in out:
                continue
            avail = float(Bhi[g.supporters[j]] @ g.sup_mult[j])
            if avail >= fast.cost_f[j] * (1 - m_):
                return False
        return True
