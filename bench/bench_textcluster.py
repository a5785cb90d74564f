"""Needs clustering: speed at community scale, and the accuracy figures of the docs.

No peer: there is no public Chinese near-duplicate clusterer to compare against offline.
The note column carries pairwise precision/recall/F1 on the labelled fixture, so a change
that makes clustering faster but worse shows up in the same table.
"""

from __future__ import annotations

import csv
import json
import re

from bench.common import REPO, SHARED_DATA, BenchRow, timed
from linli.engine.textcluster import (
    NeedText,
    cluster_needs,
    likely_duplicates,
    pairwise_prf,
    tokenise,
)

FIXTURE = REPO / "tests" / "engine" / "fixtures" / "needs_labelled.jsonl"
VTAIWAN = SHARED_DATA / "polis" / "opendata" / "vtaiwan.uberx" / "comments.csv"


def _fixture() -> list[dict[str, str]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _prf(rows: list[dict[str, str]]) -> tuple[float, tuple[float, float, float]]:
    needs = [NeedText(r["id"], r["text"]) for r in rows]
    seconds, clusters = timed(lambda: cluster_needs(needs))
    where = {m.id: i for i, c in enumerate(clusters) for m in c.members}
    return seconds, pairwise_prf([where[r["id"]] for r in rows], [r["label"] for r in rows])


def run(only: str | None = None) -> list[BenchRow]:
    rows = _fixture()
    tokenise("预热")  # jieba loads its dictionary once (~1 s); not part of clustering
    out: list[BenchRow] = []
    for split in ("tune", "test", None):
        part = [r for r in rows if split is None or r["split"] == split]
        seconds, (p, r, f) = _prf(part)
        out.append(
            BenchRow(
                task="cluster needs",
                dataset=f"needs_labelled/{split or 'all'} ({len(part)})",
                ours_s=seconds,
                note=f"P {p:.3f} R {r:.3f} F1 {f:.3f}",
            )
        )

    # Community scale: 2,000 needs (the fixture ×6 with building numbers appended).
    big = [
        NeedText(f"{r['id']}-{k}", f"{r['text']}（{k + 1}号楼）") for k in range(6) for r in rows
    ][:2000]
    seconds, clusters = timed(lambda: cluster_needs(big))
    out.append(
        BenchRow("cluster needs", "fixture ×6 (2,000)", seconds, note=f"{len(clusters)} clusters")
    )
    seconds, hits = timed(lambda: likely_duplicates("楼道里的灯坏了，晚上很黑", big, k=5))
    out.append(
        BenchRow("likely_duplicates k=5", "fixture ×6 (2,000)", seconds, note=f"{len(hits)} hits")
    )

    if VTAIWAN.exists():
        with VTAIWAN.open(encoding="utf-8") as fh:
            comments = [
                NeedText(c["comment-id"], c["comment-body"])
                for c in csv.DictReader(fh)
                if re.search(r"[\u4e00-\u9fff]", c["comment-body"])
            ]
        seconds, clusters = timed(lambda: cluster_needs(comments))
        multi = sum(1 for c in clusters if c.size > 1)
        out.append(
            BenchRow(
                "cluster needs",
                f"vtaiwan.uberx ({len(comments)})",
                seconds,
                note=f"{multi} clusters of size >1",
            )
        )
    return out


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
