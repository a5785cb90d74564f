"""Participatory budgeting on Poland_Lodz_2022 (160 projects, 90,494 voters).

Rows: reading the .pb file; MES with cost utilities without completion and with add1, each
beside pabutools 1.2.3 and the C++ ``muoblpbindings`` run in the same process. Our timings
include merging identical ballots (the file is already parsed for every contender).

Utility conventions differ between libraries: pabutools ``Cost_Sat`` (our ``utility="cost"``)
selects by price relative to cost; the C++ library reaches the same rule when every approval is
given one unit of utility, which is what we feed it (checked on Assen, Świecie and Wieliczka).
"""

from __future__ import annotations

import os
from typing import Any

from bench.common import SHARED_DATA, BenchRow, timed
from linli.engine.budgeting import pbfile
from linli.engine.budgeting.mes import mes

FILE = SHARED_DATA / "pabulib" / "Poland_Lodz_2022.pb"
DATASET = "Poland_Lodz_2022"


def _pabutools(add1: bool) -> tuple[float, list[str]]:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    instance, profile = parse_pabulib(str(FILE))
    multi = profile.as_multiprofile()
    secs, res = timed(
        lambda: method_of_equal_shares(
            instance, multi, sat_class=Cost_Sat, voter_budget_increment=1 if add1 else None
        )
    )
    return secs, [p.name for p in res]


def _cpp_inputs(election: Any) -> tuple[Any, ...]:
    inst, prof = election.instance, election.profile
    voters = [b.voter_id for b in prof.ballots]
    projects = list(inst.projects)
    cost = {p: float(inst.projects[p].cost) for p in projects}
    approvals: dict[str, list[tuple[str, int]]] = {p: [] for p in projects}
    for b in prof.ballots:
        for p in b.projects:
            approvals[p].append((b.voter_id, 1))
    total = {p: len(v) for p, v in approvals.items()}
    return voters, projects, cost, approvals, total, float(inst.budget)


def run(only: str | None = None) -> list[BenchRow]:
    rows: list[BenchRow] = []
    read_s, election = timed(lambda: pbfile.read(FILE), repeat=3)
    rows.append(BenchRow("read .pb file", DATASET, read_s, target="< 2 s", note="90,494 ballots"))
    inst, prof = election.instance, election.profile
    skip_slow = os.environ.get("LINLI_BENCH_SKIP_PABUTOOLS") == "1"
    try:
        import muoblpbindings as cpp
    except ImportError:  # pragma: no cover - optional peer
        cpp = None
    for add1 in (False, True):
        comp = "add1" if add1 else None
        ours_s, ours = timed(
            lambda comp=comp: mes(inst, prof, utility="cost", completion=comp),
            repeat=3 if not add1 else 1,
        )
        task = "MES cost, " + ("add1" if add1 else "no completion")
        note = f"{len(ours.selected)} funded, {ours.details['iterations']} passes"
        if not skip_slow:
            peer_s, peer = _pabutools(add1)
            rows.append(
                BenchRow(
                    task,
                    DATASET,
                    ours_s,
                    "pabutools 1.2.3",
                    peer_s,
                    equal=peer == ours.selected,
                    target="≥20× faster",
                    note=note,
                )
            )
        if cpp is not None:
            args = _cpp_inputs(election)
            fn = cpp.equal_shares_add1 if add1 else cpp.equal_shares_utils
            cpp_s, got = timed(lambda fn=fn, args=args: fn(*args))
            rows.append(
                BenchRow(
                    task,
                    DATASET,
                    ours_s,
                    "muoblpbindings 0.0.16 (C++)",
                    cpp_s,
                    equal=set(got) == set(ours.selected),
                    target="≥0.5× (within 2×)",
                    note=note + "; C++ returns a set, compared as sets",
                )
            )
    return rows
