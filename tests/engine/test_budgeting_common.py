"""Shared helpers for the budgeting tests (no tests here): cached reads of the shared files."""

from __future__ import annotations

import functools
import pathlib

from linli.engine.budgeting import pbfile
from linli.engine.budgeting.model import Election

DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"


@functools.cache
def load(stem: str) -> Election:
    return pbfile.read(DATA / f"{stem}.pb")


def stems(approval_only: bool = False) -> list[str]:
    out = []
    for p in sorted(DATA.glob("*.pb")):
        if approval_only:
            head = p.read_text(encoding="utf-8")[:4000]
            if "vote_type;approval" not in head and "vote_type;choose-1" not in head:
                continue
        out.append(p.stem)
    return out
