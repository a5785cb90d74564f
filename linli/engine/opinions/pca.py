"""PCA map of the vote matrix, as Pol.is computes it (``pca.clj``, ``conversation.clj``)."""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def pca(rating: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Centre and first two principal axes of the mean-imputed rating matrix.

    Pol.is uses power iteration warm-started from its previous run, i.e. it converges to the
    leading eigenvectors; we take them exactly. Signs are fixed so each axis sums to >= 0
    (Pol.is's cold start vector is all ones), making the output deterministic.
    """
    center = np.nanmean(rating, axis=0) if rating.size else np.zeros(rating.shape[1])
    filled = np.where(np.isnan(rating), center, rating)
    centered = filled - center
    n_comps = min(2, *centered.shape)
    comps = np.zeros((2, rating.shape[1]))
    if n_comps > 0 and centered.shape[0] < centered.shape[1] <= 4096:
        # Fewer participants than statements: the same axes from the smaller participant Gram
        # matrix (v = Xᵀu / |Xᵀu|), which is what a young conversation looks like.
        vals, vecs = np.linalg.eigh(centered @ centered.T)
        for i, j in enumerate(np.argsort(vals)[::-1][:n_comps]):
            v = centered.T @ vecs[:, j]
            norm = np.linalg.norm(v)
            v = v / norm if norm > 0 else v
            comps[i] = v if v.sum() >= 0 else -v
    elif n_comps > 0:
        gram = centered.T @ centered
        n = gram.shape[0]
        # Only the top two eigenpairs are needed; LAPACK's subset driver is ~50x cheaper than a
        # full decomposition on a 500-statement conversation.
        if n <= 128:  # small: a full decomposition beats the subset driver's overhead
            vals, vecs = np.linalg.eigh(gram)
        else:
            vals, vecs = scipy.linalg.eigh(
                gram, subset_by_index=[max(n - 2, 0), n - 1], driver="evr"
            )
        order = np.argsort(vals)[::-1][:n_comps]
        for i, j in enumerate(order):
            v = vecs[:, j]
            comps[i] = v if v.sum() >= 0 else -v
    return center, comps


def project(rating: FloatArray, center: FloatArray, comps: FloatArray) -> FloatArray:
    """Pol.is sparsity-aware projection: only voted cells count, scaled by sqrt(C / #votes)."""
    voted = ~np.isnan(rating)
    dev = np.where(voted, rating - center, 0.0)
    proj = dev @ comps.T
    n_votes = voted.sum(axis=1)
    scale = np.sqrt(rating.shape[1] / np.maximum(n_votes, 1))
    return proj * scale[:, None]
