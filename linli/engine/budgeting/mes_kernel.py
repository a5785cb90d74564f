"""A compiled MES pass (numba) for the many passes of add1: the float part of :class:`FastMES`.

:meth:`linli.engine.budgeting.mes.FastMES.run` spends its time in ``_evaluate`` (the price α of one
project at the current budgets) and ``_fund``: each is a dozen numpy calls on a few thousand
numbers, so numpy's per-call overhead dominates (Mokotów: 74,000 evaluations of ≈ 40 µs in an
add1 run). :func:`run_rounds` does the same rounds in one compiled loop: the same lazy
re-evaluation (a project is evaluated only while its lower bound is within ``eps`` of the best ρ
of the round), the same water-filling price, the same float guards. Whenever the floats cannot
decide, exactly where ``FastMES`` would switch to ``Fraction``s (a project whose supporters have
almost exactly its cost, a supporter whose budget is within rounding of the price, two ρ values
within a relative ``eps``), it stops *before* changing anything in that round and returns
``DOUBT``; the caller plays that round in Python with exact arithmetic and calls it again. So
every decision the compiled loop takes is one the float path of ``FastMES`` takes too, and the
outcome is the exact MES outcome (property tests compare both paths with ``mes_run_reference``).

numba is optional: without it (or with ``LINLI_MES_COMPILED=0``) ``FastMES`` runs its numpy path.
The compiled code is cached on disk (``cache=True``: next to this file, or numba's per-user cache
directory where that is not writable), so only the first run on a machine pays for compiling
(≈ 2 s, see docs/engine-budgeting.md).
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np

FINISHED = 0  # no project is affordable any more: the pass is over
DOUBT = 1  # floats cannot decide this round: play it in Python (nothing of it was changed)

# numba is imported (and the loops compiled or loaded from the cache) only on first use, so
# that importing the engine (Django, the CLI for other rules) does not pay for it
available = (
    os.environ.get("LINLI_MES_COMPILED", "1") != "0"
    and importlib.util.find_spec("numba") is not None
)
_compiled: dict[str, Any] = {}


def _kernels() -> dict[str, Any]:
    """The compiled loops: built on the first call of a process (from numba's disk cache)."""
    if not _compiled:
        import numba

        jit = numba.njit(cache=True, nogil=True)
        g = globals()
        # the compiled loops call these by their global names: replace them by compiled ones
        for name in ("_evaluate", "_p_alpha", "_p_price", "_p_floor"):
            g[name] = jit(g[name])
        _compiled["run_rounds"] = jit(_run_rounds)
        _compiled["probe"] = jit(_probe)
    return _compiled


def run_rounds(*args: Any) -> tuple[int, int]:
    """Compiled :func:`_run_rounds` (same arguments)."""
    return _kernels()["run_rounds"](*args)


def probe(*args: Any) -> tuple[bool, float]:
    """Compiled :func:`_probe` (same arguments)."""
    return _kernels()["probe"](*args)


def _evaluate(j, start, ptr, idx, sm, cost, M, bf, eps, b0f):
    """(status, α) of project j: status 0 = affordable, 1 = out (cannot pay), 2 = doubt.

    ``FastMES._evaluate`` in fewer sweeps over the supporters. The water-filling price α is the
    fixed point of x ↦ (cost − Σ_{b<x} m·b) / (M − Σ_{b<x} m); from any x ≤ α this map climbs
    monotonically to α (Σ m·min(b, x) ≤ cost there, hence the image is ≥ x, and ≤ α), and stops
    when the set of short supporters repeats, which gives exactly α computed from the final set.
    Numpy starts at the equal share cost / M; here ``start`` may be a known lower bound of α
    (the price j had earlier in the pass, slightly lowered: budgets only fall, so prices only
    rise), which saves sweeps and ends on the same set, hence the same float. The first sweep
    also sums what the supporters have, and every sweep notes whether a budget lies within
    rounding of the price it tried, so the sweep that confirms the final price has also done
    that check."""
    s, e = ptr[j], ptr[j + 1]
    c = cost[j]
    Mj = M[j]
    equal = c / Mj
    alpha = max(start, equal)
    tol = eps * c
    npoor = -1
    first = True
    near = False
    while True:
        lim = eps * alpha + 1e-12 * b0f
        near = False
        k_poor = 0
        s_poor = 0.0
        m_poor = 0.0
        avail = 0.0
        for k in range(s, e):
            b = bf[idx[k]]
            if first:
                avail += b * sm[k]
            if b < alpha:
                k_poor += 1
                s_poor += b * sm[k]
                m_poor += sm[k]
            if abs(b - alpha) <= lim:
                near = True
        if first:
            if avail < c - tol:
                return 1, 0.0
            if avail <= c + tol:  # too close to call in floats
                return 2, 0.0
            first = False
        if k_poor == npoor or (k_poor == 0 and alpha == equal):
            break
        npoor = k_poor
        alpha = (c - s_poor) / (Mj - m_poor) if k_poor > 0 else equal
    if near:  # a supporter's budget within rounding of the price: floats are unreliable
        return 2, alpha
    return 0, alpha


def _run_rounds(
    ptr,
    idx,
    sm,
    cost,
    M,
    sat,
    b0f,
    bf,
    zeroed,
    zeroed_by,
    lb,
    alive,
    sel,
    n_sel,
    alpha_out,
    mpoor,
    eps,
):
    """Play MES rounds from the current state until the pass is over or floats cannot decide.

    Projects (CSR): supporters of j are groups ``idx[ptr[j]:ptr[j+1]]`` with multiplicities
    ``sm``; ``cost``, supporter count ``M``, utility per unit ``sat``; ``b0f`` the budget per
    voter of the pass. State (changed in place): group budgets ``bf``, ``zeroed`` (paid all it had) and
    ``zeroed_by`` (the project that took its last money, −1), lower bounds ``lb`` on each
    project's ρ, ``alive`` (still in the race), funded projects ``sel[:n_sel]`` with their float
    price ``alpha_out`` and the voters who paid all they had ``mpoor``. Returns
    (FINISHED or DOUBT, new n_sel). On DOUBT only projects found unaffordable were taken out of
    the race (they are out at any later point of the pass too); the round itself is untouched.
    """
    P = cost.shape[0]
    popped = np.zeros(P, dtype=np.bool_)
    alb = np.zeros(P)  # lower bounds on prices (where evaluations start)
    seen = np.empty(P, dtype=np.int64)
    rs = np.empty(P, dtype=np.float64)
    als = np.empty(P, dtype=np.float64)
    while True:
        popped[:] = False
        best = np.inf
        ne = 0
        while True:  # pop projects in order of (lower bound, number) while they may win
            j = -1
            for q in range(P):
                if alive[q] and not popped[q]:
                    if j < 0 or lb[q] < lb[j]:
                        j = q
            if j < 0 or not lb[j] <= best * (1 + eps):
                break
            popped[j] = True
            status, alpha = _evaluate(j, alb[j], ptr, idx, sm, cost, M, bf, eps, b0f)
            if status == 2:
                return DOUBT, n_sel
            if status == 1:
                alive[j] = False
                continue
            alb[j] = alpha * (1 - 1e-9)  # a lower bound on j's price for the rest of the pass
            r = alpha / sat[j]
            seen[ne] = j
            rs[ne] = r
            als[ne] = alpha
            ne += 1
            if r < best:
                best = r
        if ne == 0:
            return FINISHED, n_sel
        win = -1
        for i in range(ne):
            if rs[i] <= best * (1 + eps):
                if win >= 0:  # a near tie: settled exactly, in Python
                    return DOUBT, n_sel
                win = i
        w = seen[win]
        alpha = als[win]
        for i in range(ne):
            lb[seen[i]] = rs[i]
        alive[w] = False
        m_poor = 0.0
        for k in range(ptr[w], ptr[w + 1]):
            g = idx[k]
            b = bf[g]
            if b < alpha:
                m_poor += sm[k]
                bf[g] = 0.0
                if not zeroed[g]:
                    zeroed[g] = True
                    zeroed_by[g] = w
            else:
                bf[g] = max(b - alpha, 0.0)
        sel[n_sel] = w
        alpha_out[w] = alpha
        mpoor[w] = m_poor
        n_sel += 1


# ---------------------------------------------------------------------------------------------
# The add1 probe (linli.engine.budgeting.add1._Probe.probe), compiled: the same steps, the same
# float margins, heaps replaced by scans over the (few) projects in the same (key, number) order.


def _p_alpha(j, B, ptr, idx, sm, cost, M, margin):
    """Float price of j at group budgets B; the flag is False when its supporters clearly
    cannot pay for it (``_Probe._alpha`` returning None)."""
    s, e = ptr[j], ptr[j + 1]
    c = cost[j]
    avail = 0.0
    bmax = 0.0
    for k in range(s, e):
        b = B[idx[k]]
        avail += b * sm[k]
        if k == s or b > bmax:
            bmax = b
    if avail < c * (1 - margin):
        return False, 0.0
    if avail <= c * (1 + margin):
        return True, bmax
    Mj = M[j]
    alpha = c / Mj
    npoor = -1
    while True:
        k_poor = 0
        s_poor = 0.0
        m_poor = 0.0
        for k in range(s, e):
            b = B[idx[k]]
            if b < alpha:
                k_poor += 1
                s_poor += b * sm[k]
                m_poor += sm[k]
        if k_poor == npoor or k_poor == 0:
            break
        npoor = k_poor
        alpha = (c - s_poor) / (Mj - m_poor)
    return True, alpha


def _p_price(j, v, lo, hi, sl, sh, need_afford, ptr, idx, sm, cost, M, margin):
    """``_Probe._price``: (status, α at t0, α low, α high, slope low, slope high).

    status 0: settled; 1: out (unaffordable even at the highest budgets); 2: cannot be settled
    (None); 3: "weak" (may be unaffordable somewhere; only α low is set)."""
    ok, a_lo = _p_alpha(j, hi, ptr, idx, sm, cost, M, margin)
    if not ok:
        return 1, 0.0, 0.0, 0.0, 0.0, 0.0
    s, e = ptr[j], ptr[j + 1]
    c = cost[j]
    avail_lo = 0.0
    for k in range(s, e):
        avail_lo += lo[idx[k]] * sm[k]
    if avail_lo < c * (1 + margin):
        if need_afford:
            return 2, 0.0, 0.0, 0.0, 0.0, 0.0
        return 3, 0.0, a_lo, 0.0, 0.0, 0.0
    ok1, a_hi = _p_alpha(j, lo, ptr, idx, sm, cost, M, margin)
    ok2, a0 = _p_alpha(j, v, ptr, idx, sm, cost, M, margin)
    if not ok1 or not ok2:
        return 2, 0.0, 0.0, 0.0, 0.0, 0.0
    n_lo = 0.0
    n_hi = 0.0
    m_poor = 0.0
    m_amb = 0.0
    for k in range(s, e):
        g = idx[k]
        m = sm[k]
        if hi[g] < a_lo * (1 - margin):  # surely short of the price
            n_lo += sl[g] * m
            n_hi += sh[g] * m
            m_poor += m
        elif not lo[g] >= a_hi * (1 + margin):  # may or may not be short
            n_lo += min(sl[g], 0.0) * m
            n_hi += max(sh[g], 0.0) * m
            m_amb += m
    d_max = M[j] - m_poor
    d_min = d_max - m_amb
    if d_min <= 0.5:
        return 2, 0.0, 0.0, 0.0, 0.0, 0.0
    top = -n_hi
    bot = -n_lo
    da_lo = top / (d_max if top >= 0 else d_min)
    da_hi = bot / (d_min if bot >= 0 else d_max)
    return 0, a0, a_lo, a_hi, da_lo, da_hi


def _p_floor(j, zero, ptr, idx, smi, Mi):
    """Supporters of j with money left (``_Probe._floor_rho`` is floor_num[j] / this)."""
    mz = 0
    for k in range(ptr[j], ptr[j + 1]):
        if zero[idx[k]]:
            mz += smi[k]
    return Mi[j] - mz


def _probe(
    winners,
    t0,
    inc,
    D,
    G,
    ptr,
    idx,
    sm,
    smi,
    cost,
    M,
    Mi,
    sat,
    rho0,
    cand,
    twin,
    floor_num,
    floor_ok,
    margin,
):
    """``_Probe.probe``: (the pass at t0 keeps its winners on [t0, t0 + D − 1], predicted first
    increment that may fail). ``floor_num[j] / (supporters with money)`` is the exact floor of
    ρ_j (integers; ``floor_ok`` False when they could not be made integers: no floor then)."""
    P = cost.shape[0]
    Dm = float(D - 1)
    v = np.full(G, t0)
    sl = np.full(G, inc)
    sh = np.full(G, inc)
    zero = np.zeros(G, dtype=np.bool_)
    lo = np.empty(G)
    hi = np.empty(G)
    pred = np.inf
    done = np.zeros(P, dtype=np.bool_)  # won or out
    key = rho0.copy()
    inheap = cand.copy()
    back = np.zeros(P, dtype=np.bool_)
    backkey = np.empty(P)
    for wi in range(winners.shape[0]):
        w = winners[wi]
        for g in range(G):
            lo[g] = max(v[g] + Dm * min(sl[g], 0.0), 0.0)
            hi[g] = v[g] + Dm * max(sh[g], 0.0)
        st, a0w, alo_w, ahi_w, dlo_w, dhi_w = _p_price(
            w, v, lo, hi, sl, sh, True, ptr, idx, sm, cost, M, margin
        )
        if st != 0:
            return False, pred
        sw = sat[w]
        r0w = a0w / sw
        up_w = min(ahi_w, a0w + Dm * max(dhi_w, 0.0)) / sw
        limit = up_w * (1 + margin)
        fw_state = 0  # 0: not computed, 1: usable (fw_rest), -1: unusable
        fw_rest = 0
        back[:] = False
        while True:
            j = -1
            for q in range(P):
                if inheap[q] and (j < 0 or key[q] < key[j]):
                    j = q
            if j < 0 or not key[j] <= limit:
                break
            inheap[j] = False
            if done[j] or j == w:
                continue
            st, a0j, alo_j, _ah, dlo_j, _dh = _p_price(
                j, v, lo, hi, sl, sh, False, ptr, idx, sm, cost, M, margin
            )
            if st == 1:
                done[j] = True
                continue
            if st == 2:
                return False, pred
            sj = sat[j]
            ok = False
            if st == 3:
                kj = alo_j / sj
                back[j] = True
                backkey[j] = kj
                if kj > limit:
                    continue
            else:
                low_j = max(alo_j, a0j + Dm * min(dlo_j, 0.0)) / sj
                back[j] = True
                backkey[j] = low_j
                if low_j > limit:
                    continue
                gap0 = a0j / sj - r0w
                slope = dlo_j / sj - dhi_w / sw
                tol = margin * max(r0w, 1e-300)
                ok = gap0 > tol and gap0 + Dm * min(slope, 0.0) > tol
                if gap0 > tol and slope < 0:
                    pred = min(pred, 1 + (gap0 - tol) / -slope)
            if ok:
                continue
            if j > w and twin[j] == twin[w]:
                continue
            if not floor_ok:
                return False, pred
            if fw_state == 0:
                fw_rest = _p_floor(w, zero, ptr, idx, smi, Mi)
                fw_state = 1
                if fw_rest > 0:  # the price at that floor: cost / (supporters with money)
                    price = cost[w] / float(fw_rest)
                    for k in range(ptr[w], ptr[w + 1]):
                        g = idx[k]
                        if not zero[g] and not lo[g] >= price * (1 + margin):
                            fw_state = -1
                            break
            if fw_state == 1:
                fj_rest = _p_floor(j, zero, ptr, idx, smi, Mi)
                # compare fj = num_j / rest_j with fw = num_w / rest_w exactly (rest ≤ 0: 10**30)
                if fj_rest <= 0 and fw_rest <= 0:
                    cmp = 0
                elif fj_rest <= 0:
                    cmp = 1
                elif fw_rest <= 0:
                    cmp = -1
                else:
                    x = floor_num[j] * fw_rest
                    y = floor_num[w] * fj_rest
                    cmp = 1 if x > y else (0 if x == y else -1)
                if cmp > 0 or (j > w and cmp == 0):
                    continue
            return False, pred
        for q in range(P):
            if back[q]:
                inheap[q] = True
                key[q] = backkey[q]
        done[w] = True
        inheap[w] = False
        # w pays: budgets and slopes of its supporters
        for k in range(ptr[w], ptr[w + 1]):
            g = idx[k]
            poor = hi[g] < alo_w * (1 - margin)
            rich = lo[g] >= ahi_w * (1 + margin)
            amb = (not zero[g]) and (not rich) and (not poor)
            nv = max(v[g] - a0w, 0.0)
            nsl = sl[g] - dhi_w
            nsh = sh[g] - dlo_w
            if amb:
                nsl = min(nsl, 0.0)
                nsh = max(nsh, 0.0)
            if poor or zero[g]:
                v[g] = 0.0
                sl[g] = 0.0
                sh[g] = 0.0
                zero[g] = True
            else:
                v[g] = nv
                sl[g] = nsl
                sh[g] = nsh
    for g in range(G):
        hi[g] = v[g] + Dm * max(sh[g], 0.0)
    for j in range(P):
        if not cand[j] or done[j]:
            continue
        avail = 0.0
        for k in range(ptr[j], ptr[j + 1]):
            avail += hi[idx[k]] * sm[k]
        if avail >= cost[j] * (1 - margin):
            return False, pred
    return True, pred
