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
    a = sorted(map(tuple, old))
    b = sorted(map(tuple, new))
    return all(np.hypot(*(np.subtract(x, y))) < threshold for x, y in zip(a, b, strict=False))


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
    min(k, #distinct points) clusters. ``None`` when nothing of the prior survives."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    groups: list[list[int]] = []
    centers: list[FloatArray] = []

    def center_of(idx: list[int]) -> FloatArray:
        ww = w[idx]
        return (points[idx] * ww[:, None]).sum(axis=0) / ww.sum()

    for members in prior_members:
        idx = [int(i) for i in members]
        if not idx:
            continue
        c = center_of(idx)
        for j, other in enumerate(centers):
            if np.array_equal(other, c):  # uniqify-clusters
                groups[j] = groups[j] + idx
                centers[j] = center_of(groups[j])
                break
        else:
            groups.append(idx)
            centers.append(c)
    if not centers:
        return None
    possible = min(k, len(np.unique(points, axis=0)))
    while len(centers) < possible:
        cs = np.array(centers)
        d = np.sqrt(((points[:, None, :] - cs[None, :, :]) ** 2).sum(axis=2))
        nearest = d.min(axis=1)
        far = len(points) - 1 - int(np.argmax(nearest[::-1]))  # max-key: last of ties
        if nearest[far] <= 0:
            break
        for j, g in enumerate(groups):
            if far in g:
                groups[j] = [i for i in g if i != far]
        groups.append([far])
        keep = [j for j, g in enumerate(groups) if g]
        groups = [groups[j] for j in keep]
        centers = [center_of(g) for g in groups]
    return np.array(centers)


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
