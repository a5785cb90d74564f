"""Rebuild the base clusters Pol.is would hold after a conversation's history (cold imports).

Pol.is never clusters a conversation from scratch: every math run starts its base k-means from
the previous run's base clusters (``clean-start-clusters`` in ``clusters.clj``) and only ever
appends new clusters (id = max id + 1) for the most distant points. The group clustering, on
the other hand, is started afresh from the *first k base clusters in id order* whenever Pol.is
loads a conversation (``restructure-json-conv`` in ``conv_man.clj`` keeps the base clusters but
not ``:group-clusterings`` or the k-smoother). Every ``math-pca2.json`` we have is exactly that:
fresh groups on history-laden base clusters. So to get Pol.is's groups from a vote export alone
we need the *order* in which Pol.is created its base clusters, which only the vote stream
holds.

While a conversation has at most ``base_k`` (100) participants, every distinct position is its
own base cluster and the replay is exact: a run per distinct vote timestamp, the same admission
rule (ties in the top-up in Pol.is's map order, :mod:`.clojure_order`), PCA and warm-started
k-means as :mod:`linli.engine.opinions.pipeline`. Above that, base
clusters are real k-means clusters whose membership depends on Pol.is's unknown batch timing
(replays with different spacings gave ARI 0.45-0.99 on ``above-100-ptpts``), so larger
conversations are not replayed.
"""

from __future__ import annotations

import numpy as np

from linli.engine.opinions.clojure_order import ARRAY_MAP_MAX, map_order
from linli.engine.opinions.clustering import clean_start, kmeans
from linli.engine.opinions.model import Conversation, Params, PriorState
from linli.engine.opinions.pca import pca, project


def can_replay(conv: Conversation, n_participants: int, params: Params) -> bool:
    """Replay only cold runs with timestamps and at most ``base_k`` participants."""
    return (
        params.replay_history
        and conv.prior is None
        and n_participants <= params.base_k
        and len(conv.votes) <= params.replay_max_votes
        and any(v.timestamp for v in conv.votes)
    )


def _one_cluster_per_position(same: np.ndarray, labels: np.ndarray) -> bool:
    """True when the clusters and the groups of identical positions are the same partition."""
    pairs = len(set(zip(same.tolist(), labels.tolist(), strict=True)))
    return pairs == len(set(same.tolist())) == len(set(labels.tolist()))


def replay_base_clusters(conv: Conversation, params: Params) -> PriorState:
    """Run Pol.is's update once per distinct vote timestamp, up to (not including) the last;
    return the admitted participants and base clusters (in creation order) it ends with."""
    n = len(conv.votes)
    stamps = np.fromiter((v.timestamp for v in conv.votes), dtype=np.float64, count=n)
    order = np.argsort(stamps, kind="stable")
    row_of: dict[int, int] = {}
    col_of: dict[int, int] = {}
    for i in order:
        v = conv.votes[i]
        row_of.setdefault(v.participant, len(row_of))
        col_of.setdefault(v.statement, len(col_of))
    pids = list(row_of)
    # Each row's place in Pol.is's hash-map walk over all participants; restricted to the rows
    # seen so far it is the walk of the map Pol.is holds at that run.
    trie_rank = np.empty(len(pids), dtype=np.int64)
    trie_rank[[row_of[p] for p in map_order(pids)]] = np.arange(len(pids))
    raw = np.full((len(row_of), len(col_of)), np.nan)
    excluded = np.zeros(len(col_of), dtype=bool)
    for t, j in col_of.items():
        excluded[j] = t in conv.moderated_out or t in conv.meta
    counts = np.zeros(len(row_of), dtype=np.int64)
    admitted = np.zeros(len(row_of), dtype=bool)
    # Base cluster of each participant row (-1: none); cluster numbers are creation order.
    base_label = np.full(len(row_of), -1, dtype=np.int64)
    ran = False
    last_in = last_same = np.zeros(0, dtype=np.int64)
    n_rows = n_cols = 0
    sorted_stamps = stamps[order]
    # A math run after each batch of votes sharing a timestamp, except the final one (the
    # caller's own run is that).
    ends = np.flatnonzero(np.diff(sorted_stamps) != 0) + 1
    start = 0
    for end in ends.tolist():
        for i in order[start:end].tolist():
            v = conv.votes[i]
            r, c = row_of[v.participant], col_of[v.statement]
            if np.isnan(raw[r, c]):
                counts[r] += 1
            raw[r, c] = v.value
            n_rows, n_cols = max(n_rows, r + 1), max(n_cols, c + 1)
        start = end
        cnt = counts[:n_rows]
        adm = admitted[:n_rows]
        adm |= cnt >= min(params.min_votes, n_cols)
        missing = params.greedy_n - int(adm.sum())
        if missing > 0:
            # Pol.is's tie order: its user-vote-counts map (clojure_order).
            if n_rows <= ARRAY_MAP_MAX:
                walk = np.arange(n_rows)
            else:
                walk = np.argsort(trie_rank[:n_rows], kind="stable")
            rest = walk[~adm[walk]]
            top = rest[np.argsort(-cnt[rest], kind="stable")][:missing]
            adm[top] = True
        rating = raw[:n_rows, :n_cols].copy()
        rating[:, excluded[:n_cols]] = 0.0
        in_idx = np.flatnonzero(adm)
        # Which admitted participants share a vote row (hence a position on the map).
        seen: dict[bytes, int] = {}
        same = np.array([seen.setdefault(row.tobytes(), len(seen)) for row in rating[in_idx]])
        if (
            ran
            and np.array_equal(in_idx, last_in)
            and np.array_equal(same, last_same)
            and _one_cluster_per_position(same, base_label[in_idx])
        ):
            # Every base cluster is exactly one distinct position and none appeared or merged:
            # Pol.is's run re-centres each cluster on its own point and changes nothing.
            continue
        center, comps = pca(rating)
        points = project(rating, center, comps)[in_idx]
        init = clean_start(points, base_label[in_idx], params.base_k) if ran else None
        labels, _ = kmeans(points, params.base_k, max_iters=params.base_iters, init_centers=init)
        base_label[:] = -1
        base_label[in_idx] = labels
        ran, last_in, last_same = True, in_idx, same
    base = [
        tuple(pids[r] for r in np.flatnonzero(base_label == b))
        for b in range(int(base_label.max()) + 1)
    ]
    return PriorState(
        in_conv=frozenset(pids[r] for r in np.flatnonzero(admitted)),
        base_clusters=tuple(b for b in base if b),
    )
