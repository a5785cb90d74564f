"""K-means exactly as Pol.is runs it (polismath/math/clusters.clj), plus silhouette.

Pol.is's k-means is not scikit-learn's: it starts from the first k *distinct* rows (so it is
deterministic without any seed), drops clusters that lose all members, and stops as soon as
the sorted centers move less than 0.01 — not at full convergence. Matching those details is
what makes group membership identical to Pol.is's, so we implement them ourselves.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def first_distinct_rows(points: FloatArray, k: int) -> FloatArray:
    """The first ``k`` distinct rows in row order (Pol.is ``init-clusters``)."""
    seen: set[bytes] = set()
    rows = []
    for row in points:
        key = row.tobytes()
        if key not in seen:
            seen.add(key)
            rows.append(row)
            if len(rows) == k:
                break
    return np.array(rows, dtype=np.float64).reshape(len(rows), points.shape[1])


def _same_clustering(old: FloatArray, new: FloatArray, threshold: float = 0.01) -> bool:
    """Pol.is compares lexicographically sorted centers pairwise (zip truncates)."""
    a = old[np.lexsort(old.T[::-1])]  # rows in lexicographic order, like sorting tuples
    b = new[np.lexsort(new.T[::-1])]
    m = min(len(a), len(b))
    return bool((np.sqrt(((a[:m] - b[:m]) ** 2).sum(axis=1)) < threshold).all())


def kmeans(
    points: FloatArray,
    k: int,
    *,
    weights: FloatArray | None = None,
    max_iters: int = 20,
    init_centers: FloatArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """Pol.is k-means. Returns (label per point, centers); labels index the returned centers.

    Cluster ids follow the init order (first distinct rows); emptied clusters are dropped and
    the survivors renumbered in id order, as Pol.is's ``sort-by :id`` output reads.
    """
    n = points.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, points.shape[1]))
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    centers = first_distinct_rows(points, k) if init_centers is None else init_centers
    p_sq = np.einsum("ij,ij->i", points, points)
    iters = max_iters
    while True:
        # squared distances; argmin picks the first of exact ties
        d2 = p_sq[:, None] - 2.0 * points @ centers.T + np.einsum("ij,ij->i", centers, centers)
        labels = np.argmin(d2, axis=1)
        counts = np.bincount(labels, minlength=len(centers))
        wsum = np.bincount(labels, weights=w, minlength=len(centers))
        keep = np.flatnonzero(counts > 0)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, points * w[:, None])
        new_centers = sums[keep] / wsum[keep, None]
        remap = np.full(len(centers), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        labels = remap[labels]
        if iters == 0 or _same_clustering(centers, new_centers):
            return labels.astype(np.int64), new_centers
        centers = new_centers
        iters -= 1


def warm_start_centers(
    points: FloatArray,
    prior_members: list[IntArray],
    k: int,
    weights: FloatArray | None = None,
) -> FloatArray | None:
    """Pol.is ``clean-start-clusters``: re-centre last run's clusters on their members' current
    positions, merge exact duplicates, then split off the most distant point until there are
    min(k, #distinct points) clusters. ``None`` when nothing of the prior survives.

    The returned centres keep the prior clusters' order, new clusters appended (Pol.is gives
    them id max + 1), so cluster order is creation order.
    """
    label = np.full(len(points), -1, dtype=np.int64)
    for j, members in enumerate(prior_members):
        label[np.asarray(members, dtype=np.int64)] = j
    return clean_start(points, label, k, weights)


def clean_start(
    points: FloatArray, label: IntArray, k: int, weights: FloatArray | None = None
) -> FloatArray | None:
    """:func:`warm_start_centers` with last run's clusters given as a label per point (-1 for
    points that were in no cluster); labels order the clusters."""
    n = len(points)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)

    def recenter(lab: IntArray) -> tuple[IntArray, FloatArray]:
        inside = lab >= 0
        used = np.unique(lab[inside])
        remap = np.full(int(used[-1]) + 1 if len(used) else 1, -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        lab = np.where(inside, remap[np.maximum(lab, 0)], -1)
        wsum = np.bincount(lab[inside], weights=w[inside], minlength=len(used))
        cs = np.zeros((len(used), points.shape[1]))
        np.add.at(cs, lab[inside], points[inside] * w[inside, None])
        return lab, cs / wsum[:, None] + 0.0

    if not (label >= 0).any():
        return None
    label, cs = recenter(label)
    # uniqify-clusters: clusters whose centres coincide are merged into the first of them
    first: dict[bytes, int] = {}
    merge = np.arange(len(cs))
    for j, c in enumerate(cs):
        merge[j] = first.setdefault(c.tobytes(), j)
    if (merge != np.arange(len(cs))).any():
        label, cs = recenter(np.where(label >= 0, merge[np.maximum(label, 0)], -1))
    possible = min(k, len({row.tobytes() for row in points + 0.0}))
    while len(cs) < possible:
        d2 = ((points[:, None, :] - cs[None, :, :]) ** 2).sum(axis=2)
        nearest = d2.min(axis=1)
        far = n - 1 - int(np.argmax(nearest[::-1]))  # max-key: last of ties
        if nearest[far] <= 0:
            break
        label[far] = len(cs)
        label, cs = recenter(label)
    return cs


def silhouette(points: FloatArray, labels: IntArray) -> float:
    """Mean silhouette over points (unweighted, singletons score 0), as Pol.is computes it."""
    n = len(points)
    if n < 2:
        return 0.0
    diff = points[:, None, :] - points[None, :, :]
    dist = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    ids = np.unique(labels)
    if len(ids) < 2:
        return float("-inf")
    onehot = (labels[:, None] == ids[None, :]).astype(np.float64)
    sizes = onehot.sum(axis=0)
    sum_to = dist @ onehot  # (n, n_clusters): total distance to each cluster
    own = np.searchsorted(ids, labels)
    own_size = sizes[own]
    a = sum_to[np.arange(n), own] / np.maximum(own_size - 1, 1)
    mean_to = sum_to / sizes[None, :]
    mean_to[np.arange(n), own] = np.inf
    b = mean_to.min(axis=1)
    denom = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(denom > 0, (b - a) / denom, 0.0)
    s = np.where(own_size <= 1, 0.0, s)
    return float(s.mean())
