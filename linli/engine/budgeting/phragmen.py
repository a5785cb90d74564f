"""Sequential Phragmén for approval ballots (semantics of pabutools 1.2.3 ``sequential_phragmen``).

Voters earn virtual money continuously from 0. A project is bought the moment its supporters
together have its cost: at time t_p = (cost + their current loads) / #supporters, after which
each of them carries load t_p. The rule stops at the first project that would be bought but
does not fit in the remaining budget.

Exactness at low cost: a voter's load is always the time at which the last project they
approve was bought, so the loads of a project's supporters are counted per "last bought
project" with numpy and summed with a handful of exact Fractions.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from linli.engine.budgeting.mes import Groups
from linli.engine.budgeting.model import Instance, Number, Profile, TieBreak, by_id
from linli.engine.budgeting.outcome import Funded, Outcome, Payment, Unfunded


def phragmen(instance: Instance, profile: Profile, *, tie_break: TieBreak = by_id) -> Outcome:
    groups = Groups.build(instance, profile, tie_break)
    P = len(groups.pids)
    budget = instance.budget
    out = Outcome(rule="phragmen", budget=budget, selected=[])
    mult = groups.mult
    last = np.full(len(groups.ballots), -1, dtype=np.int64)  # last bought project per group
    times: list[Fraction] = []  # time at which the k-th project was bought
    score = [int(mult[s].sum()) for s in groups.supporters]
    remaining = [j for j in range(P) if groups.costs[j] <= budget]
    for j in range(P):
        if groups.costs[j] > budget:
            out.unfunded[groups.pids[j]] = Unfunded(
                groups.pids[j], groups.costs[j], "over_budget", available=budget, score=score[j]
            )
    spent: Number = 0
    rnd = 0

    def load_classes(j: int) -> np.ndarray:
        sup = groups.supporters[j]
        return np.bincount(last[sup] + 1, weights=groups.sup_mult[j], minlength=len(times) + 1)

    while remaining:
        rnd += 1
        best: Fraction | None = None
        best_js: list[int] = []
        for j in remaining:
            if score[j] == 0:
                continue
            counts = load_classes(j)
            total = Fraction(groups.costs[j])
            for k in np.flatnonzero(counts[1:]):
                total += times[k] * int(round(counts[k + 1]))
            t = total / score[j]
            if best is None or t < best:
                best, best_js = t, [j]
            elif t == best:
                best_js.append(j)
        if best is None:  # only unsupported projects left: pabutools buys them at time ∞
            best_js = list(remaining)
        win = min(best_js)  # project numbers follow the tie-break order
        if any(spent + groups.costs[j] > budget for j in best_js):
            for j in remaining:
                pid = groups.pids[j]
                if j in best_js:
                    out.unfunded[pid] = Unfunded(
                        pid,
                        groups.costs[j],
                        "over_budget",
                        available=budget - spent,
                        score=score[j],
                        rho=best,
                        displaced_by=out.selected[-1] if out.selected else None,
                    )
                else:
                    out.unfunded[pid] = Unfunded(
                        pid,
                        groups.costs[j],
                        "stopped",
                        available=budget - spent,
                        score=score[j],
                        displaced_by=groups.pids[win],
                    )
            remaining = []
            break
        if best is None:
            spent += groups.costs[win]
            pid = groups.pids[win]
            out.selected.append(pid)
            out.funded[pid] = Funded(
                pid, groups.costs[win], "phragmen", rnd, score=0, remaining_after=budget - spent
            )
            remaining.remove(win)
            continue
        counts = load_classes(win)
        pays = []
        for k in np.flatnonzero(counts):
            before = Fraction(0) if k == 0 else times[k - 1]
            n = int(round(counts[k]))
            pays.append(Payment(n, (best - before) * n, best - before))
        pays.sort(key=lambda p: p.each or 0, reverse=True)
        sup = groups.supporters[win]
        last[sup] = len(times)
        times.append(best)
        spent += groups.costs[win]
        pid = groups.pids[win]
        out.selected.append(pid)
        out.funded[pid] = Funded(
            pid,
            groups.costs[win],
            "phragmen",
            rnd,
            score=score[win],
            rho=best,
            payments=pays,
            remaining_after=budget - spent,
        )
        remaining.remove(win)
    return out
