"""Pol.is opinion-group math: PCA map, base + group clusters, repness, consensus.

Follows polismath (``math/src/polismath/math/{conversation,pca,clusters,repness,stats}.clj``)
step by step, because the point is to give residents the *same* groups and statements Pol.is
would. Where Pol.is depends on its own history (earlier cluster centres, k-smoothing) we run
the from-scratch path it takes for a new conversation unless ``Conversation.prior`` hands us the
state a previous run left (``OpinionResult.state``), which we then use the way Pol.is does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from linli.engine.opinions.clojure_order import map_order
from linli.engine.opinions.clojure_order import rank as clojure_rank
from linli.engine.opinions.clustering import kmeans, silhouette, warm_start_centers
from linli.engine.opinions.history import can_replay, replay_base_clusters
from linli.engine.opinions.model import (
    ConsensusStatement,
    Conversation,
    GroupConsensusStatement,
    GroupVotes,
    KSmoother,
    OpinionResult,
    Params,
    PriorState,
    RepStatement,
)
from linli.engine.opinions.pca import pca, project

FloatArray = NDArray[np.float64]


class OpinionInputError(ValueError):
    """Input that cannot be analysed; the message is user-facing (Chinese)."""


def vote_matrix(conv: Conversation) -> tuple[list[int], list[int], FloatArray]:
    """Participants x statements matrix (NaN = not voted); the latest re-vote wins.

    Rows are in the order participants first voted (ties: input order), as rows are appended
    to Pol.is's named matrix; k-means seeds from the first distinct rows, so this order is part
    of the result. Columns are statement ids in ascending order.
    """
    if not conv.votes:
        raise OpinionInputError("没有任何投票，无法计算观点群组")
    n = len(conv.votes)
    arr = np.empty((n, 3), dtype=np.int64)
    arr[:, 0] = np.fromiter((v.participant for v in conv.votes), dtype=np.int64, count=n)
    arr[:, 1] = np.fromiter((v.statement for v in conv.votes), dtype=np.int64, count=n)
    arr[:, 2] = np.fromiter((v.value for v in conv.votes), dtype=np.int64, count=n)
    stamps = np.fromiter((v.timestamp for v in conv.votes), dtype=np.float64, count=n)
    bad = np.flatnonzero((arr[:, 2] < -1) | (arr[:, 2] > 1))
    if len(bad):
        p, t, x = arr[bad[0]]
        raise OpinionInputError(f"投票值无效: {x}（参与者 {p}，观点 {t}），只允许 1 / -1 / 0")
    order = np.lexsort((np.arange(len(arr)), stamps))  # by time, then input order
    arr = arr[order]
    uniq, first, rows = np.unique(arr[:, 0], return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[by_first] = np.arange(len(uniq))
    pids, rows = uniq[by_first], rank[rows]
    tids, cols = np.unique(arr[:, 1], return_inverse=True)
    mat = np.full((len(pids), len(tids)), np.nan)
    cell = rows * len(tids) + cols
    _, last_rev = np.unique(cell[::-1], return_index=True)  # last occurrence = latest vote
    last = len(cell) - 1 - last_rev
    mat[rows[last], cols[last]] = arr[last, 2]
    return pids.tolist(), tids.tolist(), mat


def select_in_conv(
    pids: list[int], raw: FloatArray, prior: frozenset[int], params: Params
) -> list[int]:
    """Who is clustered: min(7, #statements) votes, topped up with the keenest voters to 15
    (ties in the order Pol.is walks its vote-count map), plus everyone admitted before."""
    counts = np.sum(~np.isnan(raw), axis=1)
    need = min(params.min_votes, raw.shape[1])
    chosen = set(prior) & set(pids)
    chosen.update(p for p, c in zip(pids, counts, strict=True) if c >= need)
    if len(chosen) < params.greedy_n:
        walk = clojure_rank(pids)
        order = sorted(
            (i for i, p in enumerate(pids) if p not in chosen),
            key=lambda i: (-counts[i], walk[pids[i]]),
        )
        chosen.update(pids[i] for i in order[: params.greedy_n - len(chosen)])
    return [p for p in pids if p in chosen]


def replay_in_conv(conv: Conversation, params: Params) -> frozenset[int]:
    """Pol.is's admission rule applied after every batch of votes, in time order ("once in,
    stays in"); votes sharing a timestamp form one batch (one math run).

    Pol.is evaluates the rule on every math run and never drops anyone, so early voters who
    were among the 15 keenest when the conversation was young stay clustered with only one or
    two votes. Replaying the vote stream reproduces that without Pol.is's stored state.
    """
    n = len(conv.votes)
    stamps = np.fromiter((v.timestamp for v in conv.votes), dtype=np.float64, count=n)
    order = np.argsort(stamps, kind="stable")
    ends = (np.flatnonzero(np.diff(stamps[order]) != 0) + 1).tolist() + [n]
    counts: dict[int, int] = {}  # in first-vote order, like the matrix rows
    seen: set[tuple[int, int]] = set()
    statements: set[int] = set()
    admitted: set[int] = set(conv.prior.in_conv) if conv.prior else set()
    start = 0
    for end in ends:
        touched = []
        for i in order[start:end].tolist():
            v = conv.votes[i]
            statements.add(v.statement)
            if (v.participant, v.statement) not in seen:
                seen.add((v.participant, v.statement))
                counts[v.participant] = counts.get(v.participant, 0) + 1
                touched.append(v.participant)
        start = end
        # The threshold min(7, #statements) never falls and untouched counts did not move,
        # so only this batch's voters can newly pass it.
        need = min(params.min_votes, len(statements))
        admitted.update(p for p in touched if counts[p] >= need)
        if len(admitted) < params.greedy_n:
            # Ties in Pol.is's order: its user-vote-counts map (clojure_order).
            walk = map_order(list(counts))
            rest = sorted((p for p in walk if p not in admitted), key=lambda p: -counts[p])
            admitted.update(rest[: params.greedy_n - len(admitted)])
        elif len(statements) >= params.min_votes:
            # From here on the threshold is fixed and the top-up never fires again, so the
            # rest of the stream only admits whoever ends with enough votes.
            break
    return frozenset(admitted)


def _prop_test(succ: FloatArray, n: FloatArray) -> FloatArray:
    return 2.0 * np.sqrt(n + 1.0) * ((succ + 1.0) / (n + 1.0) - 0.5)


def _two_prop_test(s1: FloatArray, s2: FloatArray, n1: FloatArray, n2: FloatArray) -> FloatArray:
    s1, s2, n1, n2 = s1 + 1.0, s2 + 1.0, n1 + 1.0, n2 + 1.0
    pi1, pi2 = s1 / n1, s2 / n2
    pi_hat = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (pi1 - pi2) / np.sqrt(pi_hat * (1.0 - pi_hat) * (1.0 / n1 + 1.0 / n2))
    return np.where(pi_hat == 1.0, 0.0, z)


def _counts(mat: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    return (
        np.sum(mat == 1, axis=0).astype(np.float64),
        np.sum(mat == -1, axis=0).astype(np.float64),
        np.sum(~np.isnan(mat), axis=0).astype(np.float64),
    )


def _finalize(tid: int, s: dict[str, float], best_agree: bool = False) -> RepStatement:
    agree = s["rat"] > s["rdt"]
    k = ("na", "pa", "pat", "ra", "rat") if agree else ("nd", "pd", "pdt", "rd", "rdt")
    return RepStatement(
        statement=tid,
        direction="agree" if agree else "disagree",
        n_success=int(s[k[0]]),
        n_trials=int(s["ns"]),
        p_success=float(s[k[1]]),
        p_test=float(s[k[2]]),
        repness=float(s[k[3]]),
        repness_test=float(np.float32(s[k[4]])),  # Pol.is stores it as a float
        best_agree=best_agree,
    )


def _beats_best_agree(s: dict[str, float], best: dict[str, float] | None, z: float) -> bool:
    if s["na"] == 0 and s["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return s["ra"] * s["rat"] * s["pa"] * s["pat"] > (
            best["ra"] * best["rat"] * best["pa"] * best["pat"]
        )
    if best is not None:
        return s["pa"] * s["pat"] > best["pa"] * best["pat"]
    return s["pat"] > z or (s["ra"] > 1.0 and s["pa"] > 0.5)


def _metric(r: RepStatement) -> float:
    return r.repness * r.repness_test * r.p_success * r.p_test


def representative_statements(
    rating: FloatArray,
    tids: list[int],
    labels: list[NDArray[np.bool_]],
    excluded: frozenset[int],
    params: Params,
) -> list[list[RepStatement]]:
    """Per group: statements whose agree (or disagree) rate is significantly higher in the group
    than outside it (both one-tailed z-tests above the 90 % critical value), best first."""
    z = params.z_90
    per_group = [_counts(rating[mask]) for mask in labels]
    tot_a = sum(g[0] for g in per_group)
    tot_d = sum(g[1] for g in per_group)
    tot_s = sum(g[2] for g in per_group)
    out: list[list[RepStatement]] = []
    for na, nd, ns in per_group:
        ra_, rd_, rs_ = tot_a - na, tot_d - nd, tot_s - ns
        pa = (1 + na) / (2 + ns)
        pd = (1 + nd) / (2 + ns)
        cols = {
            "na": na,
            "nd": nd,
            "ns": ns,
            "pa": pa,
            "pd": pd,
            "pat": _prop_test(na, ns),
            "pdt": _prop_test(nd, ns),
            "ra": pa / ((1 + ra_) / (2 + rs_)),
            "rd": pd / ((1 + rd_) / (2 + rs_)),
            "rat": _two_prop_test(na, ra_, ns, rs_),
            "rdt": _two_prop_test(nd, rd_, ns, rs_),
        }
        sufficient: list[RepStatement] = []
        best: RepStatement | None = None
        best_agree: dict[str, float] | None = None
        best_agree_tid = -1
        for j, tid in enumerate(tids):
            if tid in excluded:
                continue
            s = {key: float(col[j]) for key, col in cols.items()}
            if (s["rat"] > z and s["pat"] > z) or (s["rdt"] > z and s["pdt"] > z):
                sufficient.append(_finalize(tid, s))
            if not sufficient and (best is None or max(s["rat"], s["rdt"]) > best.repness_test):
                best = _finalize(tid, s)
            if _beats_best_agree(s, best_agree, z):
                best_agree, best_agree_tid = s, tid
        head = [_finalize(best_agree_tid, best_agree, True)] if best_agree is not None else []
        if not sufficient:
            out.append(head or ([best] if best is not None else []))
            continue
        rest = sorted(
            (r for r in sufficient if r.statement != best_agree_tid), key=lambda r: -_metric(r)
        )
        chosen = (head + rest)[: params.pick_max]
        out.append(
            [r for r in chosen if r.direction == "agree"]
            + [r for r in chosen if r.direction == "disagree"]
        )
    return out


def consensus_statements(
    rating: FloatArray, tids: list[int], excluded: frozenset[int], params: Params
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Statements most of *everyone* agrees (disagrees) with: p > 0.5 and z above 90 %."""
    na, nd, ns = _counts(rating)
    result = []
    for n_succ in (na, nd):
        p = (1 + n_succ) / (2 + ns)
        pt = _prop_test(n_succ, ns)
        cand = [
            j
            for j, t in enumerate(tids)
            if t not in excluded and p[j] > 0.5 and pt[j] > params.z_90
        ]
        cand.sort(key=lambda j: -(p[j] * pt[j]))
        result.append(
            [
                ConsensusStatement(tids[j], int(n_succ[j]), int(ns[j]), float(p[j]), float(pt[j]))
                for j in cand[: params.pick_max]
            ]
        )
    return result[0], result[1]


def meets_consensus_rule(n_success: int, n_trials: int, params: Params) -> bool:
    """Pol.is's consensus rule for one set of voters: (1 + s) / (2 + n) > 0.5 and the
    one-proportion z-test above the one-tailed 90 % value."""
    p = (1.0 + n_success) / (2.0 + n_trials)
    z = float(_prop_test(np.float64(n_success), np.float64(n_trials)))
    return p > 0.5 and z > params.z_90


def group_consensus(
    group_votes: dict[int, dict[int, GroupVotes]],
    tids: list[int],
    excluded: frozenset[int],
    direction: str,
    params: Params,
) -> list[GroupConsensusStatement]:
    """Statements that meet the consensus rule inside *every* group, best (highest product of
    the groups' rates) first, at most ``pick_max``. Empty with fewer than two groups: a
    "every group agrees" claim needs groups."""
    if len(group_votes) < 2:
        return []
    out = []
    for t in tids:
        if t in excluded:
            continue
        per = {g: votes[t] for g, votes in group_votes.items()}
        succ = {g: (v.agree if direction == "agree" else v.disagree) for g, v in per.items()}
        if all(meets_consensus_rule(succ[g], v.total, params) for g, v in per.items()):
            score = float(np.prod([(succ[g] + 1.0) / (v.total + 2.0) for g, v in per.items()]))
            out.append(GroupConsensusStatement(t, direction, score, per))
    out.sort(key=lambda c: (-c.score, c.statement))
    return out[: params.pick_max]


def consistency_problems(result: OpinionResult, params: Params | None = None) -> list[str]:
    """What a results page would contradict itself on, in Chinese; empty when consistent.

    Every statement listed as agreed (disagreed) by every group must meet the consensus rule
    in every group shown, checked against the groups' own vote counts.
    """
    params = params or Params()
    problems = []
    for items in (result.group_consensus_agree, result.group_consensus_disagree):
        for c in items:
            for g in result.group_members:
                v = result.group_votes[g][c.statement]
                succ = v.agree if c.direction == "agree" else v.disagree
                if not meets_consensus_rule(succ, v.total, params):
                    verb = "赞同" if c.direction == "agree" else "反对"
                    problems.append(
                        f"观点 {c.statement} 列为各群组都{verb}，但群组 {g} 只有 "
                        f"{succ}/{v.total} 人{verb}"
                    )
    return problems


def analyze(conv: Conversation, params: Params | None = None) -> OpinionResult:
    """Run the whole Pol.is pipeline on one conversation.

    BLAS is kept single-threaded: our matrices are small (≤ a few thousand x ~500), and on a
    shared 2-core server multi-threaded BLAS was 10x *slower* than one thread.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyze(conv, params or Params())


def _analyze(conv: Conversation, params: Params) -> OpinionResult:
    pids, tids, raw = vote_matrix(conv)
    excluded = frozenset(conv.moderated_out) | frozenset(conv.meta)
    rating = raw.copy()
    for j, t in enumerate(tids):
        if t in excluded:
            rating[:, j] = 0.0  # Pol.is zero-out-columns: everyone "passed"
    center, comps = pca(rating)
    proj = project(rating, center, comps)
    # Virtual participant agreeing with one statement only -> where the statement sits.
    eye = np.full((len(tids), len(tids)), np.nan)
    np.fill_diagonal(eye, 1.0)
    cmnt_proj = project(eye, center, comps) if tids else np.zeros((0, 2))

    prior = conv.prior or PriorState()
    replayed = False
    if can_replay(conv, len(pids), params):
        # No state (a cold import): rebuild the base clusters Pol.is's history leaves behind.
        prior = replay_base_clusters(conv, params)
        replayed = True
    earlier = prior.in_conv
    if params.replay_history and any(v.timestamp for v in conv.votes):
        earlier = earlier | replay_in_conv(conv, params)
    in_conv = select_in_conv(pids, raw, earlier, params)
    row = {p: i for i, p in enumerate(pids)}
    in_idx = np.array([row[p] for p in in_conv], dtype=np.int64)
    in_proj = proj[in_idx]
    in_row = {p: i for i, p in enumerate(in_conv)}

    def prior_index_lists(clusters: tuple[tuple[int, ...], ...]) -> list[np.ndarray]:
        return [np.array([in_row[p] for p in c if p in in_row], dtype=np.int64) for c in clusters]

    base_init = (
        warm_start_centers(in_proj, prior_index_lists(prior.base_clusters), params.base_k)
        if prior.base_clusters
        else None
    )
    base_labels, base_centers = kmeans(
        in_proj, params.base_k, max_iters=params.base_iters, init_centers=base_init
    )
    base_weights = np.bincount(base_labels, minlength=len(base_centers)).astype(np.float64)
    n_base = len(base_centers)
    max_k = min(params.max_k, 2 + n_base // 12)
    silhouettes: dict[int, float] = {}
    clusterings: dict[int, np.ndarray] = {}
    for k in range(2, max_k + 1):
        if n_base < 2:
            break
        # Fresh from the first k base clusters in creation order, as Pol.is does whenever it
        # loads a conversation (its persisted state has no group clusterings): what every
        # Pol.is result we can compare with was computed from. Stability between runs comes
        # from the warm-started base clusters and the k-smoother below.
        labels_k, _ = kmeans(base_centers, k, weights=base_weights, max_iters=params.group_iters)
        clusterings[k] = labels_k
        silhouettes[k] = silhouette(base_centers, labels_k)
    smoother = prior.k_smoother
    if clusterings:
        this_k = max(silhouettes, key=lambda k: (silhouettes[k], k))  # ties -> larger k
        count = smoother.last_k_count + 1 if smoother.last_k == this_k else 1
        if count >= params.k_buffer or smoother.smoothed_k not in clusterings:
            smoothed = this_k
        else:
            smoothed = smoother.smoothed_k
        smoother = KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)
        group_of_base = clusterings[smoothed]
    else:
        group_of_base = np.zeros(n_base, dtype=np.int64)
    ptpt_group = group_of_base[base_labels] if n_base else np.zeros(0, dtype=np.int64)
    n_groups = int(ptpt_group.max()) + 1 if len(ptpt_group) else 0

    masks = []
    for g in range(n_groups):
        mask = np.zeros(len(pids), dtype=bool)
        mask[in_idx[ptpt_group == g]] = True
        masks.append(mask)
    rep = representative_statements(rating, tids, masks, excluded, params)
    cons_a, cons_d = consensus_statements(rating, tids, excluded, params)

    gac = np.ones(len(tids))
    group_votes: dict[int, dict[int, GroupVotes]] = {}
    for g, mask in enumerate(masks):
        a, d, s = _counts(raw[mask])
        gac *= (a + 1.0) / (s + 2.0)
        group_votes[g] = {
            t: GroupVotes(int(a[j]), int(d[j]), int(s[j])) for j, t in enumerate(tids)
        }
    gc_agree, gc_disagree = (
        group_consensus(group_votes, tids, excluded, direction, params)
        for direction in ("agree", "disagree")
    )

    groups = {p: int(g) for p, g in zip(in_conv, ptpt_group, strict=True)}
    base_lists = [[in_conv[i] for i in np.flatnonzero(base_labels == b)] for b in range(n_base)]
    group_lists = [[p for p in in_conv if groups[p] == g] for g in range(n_groups)]
    state = PriorState(
        in_conv=frozenset(in_conv),
        base_clusters=tuple(tuple(b) for b in base_lists),
        group_clusters=tuple(tuple(g) for g in group_lists),
        k_smoother=smoother,
    )
    return OpinionResult(
        participants=pids,
        statements=tids,
        center=center.tolist(),
        components=comps.tolist(),
        projection={p: (float(x), float(y)) for p, (x, y) in zip(pids, proj, strict=True)},
        in_conv=in_conv,
        base_clusters=base_lists,
        base_centers=[(float(x), float(y)) for x, y in base_centers],
        groups=groups,
        group_members=dict(enumerate(group_lists)),
        k=n_groups,
        silhouettes=silhouettes,
        repness={g: rep[g] for g in range(n_groups)},
        consensus_agree=cons_a,
        consensus_disagree=cons_d,
        group_aware_consensus={t: float(v) for t, v in zip(tids, gac, strict=True)},
        group_consensus_agree=gc_agree,
        group_consensus_disagree=gc_disagree,
        group_votes=group_votes,
        statement_projection={
            t: (float(x), float(y)) for t, (x, y) in zip(tids, cmnt_proj, strict=True)
        },
        state=state,
        replayed_history=replayed,
    )
