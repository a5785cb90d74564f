"""add1 completion for MES: the one-unit walk (reference) and the jump.

add1 (pabutools ``voter_budget_increment``) reruns MES with every voter's budget raised by one
increment at a time, ``b_k = b_0 + k·inc``, and stops at the first k whose outcome is exhaustive
(final budget b_k) or costs more than the budget (final budget b_{k−1}, or b_0 when k = 0).

:func:`add1_walk` does exactly that, one pass per increment. :func:`add1_jump` reaches the same
k with far fewer passes: after the pass at k it asks :class:`_Probe` whether the pass's winners
(in order) stay the winners for every increment in [k, k + D − 1]. If so, every one of those
increments selects the same projects as k, which was neither exhaustive nor over budget, so
the walk would have stepped through all of them: the jump goes straight to k + D and keeps
k + D − 1 as "the last outcome within budget". The first increment at which anything may change
is tried as a real pass, so the jump stops exactly where the walk stops, with the same final
budget per voter and the same number of increments counted (``iterations``; ``passes`` counts
the MES passes actually run). D is aimed at where the nearest comparison of ρ values would
fail if slopes stayed as they are (a first probe over two increments measures them); a probe
that fails only costs the probe. Where outcomes change almost every increment the jump
backs off and walks, retrying now and then.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from linli.engine.budgeting import mes_kernel
from linli.engine.budgeting.model import Number

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
    check = _Probe(fast)
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
            step = _aimed_jump(check, winners, b, inc, guess)
            if step >= 8:
                guess = 2 * step
                backoff = 1
            else:  # outcomes change (almost) every increment here: walk a while, then retry
                guess = max(4, 2 * step)
                wait = backoff
                backoff = min(2 * backoff, 64)
        prev_k = k + step - 1
        k += step


def _aimed_jump(check, winners: list[int], b: Fraction, inc: Fraction, guess: int) -> int:
    """A D ≥ 1 such that the pass at b is the same for every budget b + d·inc, 0 ≤ d < D.

    A first probe over two increments gives the slopes, hence where the closest comparison would
    fail if nothing else changed; the next probes aim just short of that.
    """
    first = guess if guess >= 8 else 2  # after a long jump, aim long straight away
    ok, pred = check.probe(winners, b, inc, first)
    if not ok:
        if first == 2:
            return 1
        best = 1
        target = min(pred, first / 2) if pred > 1 else first / 8
    else:
        best = first
        target = pred if pred < INF else 2.0 * guess
    for _ in range(4):
        D = int(min(target * 0.995, 1e15))
        if D <= best:
            break
        ok, p2 = check.probe(winners, b, inc, D)
        if ok:
            best = D
            if not p2 > D * 1.01:
                break
            target = p2 if p2 < INF else 4.0 * D
        else:
            target = min(p2, best + (D - best) / 2) if p2 > best else best + (D - best) / 2
    return best


class _Probe:
    """Does the pass at t0 keep its winners for every t in [t0, t0 + D − 1]?

    It replays the pass's winners in order, carrying for every group of voters its budget at t0
    and bounds on its slope per increment (slope = increment at the start). For a project j:

    * its price α_j is the water-filling price, non-increasing in every supporter's budget, so
      over the interval it lies between the prices at the highest and at the lowest budgets;
    * its slope is −(Σ over supporters short of α of m·slope) / (M − those supporters): bounded by
      letting every supporter that may or may not be short (its budget range meets α's range)
      be either;
    * a voter keeps max(B − α, 0): value at t0 exact, slope between B's minus α's and 0.

    The winner w keeps winning while every other project j still in the race has ρ_j > ρ_w:
    checked as ρ_j(t0) − ρ_w(t0) + d·(lowest slope of ρ_j − highest slope of ρ_w) > 0 at
    d = 0 and d = D − 1 (or via the price ranges alone for a far competitor). A project whose
    supporters cannot pay its cost even at the highest budgets is out throughout; at the end
    nothing else may be affordable. Exact ties that persist (twin projects; two projects whose ρ
    is pinned to cost / ((supporters with money)·utility)) are settled in ``Fraction``s.

    Comparisons are made in floats and must hold by a relative margin of 1e-9, far above float
    rounding; any doubt answers "no", which costs only the jump (the walk then steps one
    increment). Whenever the answer is "yes", every t in the interval gives the same winners,
    hence the same selection, hence the walk would step through it without stopping.
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
        # for the compiled probe (linli.engine.budgeting.mes_kernel.probe), when numba is there
        self.compiled = fast.compiled
        P = len(g.pids)
        self._twin = np.arange(P, dtype=np.int64)
        for j, t in self.twin.items():
            self._twin[j] = t
        self._smi = np.concatenate(
            [np.zeros(0, dtype=np.int64), *(g.mult[s] for s in g.supporters)]
        )
        self._Mi = np.array(fast.M, dtype=np.int64)
        # exact floor of ρ_j = floor_num[j] / (supporters with money): 1 / rest for cost
        # utilities, cost / rest for cardinality (costs scaled to integers by a common factor)
        self._floor_num = np.ones(P, dtype=np.int64)
        self._floor_ok = True
        if fast.utility != "cost":
            scale = math.lcm(*(Fraction(c).denominator for c in g.costs)) if g.costs else 1
            nums = [int(Fraction(c) * scale) for c in g.costs]
            # products floor_num · rest must stay exact in int64
            if max(nums, default=0) * max(fast.M, default=0) < 2**62:
                self._floor_num = np.array(nums, dtype=np.int64)
            else:
                self._floor_ok = False

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

    def _price(self, j, v, lo, hi, sl, sh, need_afford: bool):
        """(α at t0, α range, slope bounds) of project j; None if it cannot be settled."""
        g = self.fast.g
        sup = g.supporters[j]
        m = g.sup_mult[j]
        cost = self.fast.cost_f[j]
        a_lo = self._alpha(j, hi)  # price at the highest budgets: lowest possible
        if a_lo is None:
            return "out"
        blo = lo[sup]
        if float(blo @ m) < cost * (1 + self.MARGIN):
            return None if need_afford else ("weak", a_lo)
        a_hi = self._alpha(j, lo)
        a0 = self._alpha(j, v)
        if a_hi is None or a0 is None:
            return None
        bh = hi[sup]
        sure_poor = bh < a_lo * (1 - self.MARGIN)
        sure_rich = blo >= a_hi * (1 + self.MARGIN)
        amb = ~sure_poor & ~sure_rich
        M = float(self.fast.M[j])
        s_lo, s_hi = sl[sup], sh[sup]
        n_lo = float(s_lo[sure_poor] @ m[sure_poor]) + float(np.minimum(s_lo[amb], 0) @ m[amb])
        n_hi = float(s_hi[sure_poor] @ m[sure_poor]) + float(np.maximum(s_hi[amb], 0) @ m[amb])
        d_max = M - float(m[sure_poor].sum())
        d_min = d_max - float(m[amb].sum())
        if d_min <= 0.5:
            return None
        # α' = −(Σ_poor m·σ) / (M − M_poor)
        top, bot = -n_hi, -n_lo  # range of the numerator −Σ m·σ
        da_lo = top / (d_max if top >= 0 else d_min)
        da_hi = bot / (d_min if bot >= 0 else d_max)
        return a0, a_lo, a_hi, da_lo, da_hi, sure_poor

    def probe(self, winners: list[int], t0v: Fraction, inc: Fraction, D: int) -> tuple[bool, float]:
        """(the pass at t0 holds on [t0, t0 + D − 1], predicted first increment that may fail)."""
        if self.compiled:
            return self._probe_compiled(winners, t0v, inc, D)
        fast, g = self.fast, self.fast.g
        G = len(g.ballots)
        m_ = self.MARGIN
        Dm = float(D - 1)
        v = np.full(G, float(t0v))
        sl = np.full(G, float(inc))
        sh = sl.copy()
        zero = np.zeros(G, dtype=bool)
        pred = INF
        won: set[int] = set()
        out: set[int] = set()
        heap = [(fast.rho0_f[j], j) for j in fast.candidates]
        heapq.heapify(heap)
        for w in winners:
            lo = v + Dm * np.minimum(sl, 0.0)
            hi = v + Dm * np.maximum(sh, 0.0)
            np.maximum(lo, 0.0, out=lo)
            pw = self._price(w, v, lo, hi, sl, sh, need_afford=True)
            if pw is None or pw == "out":
                return False, pred
            a0w, alo_w, ahi_w, dlo_w, dhi_w, poor_w = pw
            sw = self.sat[w]
            r0w = a0w / sw
            up_w = min(ahi_w, a0w + Dm * max(dhi_w, 0.0)) / sw  # highest ρ_w in the interval
            limit = up_w * (1 + m_)
            fw: Fraction | None = None
            back = []
            while heap and heap[0][0] <= limit:
                _, j = heapq.heappop(heap)
                if j in won or j in out or j == w:
                    continue
                pj = self._price(j, v, lo, hi, sl, sh, need_afford=False)
                if pj == "out":
                    out.add(j)
                    continue
                if pj is None:
                    return False, pred
                sj = self.sat[j]
                if pj[0] == "weak":  # may be unaffordable somewhere: the plain bound only
                    key = pj[1] / sj
                    back.append((key, j))
                    if key > limit:
                        continue
                    ok = False
                else:
                    a0j, alo_j, _, dlo_j, _, _ = pj
                    low_j = max(alo_j, a0j + Dm * min(dlo_j, 0.0)) / sj
                    back.append((low_j, j))
                    if low_j > limit:
                        continue
                    gap0 = a0j / sj - r0w
                    slope = dlo_j / sj - dhi_w / sw
                    tol = m_ * max(r0w, 1e-300)
                    ok = gap0 > tol and gap0 + Dm * min(slope, 0.0) > tol
                    if gap0 > tol and slope < 0:
                        pred = min(pred, 1 + (gap0 - tol) / -slope)
                if ok:
                    continue
                if j > w and self.twin[j] == self.twin[w]:
                    continue
                if fw is None:
                    fw = self._floor_rho(w, zero)
                    sup_w = g.supporters[w]
                    price = float(fw * Fraction(fast.sat[w]))
                    if not bool(np.all(lo[sup_w][~zero[sup_w]] >= price * (1 + m_))):
                        fw = Fraction(-1)
                if fw >= 0:
                    fj = self._floor_rho(j, zero)
                    if fj > fw or (j > w and fj == fw):
                        continue
                return False, pred
            for item in back:
                heapq.heappush(heap, item)
            won.add(w)
            # w pays: budgets and slopes of its supporters
            sup = g.supporters[w]
            vs = v[sup]
            rich = lo[sup] >= ahi_w * (1 + m_)
            nz = ~zero[sup]
            amb = nz & ~rich & ~poor_w
            nv = np.maximum(vs - a0w, 0.0)
            nsl = sl[sup] - dhi_w
            nsh = sh[sup] - dlo_w
            nsl = np.where(amb, np.minimum(nsl, 0.0), nsl)
            nsh = np.where(amb, np.maximum(nsh, 0.0), nsh)
            gone = poor_w | zero[sup]
            v[sup] = np.where(gone, 0.0, nv)
            sl[sup] = np.where(gone, 0.0, nsl)
            sh[sup] = np.where(gone, 0.0, nsh)
            zero[sup[gone]] = True
        hi = v + Dm * np.maximum(sh, 0.0)
        for j in fast.candidates:
            if j in won or j in out:
                continue
            if float(hi[g.supporters[j]] @ g.sup_mult[j]) >= fast.cost_f[j] * (1 - m_):
                return False, pred
        return True, pred

    def _probe_compiled(
        self, winners: list[int], t0v: Fraction, inc: Fraction, D: int
    ) -> tuple[bool, float]:
        """:meth:`probe` in the compiled loop (same steps, same margins, same answers)."""
        fast = self.fast
        ok, pred = mes_kernel.probe(
            np.asarray(winners, dtype=np.int64),
            float(t0v),
            float(inc),
            D,
            len(fast.g.ballots),
            fast._ptr,
            fast._idx,
            fast._sm,
            self._smi,
            fast.cost_f,
            fast._Mf,
            self._Mi,
            self.sat,
            fast._lb0,
            fast._alive0,
            self._twin,
            self._floor_num,
            self._floor_ok,
            self.MARGIN,
        )
        return bool(ok), float(pred)
