"""Opinion groups vs red-dwarf 0.4.0 on real Pol.is openData conversations.

Both sides run their full pipeline from the export files (CSV parsing included) in the same
process; agreement is the adjusted Rand index against the group-id Pol.is recorded for each
participant. red-dwarf is only fed local data (no Loader, so no network / requests-cache).
"""

from __future__ import annotations

import csv
import pathlib
import warnings
from typing import Any

from bench.common import SHARED_DATA, BenchRow, timed

OPENDATA = SHARED_DATA / "polis" / "opendata"
DATASETS = ["vtaiwan.uberx", "austria-climate.5twd2jsnkf.2022-08-08"]


def recorded_groups(folder: pathlib.Path) -> dict[int, int]:
    """Pol.is's own group per participant (participants-votes.csv ``group-id``)."""
    with (folder / "participants-votes.csv").open(encoding="utf-8", newline="") as fh:
        return {
            int(r["participant"]): int(r["group-id"])
            for r in csv.DictReader(fh)
            if r["group-id"] not in ("", None)
        }


def ari(reference: dict[int, int], labels: dict[int, int]) -> float:
    """ARI over participants both sides clustered."""
    from sklearn.metrics import adjusted_rand_score

    common = sorted(set(reference) & set(labels))
    return float(adjusted_rand_score([reference[p] for p in common], [labels[p] for p in common]))


def run_ours(folder: pathlib.Path) -> dict[int, int]:
    from linli.engine.opinions import analyze, load_folder

    return analyze(load_folder(folder)).groups


def run_reddwarf(folder: pathlib.Path) -> dict[int, int]:
    """red-dwarf's Pol.is pipeline on the same files (latest re-vote wins, mod-out applied)."""
    from reddwarf.implementations.polis import run_pipeline

    latest: dict[tuple[int, int], tuple[int, int]] = {}
    with (folder / "votes.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (int(r["voter-id"]), int(r["comment-id"]))
            ts = int(r["timestamp"])
            if key not in latest or ts >= latest[key][0]:
                latest[key] = (ts, int(r["vote"]))
    votes: list[dict[str, Any]] = [
        {"participant_id": p, "statement_id": c, "vote": v, "modified": ts}
        for (p, c), (ts, v) in latest.items()
    ]
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as fh:
        mod_out = [int(r["comment-id"]) for r in csv.DictReader(fh) if int(r["moderated"]) == -1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
    labels = result.participants_df["cluster_id"].dropna()
    return {int(p): int(g) for p, g in labels.items()}


def run(only: str | None = None) -> list[BenchRow]:
    import reddwarf  # noqa: F401  (fail early if the peer is missing)

    rows = []
    for name in DATASETS:
        if only and only not in name:
            continue
        folder = OPENDATA / name
        reference = recorded_groups(folder)
        ours_s, ours_labels = timed(lambda f=folder: run_ours(f), repeat=3)
        peer_s, peer_labels = timed(lambda f=folder: run_reddwarf(f), repeat=3)
        a_ours, a_peer = ari(reference, ours_labels), ari(reference, peer_labels)
        rows.append(
            BenchRow(
                task="opinion groups (PCA+k-means+repness)",
                dataset=name.split(".2022")[0],
                ours_s=ours_s,
                peer="red-dwarf 0.4.0",
                peer_s=peer_s,
                equal=a_ours >= a_peer,
                target="faster, ARI ≥ peer",
                note=f"ARI vs Pol.is: ours {a_ours:.4f}, red-dwarf {a_peer:.4f}",
            )
        )
    return rows
