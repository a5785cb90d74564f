"""Shared pieces of the benchmark harness.

Each ``bench/bench_*.py`` module exposes ``run(only: str | None = None) -> list[BenchRow]``;
``python -m bench`` imports them all, runs them and prints one table. Peers are run in the
same process run as ours so the ratio is fair on a shared, noisy machine.
"""

from __future__ import annotations

import pathlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@dataclass
class BenchRow:
    task: str  # e.g. "MES cost, no completion"
    dataset: str  # e.g. "Poland_Lodz_2022"
    ours_s: float
    peer: str = ""  # e.g. "pabutools 1.2.3"; empty when there is no peer
    peer_s: float | None = None
    equal: bool | None = None  # outcomes identical to the peer's
    target: str = ""  # e.g. "≥20× faster"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """How many times faster we are than the peer (>1 means faster)."""
        if self.peer_s is None or self.ours_s <= 0:
            return None
        return self.peer_s / self.ours_s


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock time of ``repeat`` runs and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def format_table(rows: list[BenchRow]) -> str:
    headers = [
        "task",
        "dataset",
        "ours (s)",
        "peer",
        "peer (s)",
        "speed-up",
        "same outcome",
        "target",
        "note",
    ]
    body = []
    for r in rows:
        body.append(
            [
                r.task,
                r.dataset,
                f"{r.ours_s:.3f}",
                r.peer or "—",
                "—" if r.peer_s is None else f"{r.peer_s:.3f}",
                "—" if r.ratio is None else f"{r.ratio:.2f}×",
                "—" if r.equal is None else ("yes" if r.equal else "NO"),
                r.target,
                r.note,
            ]
        )
    widths = [
        max(len(h), *(len(row[i]) for row in body)) if body else len(h)
        for i, h in enumerate(headers)
    ]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in body]
    return "\n".join(out)
