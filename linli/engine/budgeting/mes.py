"""Method of Equal Shares (MES) for approval ballots, with add1 and utilitarian completion.

Every voter gets an equal share of the budget. Repeatedly, the project that can be paid for
at the lowest price per unit of utility ρ is funded: each supporter pays ρ·u (u = the project's
cost for "cost" utilities, 1 for "cardinality"), or everything they have left if that is less.
Projects whose supporters together cannot pay any more drop out. Semantics follow pabutools
1.2.3 ``method_of_equal_shares`` exactly (including add1 = ``voter_budget_increment=1``) so the
two can be compared outcome for outcome.

Two implementations with identical outcomes:

* :func:`mes_reference`: plain ``Fraction`` arithmetic, easy to audit, slow on big files.
* :class:`FastMES`: identical ballots merged into weighted groups, numpy floats for the bulk
  work, lazy re-evaluation (a project's previous ρ is a lower bound on its next one because
  budgets only fall), and exact ``Fraction`` arithmetic whenever floats cannot decide: near
  ties between projects, a supporter whose budget is within rounding of the price, or a
  project whose supporters have almost exactly its cost. The exact budgets are never stored:
  a group's budget is 0 once it paid all it had, else b0 minus the prices of the funded
  projects it approves, so it is rebuilt on demand from the exact prices.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from linli.engine.budgeting import mes_kernel
from linli.engine.budgeting.add1 import add1_jump, add1_walk
from linli.engine.budgeting.model import Instance, Number, Profile, TieBreak, by_id
from linli.engine.budgeting.outcome import Funded, Outcome, Payment, Unfunded

UTILITIES = ("cost", "cardinality")
EPS = 1e-9  # relative gap below which floats are not trusted to order two numbers


@dataclass
class Groups:
    """Identical ballots merged: group g has ``mult[g]`` voters approving ``ballots[g]``."""

    pids: list[str]  # project ids in tie-break order (index = project number)
    costs: list[Number]
    ballots: list[tuple[int, ...]]
    mult: np.ndarray  # int64 (G,)
    supporters: list[np.ndarray]  # per project: group indices (int64)
    sup_mult: list[np.ndarray]  # per project: multiplicities of those groups (float64)
    n_voters: int

    @classmethod
    def build(cls, instance: Instance, profile: Profile, tie_break: TieBreak = by_id) -> Groups:
        if profile.vote_type not in ("approval", "choose-1"):
            raise ValueError("MES here needs approval (or choose-1) ballots")
        order = sorted(instance.projects.values(), key=tie_break)
        pids = [p.id for p in order]
        index = {pid: i for i, pid in enumerate(pids)}
        # Counter over raw tuples runs in C; tuples listing the same set are merged after
        raw = Counter(b.projects for b in profile.ballots)
        merged: dict[tuple[int, ...], int] = {}
        for tup, k in raw.items():
            key = tuple(sorted(map(index.__getitem__, tup)))
            merged[key] = merged.get(key, 0) + k
        ballots = list(merged)
        mult = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
        members: list[list[int]] = [[] for _ in pids]
        for g, ballot in enumerate(ballots):
            for j in ballot:
                members[j].append(g)
        supporters = [np.asarray(m, dtype=np.int64) for m in members]
        sup_mult = [mult[s].astype(np.float64) for s in supporters]
        return cls(
            pids,
            [p.cost for p in order],
            ballots,
            mult,
            supporters,
            sup_mult,
            len(profile.ballots),
        )

    def approvals(self) -> np.ndarray:
        """Dense group × project 0/1 matrix (int64), built only when exact sums are needed."""
        a = np.zeros((len(self.ballots), len(self.pids)), dtype=np.int64)
        for j, sup in enumerate(self.supporters):
            a[sup, j] = 1
        return a


def _sat(utility: str, cost: Number) -> Number:
    return cost if utility == "cost" else 1


@dataclass
class Run:
    """Result of one MES pass at a fixed budget per voter."""

    b0: Fraction
    selected: list[int]  # project numbers in order of funding
    alpha: dict[int, Fraction]  # price paid by each full-paying supporter
    rho: dict[int, Fraction]
    n_rich: dict[int, int]  # voters paying the full price
    n_poor: dict[int, int]  # voters paying all they had left (less than the price)
    dropped: dict[int, tuple[int, Number, Fraction | None]]  # round, supporters' money, last ρ
    dropped_after: dict[int, int | None]  # project funded just before it dropped out


# ---------------------------------------------------------------------------------------------
# Reference implementation: Fractions throughout.


def mes_run_reference(groups: Groups, b0: Fraction, utility: str, explain: bool = True) -> Run:
    """One MES pass in exact arithmetic over grouped ballots."""
    G = len(groups.ballots)
    budget = [b0] * G
    mult = [int(x) for x in groups.mult]
    sups = [[int(g) for g in s] for s in groups.supporters]
    run = Run(b0, [], {}, {}, {}, {}, {}, {})
    remaining = [j for j in range(len(groups.pids)) if sups[j] and groups.costs[j] > 0]
    zero_cost = [j for j in range(len(groups.pids)) if sups[j] and groups.costs[j] == 0]
    for j in zero_cost:
        run.selected.append(j)
        run.alpha[j] = Fraction(0)
        run.rho[j] = Fraction(0)
        run.n_rich[j] = sum(mult[g] for g in sups[j])
        run.n_poor[j] = 0
    last_rho: dict[int, Fraction] = {}
    rnd = 0
    while True:
        rnd += 1
        best: tuple[Fraction, int, Fraction] | None = None
        still = []
        for j in remaining:
            cost = Fraction(groups.costs[j])
            avail = sum(mult[g] * budget[g] for g in sups[j])
            if avail < cost:
                run.dropped[j] = (rnd, avail, last_rho.get(j))
                run.dropped_after[j] = run.selected[-1] if run.selected else None
                continue
            still.append(j)
            paid = Fraction(0)
            rest = sum(mult[g] for g in sups[j])
            alpha = cost
            for g in sorted(sups[j], key=lambda g: budget[g]):
                alpha = (cost - paid) / rest
                if alpha <= budget[g]:
                    break
                paid += mult[g] * budget[g]
                rest -= mult[g]
            rho = alpha / _sat(utility, groups.costs[j])
            last_rho[j] = rho
            if best is None or rho < best[0]:  # j increases: first one wins ties
                best = (rho, j, alpha)
        remaining = still
        if best is None:
            return run
        rho, j, alpha = best
        remaining.remove(j)
        run.selected.append(j)
        run.alpha[j], run.rho[j] = alpha, rho
        rich = poor = 0
        for g in sups[j]:
            if budget[g] >= alpha:
                budget[g] -= alpha
                rich += mult[g]
            else:
                budget[g] = Fraction(0)
                poor += mult[g]
        run.n_rich[j], run.n_poor[j] = rich, poor


# ---------------------------------------------------------------------------------------------
# Fast implementation.


class FastMES:
    """MES on grouped ballots with numpy and exact fallbacks; reusable across budgets (add1)."""

    def __init__(self, groups: Groups, utility: str = "cost", compiled: bool | None = None) -> None:
        """``compiled``: play the rounds of passes without explanation in the compiled loop of
        :mod:`linli.engine.budgeting.mes_kernel` (default: when numba is installed)."""
        if utility not in UTILITIES:
            raise ValueError(f"utility must be one of {UTILITIES}")
        self.g = groups
        self.utility = utility
        self.compiled = mes_kernel.available if compiled is None else compiled
        if self.compiled and not mes_kernel.available:
            raise ValueError("compiled MES needs numba")
        self._a: np.ndarray | None = None
        P = len(groups.pids)
        self.cost_f = np.array([float(c) for c in groups.costs])
        self.M = [int(groups.mult[s].sum()) for s in groups.supporters]
        self.sat = [_sat(utility, c) for c in groups.costs]
        self.candidates = [j for j in range(P) if self.M[j] > 0 and groups.costs[j] > 0]
        self.zero_cost = [j for j in range(P) if self.M[j] > 0 and groups.costs[j] == 0]
        # ρ when every supporter can pay its equal part: a lower bound for ever after
        self.rho0 = {
            j: Fraction(groups.costs[j]) / (self.M[j] * self.sat[j]) for j in self.candidates
        }
        self.rho0_f = {j: float(r) for j, r in self.rho0.items()}
        # the same data as flat arrays for the compiled loop (supporters of j: _idx[_ptr[j]:_ptr[j+1]])
        sizes = [len(sup) for sup in groups.supporters]
        self._ptr = np.zeros(P + 1, dtype=np.int64)
        self._ptr[1:] = np.cumsum(sizes)
        empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        self._idx = np.concatenate([empty_i, *groups.supporters]).astype(np.int64)
        self._sm = np.concatenate([empty_f, *groups.sup_mult]).astype(np.float64)
        self._Mf = np.array(self.M, dtype=np.float64)
        self._sat_f = np.array([float(x) for x in self.sat])
        self._lb0 = np.full(P, np.inf)
        self._alive0 = np.zeros(P, dtype=bool)
        for j in self.candidates:
            self._lb0[j] = self.rho0_f[j]
            self._alive0[j] = True

    @property
    def A(self) -> np.ndarray:
        if self._a is None:
            self._a = self.g.approvals()
        return self._a

    # -- exact budgets ------------------------------------------------------------------------
    def _exact_chain(self, st: _State, upto: int | None = None) -> None:
        """Fill in exact prices of funded projects (in funding order) that are still unknown."""
        sel = st.selected if upto is None else st.selected[:upto]
        for k, j in enumerate(sel):
            if j in st.alpha_x:
                continue
            sup = self.g.supporters[j]
            poor_nz = sup[st.zeroed_by[sup] == j]  # the supporters j took the last money of
            Mpoor = st.mpoor[j]
            cost = Fraction(self.g.costs[j])
            if len(poor_nz) == 0:
                s_poor = Fraction(0)
            else:
                before = st.selected[:k]
                m = self.g.mult[poor_nz]
                s_poor = st.b0 * int(m.sum())
                if before:
                    cnt = m @ self.A[np.ix_(poor_nz, np.asarray(before, dtype=np.int64))]
                    s_poor -= sum(
                        (st.alpha_x[q] * int(c) for q, c in zip(before, cnt, strict=True) if c),
                        Fraction(0),
                    )
            st.alpha_x[j] = (cost - s_poor) / (self.M[j] - Mpoor)

    def _exact_classes(self, st: _State, j: int) -> tuple[list[Fraction], list[int], np.ndarray]:
        """Exact budgets of project j's supporters, merged into classes of equal budget."""
        self._exact_chain(st)
        sup = self.g.supporters[j]
        funded = [q for q in st.selected if q in st.alpha_x and self.g.costs[q] > 0]
        key = np.concatenate(
            [
                st.zeroed[sup][:, None].astype(np.int64),
                self.A[np.ix_(sup, np.asarray(funded, dtype=np.int64))],
            ],
            axis=1,
        )
        uniq, inv = np.unique(key, axis=0, return_inverse=True)
        inv = inv.reshape(-1)
        weights = np.bincount(inv, weights=self.g.sup_mult[j], minlength=len(uniq))
        budgets = []
        for row in uniq:
            if row[0]:
                budgets.append(Fraction(0))
            else:
                b = st.b0
                for q, flag in zip(funded, row[1:], strict=True):
                    if flag:
                        b -= st.alpha_x[q]
                budgets.append(max(b, Fraction(0)))
        return budgets, [int(round(w)) for w in weights], inv

    def _exact_alpha(self, st: _State, j: int) -> tuple[Fraction | None, np.ndarray | None]:
        """Exact price for project j now (None if unaffordable) and its poor supporters mask."""
        budgets, counts, inv = self._exact_classes(st, j)
        cost = Fraction(self.g.costs[j])
        if sum(b * c for b, c in zip(budgets, counts, strict=True)) < cost:
            return None, None
        order = sorted(range(len(budgets)), key=lambda c: budgets[c])
        paid, rest = Fraction(0), self.M[j]
        alpha = cost
        poor_classes = set()
        for c in order:
            alpha = (cost - paid) / rest
            if alpha <= budgets[c]:
                break
            paid += budgets[c] * counts[c]
            rest -= counts[c]
            poor_classes.add(c)
        poor_mask = np.isin(inv, np.fromiter(poor_classes, dtype=np.int64, count=len(poor_classes)))
        return alpha, poor_mask

    # -- float evaluation -----------------------------------------------------------------------
    def _evaluate(self, st: _State, j: int) -> float | None:
        """Float ρ of project j (None: its supporters cannot pay for it any more)."""
        sup = self.g.supporters[j]
        b = st.bf[sup]
        m = self.g.sup_mult[j]
        cost = self.cost_f[j]
        avail = float(b @ m)
        st.avail[j] = avail
        tol = EPS * cost
        if avail < cost - tol:
            return None
        if avail <= cost + tol:  # too close to call in floats
            alpha_x, _ = self._exact_alpha(st, j)
            if alpha_x is None:
                return None
            st.exact_now[j] = alpha_x
            return float(alpha_x / self.sat[j])
        M = self.M[j]
        alpha = cost / M
        npoor = -1
        while True:
            poor = b < alpha
            k = int(np.count_nonzero(poor))
            if k == npoor:
                break
            npoor = k
            if k == 0:
                break
            alpha = (cost - float(b[poor] @ m[poor])) / (M - float(m[poor].sum()))
        st.alpha_f[j] = alpha
        # a supporter whose budget is within rounding of the price makes the float unreliable
        near = np.abs(b - alpha) <= EPS * alpha + 1e-12 * st.b0f
        if near.any():
            alpha_x, _ = self._exact_alpha(st, j)
            if alpha_x is None:
                return None
            st.exact_now[j] = alpha_x
            return float(alpha_x / self.sat[j])
        st.exact_now.pop(j, None)
        return alpha / float(self.sat[j])

    def _exact_rho(self, st: _State, j: int) -> Fraction:
        if j in st.exact_now:
            return st.exact_now[j] / self.sat[j]
        sup = self.g.supporters[j]
        if float(st.bf[sup].min()) > st.alpha_f[j] * (1 + EPS) + 1e-12 * st.b0f:
            return self.rho0[j]  # nobody is short: everybody pays cost / M
        alpha_x, _ = self._exact_alpha(st, j)
        assert alpha_x is not None
        st.exact_now[j] = alpha_x
        return alpha_x / self.sat[j]

    # -- one pass -------------------------------------------------------------------------------
    def run(self, b0: Fraction, explain: bool = False) -> Run:
        """One MES pass at budget per voter b0 (``explain``: also record why projects lost).

        Without ``explain`` (the many passes of add1) the rounds run in the compiled loop of
        :mod:`linli.engine.budgeting.mes_kernel` when numba is there; a round the floats cannot
        decide is played here, exactly, as on the numpy path.
        """
        st = _State(self, Fraction(b0))
        self.last_state = st  # the state the pass ended in (tests rebuild exact prices from it)
        run = Run(st.b0, st.selected, st.alpha_x, {}, {}, {}, {}, {})
        for j in self.zero_cost:
            st.selected.append(j)
            st.alpha_x[j] = Fraction(0)
            st.mpoor[j] = 0
            run.rho[j] = Fraction(0)
            run.n_rich[j], run.n_poor[j] = self.M[j], 0
        if self.compiled and not explain:
            self._run_compiled(st, run)
            return run
        heap = [(self.rho0_f[j], j) for j in self.candidates]
        heapq.heapify(heap)
        last_rho: dict[int, float] = {}
        alive = set(self.candidates)
        if explain:  # projects that no equal shares could ever pay for
            self._check_drops(st, alive, heap, run, 0, None)
        rnd = 0
        while heap:
            rnd += 1
            win = self._round(st, heap, alive, run, rnd, last_rho)
            if win is None:
                break
            if explain:
                self._check_drops(st, alive, heap, run, rnd, win)
        if explain:  # exact prices are only needed to explain the final outcome
            self._exact_chain(st)
            for j in st.selected:
                run.rho.setdefault(j, st.alpha_x[j] / self.sat[j] if self.sat[j] else Fraction(0))
            self._explain_drops(st, run, last_rho)
        return run

    def _round(
        self,
        st: _State,
        heap: list[tuple[float, int]],
        alive: set[int],
        run: Run,
        rnd: int,
        last_rho: dict[int, float],
    ) -> int | None:
        """One round: fund the project with the lowest ρ (None: nothing is affordable)."""
        best = float("inf")
        seen: list[tuple[float, int]] = []
        while heap and heap[0][0] <= best * (1 + EPS):
            _, j = heapq.heappop(heap)
            r = self._evaluate(st, j)
            if r is None:
                alive.discard(j)
                run.dropped[j] = (rnd, Fraction(0), None)
                run.dropped_after[j] = st.selected[-1] if st.selected else None
                continue
            last_rho[j] = r
            seen.append((r, j))
            best = min(best, r)
        if not seen:
            return None
        tied = [j for r, j in seen if r <= best * (1 + EPS)]
        if len(tied) == 1:
            win = tied[0]
            rho_x: Fraction | None = None
        else:
            exact = {j: self._exact_rho(st, j) for j in tied}
            rho_x = min(exact.values())
            win = min(j for j in tied if exact[j] == rho_x)  # lowest number = tie-break
        for r, j in seen:
            if j != win:
                heapq.heappush(heap, (r, j))
        alive.discard(win)
        self._fund(st, win, run, rho_x)
        return win

    def _run_compiled(self, st: _State, run: Run) -> None:
        """The rounds of a pass in the compiled loop; rounds it cannot decide, in ``_round``."""
        P = len(self.g.pids)
        lb = self._lb0.copy()
        alive = self._alive0.copy()
        sel = np.empty(P, dtype=np.int64)
        alpha_out = np.zeros(P)
        mpoor = np.zeros(P)
        n_sel = 0
        rnd = 0
        while True:
            status, n_new = mes_kernel.run_rounds(
                self._ptr,
                self._idx,
                self._sm,
                self.cost_f,
                self._Mf,
                self._sat_f,
                st.b0f,
                st.bf,
                st.zeroed,
                st.zeroed_by,
                lb,
                alive,
                sel,
                n_sel,
                alpha_out,
                mpoor,
                EPS,
            )
            for j in sel[n_sel:n_new].tolist():
                st.selected.append(j)
                st.alpha_f[j] = float(alpha_out[j])
                mp = int(round(float(mpoor[j])))
                st.mpoor[j] = mp
                run.n_rich[j], run.n_poor[j] = self.M[j] - mp, mp
            rnd += n_new - n_sel
            n_sel = n_new
            if status == mes_kernel.FINISHED:
                return
            # the floats cannot decide this round: play it exactly, then go on compiled
            heap = [(float(lb[j]), j) for j in np.flatnonzero(alive).tolist()]
            heapq.heapify(heap)
            rnd += 1
            if self._round(st, heap, set(j for _, j in heap), run, rnd, {}) is None:
                return
            alive[:] = False
            for r, j in heap:
                alive[j] = True
                lb[j] = r

    def _fund(self, st: _State, j: int, run: Run, rho_x: Fraction | None) -> None:
        sup = self.g.supporters[j]
        b = st.bf[sup]
        m = self.g.sup_mult[j]
        if j in st.exact_now:
            alpha_x, poor = self._exact_alpha(st, j)
            assert alpha_x is not None and poor is not None
            st.alpha_x[j] = alpha_x
            alpha = float(alpha_x)
        else:
            alpha = st.alpha_f[j]
            poor = b < alpha
        Mpoor = int(round(float(m[poor].sum())))
        poor_nz = sup[poor & ~st.zeroed[sup]]
        st.zeroed_by[poor_nz] = j
        st.mpoor[j] = Mpoor
        nb = np.where(poor, 0.0, np.maximum(b - alpha, 0.0))
        st.bf[sup] = nb
        st.zeroed[sup[poor]] = True
        st.selected.append(j)
        run.n_rich[j] = self.M[j] - Mpoor
        run.n_poor[j] = Mpoor
        st.exact_now.clear()

    def _check_drops(
        self, st: _State, alive: set[int], heap: list, run: Run, rnd: int, win: int | None
    ) -> None:
        """After funding ``win``, note every project its supporters can no longer afford."""
        for j in sorted(alive):
            sup = self.g.supporters[j]
            avail = float(st.bf[sup] @ self.g.sup_mult[j])
            if avail < self.cost_f[j] * (1 - EPS):
                st.avail[j] = avail
                alive.discard(j)
                run.dropped[j] = (rnd, Fraction(0), None)
                run.dropped_after[j] = win
        heap[:] = [(r, j) for r, j in heap if j in alive]
        heapq.heapify(heap)

    def _explain_drops(self, st: _State, run: Run, last_rho: dict[int, float]) -> None:
        for j, (rnd, _, _) in list(run.dropped.items()):
            # what the supporters had left when it dropped out (to 0.01: for people, not rules)
            avail = Fraction(round(st.avail.get(j, 0.0) * 100), 100)
            lr = last_rho.get(j)
            run.dropped[j] = (
                rnd,
                avail,
                None if lr is None else Fraction(lr).limit_denominator(10**12),
            )


class _State:
    """Mutable state of one pass."""

    def __init__(self, mes: FastMES, b0: Fraction) -> None:
        G = len(mes.g.ballots)
        self.b0 = b0
        self.b0f = float(b0)
        self.bf = np.full(G, self.b0f)
        self.zeroed = np.zeros(G, dtype=bool)
        self.zeroed_by = np.full(G, -1, dtype=np.int64)  # project that took a group's last money
        self.selected: list[int] = []
        self.alpha_x: dict[int, Fraction] = {}
        self.alpha_f: dict[int, float] = {}
        self.mpoor: dict[int, int] = {}  # per funded project: voters who paid all they had
        self.exact_now: dict[int, Fraction] = {}
        self.avail: dict[int, float] = {}


# ---------------------------------------------------------------------------------------------
# Public rule.


def _total(groups: Groups, sel: Sequence[int]) -> Number:
    return sum((groups.costs[j] for j in sel), 0)


def mes(
    instance: Instance,
    profile: Profile,
    *,
    utility: str = "cost",
    completion: str | None = None,
    tie_break: TieBreak = by_id,
    reference: bool = False,
    increment: Number = 1,
    add1: str = "jump",
) -> Outcome:
    """Method of Equal Shares; ``completion`` is None, "add1" or "utilitarian" (or "add1+utilitarian").

    add1 (pabutools ``voter_budget_increment=1``): rerun with every voter's budget raised by
    ``increment`` (currency units) until the outcome is exhaustive, or until it would exceed the
    budget, in which case the last outcome within budget is kept. "utilitarian" then fills the
    leftover greedily by utility per cost, skipping what does not fit.

    ``add1="jump"`` (default) skips the increments that provably cannot change the outcome
    (see :mod:`linli.engine.budgeting.add1`); ``add1="walk"`` tries every one of them, as
    pabutools and the C++ library do. Both stop at the same budget with the same outcome.
    """
    if utility not in UTILITIES:
        raise ValueError(f"utility must be one of {UTILITIES}")
    comps = set((completion or "").split("+")) - {""}
    if comps - {"add1", "utilitarian"}:
        raise ValueError(f"unknown completion {completion!r}")
    groups = Groups.build(instance, profile, tie_break)
    n = groups.n_voters
    budget = instance.budget
    rule = f"mes-{utility}" + (f"+{completion}" if completion else "")
    b0 = Fraction(budget) / n if n else Fraction(0)
    fast = FastMES(groups, utility)

    def one(b: Fraction, explain: bool) -> Run:
        if reference:
            return mes_run_reference(groups, b, utility)
        return fast.run(b, explain=explain)

    iterations = passes = 1
    if n == 0:  # nobody voted: nothing is funded by MES (as in pabutools)
        final = Run(b0, [], {}, {}, {}, {}, {}, {})
    elif "add1" in comps:
        if add1 not in ("jump", "walk"):
            raise ValueError(f"add1 must be 'jump' or 'walk', not {add1!r}")
        if increment <= 0:
            raise ValueError("add1 needs a positive increment")
        if add1 == "jump" and not reference:
            final_b, iterations, passes = add1_jump(fast, budget, b0, increment)
        else:
            available = fast.candidates + fast.zero_cost
            final_b, iterations = add1_walk(
                lambda b: one(b, explain=False).selected, groups, available, budget, b0, increment
            )
            passes = iterations
        final = one(final_b, explain=True)
    else:
        final = one(b0, explain=True)
    out = _to_outcome(instance, groups, final, rule, utility)
    out.details["budget_per_voter"] = final.b0
    out.details["iterations"] = iterations  # increments tried (as the one-unit walk counts)
    out.details["passes"] = passes  # MES passes actually run (fewer when add1 jumps)
    out.details["utility"] = utility
    if "utilitarian" in comps:
        utilitarian_completion(instance, groups, out, utility)
    return out


def utilitarian_completion(instance: Instance, groups: Groups, out: Outcome, utility: str) -> None:
    """Top up greedily by (supporters × utility) / cost, skipping what does not fit.

    Matches pabutools ``greedy_utilitarian_welfare`` started from the MES outcome.
    """
    chosen = set(out.selected)
    remaining = instance.budget - out.total_cost
    M = [int(groups.mult[s].sum()) for s in groups.supporters]

    def value(j: int) -> Fraction:
        c = groups.costs[j]
        if c == 0:
            return Fraction(10**30)
        return Fraction(M[j] * _sat(utility, c), 1) / Fraction(c)

    order = sorted(
        (j for j in range(len(groups.pids)) if groups.pids[j] not in chosen),
        key=lambda j: (-value(j), j),
    )
    rnd = len(out.selected)
    for j in order:
        pid = groups.pids[j]
        c = groups.costs[j]
        if c <= remaining:
            rnd += 1
            remaining -= c
            out.selected.append(pid)
            out.funded[pid] = Funded(
                pid, c, "completion", rnd, score=M[j], remaining_after=remaining
            )
            out.unfunded.pop(pid, None)


def _to_outcome(instance: Instance, groups: Groups, run: Run, rule: str, utility: str) -> Outcome:
    out = Outcome(rule=rule, budget=instance.budget, selected=[])
    for rnd, j in enumerate(run.selected, start=1):
        pid = groups.pids[j]
        cost = groups.costs[j]
        alpha = run.alpha[j]
        rich, poor = run.n_rich[j], run.n_poor[j]
        pays = [Payment(rich, alpha * rich, alpha)] if rich else []
        if poor:
            pays.append(Payment(poor, cost - alpha * rich, None))
        out.selected.append(pid)
        out.funded[pid] = Funded(pid, cost, "mes", rnd, rho=run.rho.get(j), payments=pays)
    for j, pid in enumerate(groups.pids):
        if pid in out.funded:
            continue
        cost = groups.costs[j]
        if len(groups.supporters[j]) == 0:
            out.unfunded[pid] = Unfunded(pid, cost, "no_supporters")
            continue
        rnd, avail, last = run.dropped.get(j, (0, Fraction(0), None))
        after = run.dropped_after.get(j)
        win_rho = None
        if after is not None:
            win_rho = run.rho.get(after)
        out.unfunded[pid] = Unfunded(
            pid,
            cost,
            "supporters_short",
            available=avail,
            rho=last,
            winner_rho=win_rho,
            displaced_by=groups.pids[after] if after is not None else None,
        )
    return out
