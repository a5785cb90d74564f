"""Opinion groups vs red-dwarf 0.4.0 on every shared Pol.is conversation.

Rows: the four openData exports (reference: the ``group-id`` Pol.is recorded per participant in
``participants-votes.csv``) and the three Pol.is-math fixtures (reference: the groups in Pol.is's
own ``math-pca2.json``). Both sides run their full pipeline from the export files (parsing
included) in the same process, cold (no Pol.is state); agreement is the adjusted Rand index over
participants both sides clustered. red-dwarf is only fed local data (no Loader, so no network).
"""

from __future__ import annotations

import csv
import json
import pathlib
import warnings
from typing import Any

from bench.common import SHARED_DATA, BenchRow, timed

OPENDATA = SHARED_DATA / "polis" / "opendata"
POLIS_MATH = SHARED_DATA / "polis" / "polis-math"
OPENDATA_SETS = [
    "vtaiwan.uberx",
    "austria-climate.5twd2jsnkf.2022-08-08",
    "brexit-consensus",
    "london.youth.policing",
]
MATH_SETS = ["25ptpt-3gp-no-strict-with-meta", "above-100-ptpts", "below-100-ptpts"]


def recorded_groups(folder: pathlib.Path) -> dict[int, int]:
    """Pol.is's own group per participant: participants-votes.csv ``group-id`` (openData) or
    the group clusters of math-pca2.json (Pol.is-math fixtures)."""
    if (folder / "math-pca2.json").exists():
        math = json.loads((folder / "math-pca2.json").read_text(encoding="utf-8"))
        base = math["base-clusters"]
        members = dict(zip(base["id"], base["members"], strict=True))
        return {
            int(p): int(g["id"])
            for g in math["group-clusters"]
            for b in g["members"]
            for p in members[b]
        }
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


def run_ours(folder: pathlib.Path, **params: Any) -> dict[int, int]:
    from linli.engine.opinions import Params, analyze, load_folder

    return analyze(load_folder(folder), Params(**params)).groups


def _reddwarf_inputs(folder: pathlib.Path) -> tuple[list[dict[str, Any]], list[int]]:
    """Latest vote per (participant, statement) and the statements kept out of clustering
    (moderated out, and meta where the export says so), in red-dwarf's vote format."""
    latest: dict[tuple[int, int], tuple[float, int]] = {}
    mod_out: set[int] = set()
    if (folder / "votes.json").exists():
        for v in json.loads((folder / "votes.json").read_text(encoding="utf-8")):
            pid = int(v.get("participant_id", v.get("pid")))
            tid = int(v.get("statement_id", v.get("tid")))
            ts = float(v.get("modified") or 0)
            if (pid, tid) not in latest or ts >= latest[(pid, tid)][0]:
                latest[(pid, tid)] = (ts, int(v["vote"]))
        for c in json.loads((folder / "comments.json").read_text(encoding="utf-8")):
            tid = int(c.get("statement_id", c.get("tid")))
            if c.get("is_meta") or int(c.get("moderated", c.get("mod", 0)) or 0) == -1:
                mod_out.add(tid)
    else:
        with (folder / "votes.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                key = (int(r["voter-id"]), int(r["comment-id"]))
                ts = float(r["timestamp"])
                if key not in latest or ts >= latest[key][0]:
                    latest[key] = (ts, int(r["vote"]))
        with (folder / "comments.csv").open(encoding="utf-8", newline="") as fh:
            mod_out = {int(r["comment-id"]) for r in csv.DictReader(fh) if r["moderated"] == "-1"}
    votes = [
        {"participant_id": p, "statement_id": c, "vote": v, "modified": ts}
        for (p, c), (ts, v) in latest.items()
    ]
    return votes, sorted(mod_out)


def run_reddwarf(folder: pathlib.Path, extra_mod_out: tuple[int, ...] = ()) -> dict[int, int]:
    """red-dwarf's Pol.is pipeline (defaults, random_state=0) on the same files."""
    from reddwarf.implementations.polis import run_pipeline

    votes, mod_out = _reddwarf_inputs(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(
            votes=votes,
            mod_out_statement_ids=sorted(set(mod_out) | set(extra_mod_out)),
            random_state=0,
        )
    labels = result.participants_df["cluster_id"].dropna()
    return {int(p): int(g) for p, g in labels.items()}


def datasets() -> list[pathlib.Path]:
    return [OPENDATA / n for n in OPENDATA_SETS] + [POLIS_MATH / n for n in MATH_SETS]


def run(only: str | None = None) -> list[BenchRow]:
    import reddwarf  # noqa: F401  (fail early if the peer is missing)

    rows = []
    for folder in datasets():
        if only and only not in folder.name:
            continue
        reference = recorded_groups(folder)
        ours_s, ours_labels = timed(lambda f=folder: run_ours(f), repeat=3)
        peer_s, peer_labels = timed(lambda f=folder: run_reddwarf(f), repeat=3)
        a_ours, a_peer = ari(reference, ours_labels), ari(reference, peer_labels)
        kind = "Pol.is math" if folder.parent == POLIS_MATH else "openData"
        rows.append(
            BenchRow(
                task=f"opinion groups vs {kind}",
                dataset=folder.name.split(".2022")[0],
                ours_s=ours_s,
                peer="red-dwarf 0.4.0",
                peer_s=peer_s,
                equal=a_ours >= a_peer,
                target="ARI ≥ peer" + (", ≥ 0.95" if kind == "Pol.is math" else ""),
                note=f"ARI vs Pol.is: ours {a_ours:.4f}, red-dwarf {a_peer:.4f}",
            )
        )
    return rows
