"""Participatory budgeting on Poland_Lodz_2022 (160 projects, 90,494 voters), and MES + add1
on the files where add1 needs many increments.

Rows: reading the .pb file; MES with cost utilities without completion and with add1, each
beside pabutools 1.2.3 and the C++ ``muoblpbindings`` run in the same process. Our timings
include merging identical ballots (the file is already parsed for every contender).

add1 rows (``ADD1_FILES``): our jump (the default) beside the C++ library (which walks one
currency unit at a time) and beside our own one-unit walk, all in the same run, for cost and
cardinality utilities (the C++ library only has the rule our cost utilities give). The walk on
the two Hungarian files takes minutes (budgets in forint: 42,460 to 279,265 increments), so it
only runs with ``LINLI_BENCH_WALK_ALL=1``; pabutools add1 there needs hours and is not run.

Every shared approval and choose-1 file (``_every_file_rows``): MES + add1, cost and cardinality utilities,
engine time per file as wall time (best of 2) with the process CPU time in the note, since the
machine is shared. The passes of add1 run compiled (numba, ``linli.engine.budgeting.mes_kernel``);
the one-off cost of importing numba and loading the compiled code from its disk cache is measured
in a fresh interpreter (``_startup_row``) and is not in the per-file rows.

Utility conventions differ between libraries: pabutools ``Cost_Sat`` (our ``utility="cost"``)
selects by price relative to cost; the C++ library reaches the same rule when every approval is
given one unit of utility, which is what we feed it (checked on Assen, Świecie and Wieliczka).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.common import SHARED_DATA, BenchRow, timed
from linli.engine.budgeting import pbfile
from linli.engine.budgeting.mes import mes

FILE = SHARED_DATA / "pabulib" / "Poland_Lodz_2022.pb"
DATASET = "Poland_Lodz_2022"
ADD1_FILES = [
    "Hungary_Budapest_2022_VIII_Jozsefvaros",
    "Hungary_Budapest_2025_XI_Ujbuda",
    "Poland_Warszawa_2023_Mokotow",
    "Poland_Lodz_2022",
]
SLOW_WALK = {"Hungary_Budapest_2022_VIII_Jozsefvaros", "Hungary_Budapest_2025_XI_Ujbuda"}


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


def _add1_rows(cpp: Any, lodz: Any) -> list[BenchRow]:
    """MES + add1: jump vs the C++ library and vs our one-unit walk, in the same run."""
    rows: list[BenchRow] = []
    walk_all = os.environ.get("LINLI_BENCH_WALK_ALL") == "1"
    for name in ADD1_FILES:
        election = lodz if name == DATASET else pbfile.read(SHARED_DATA / "pabulib" / f"{name}.pb")
        inst, prof = election.instance, election.profile
        for utility in ("cost", "cardinality"):
            jump_s, jump = timed(
                lambda u=utility, i=inst, p=prof: mes(i, p, utility=u, completion="add1"),
                repeat=3,
            )
            task = f"MES {utility}, add1 jump"
            note = (
                f"{jump.details['iterations']} increments in {jump.details['passes']} passes, "
                f"{len(jump.selected)} funded"
            )
            rows.append(BenchRow(task, name, jump_s, target="< 1 s", note=note))
            if walk_all or name not in SLOW_WALK:
                walk_s, walk = timed(
                    lambda u=utility, i=inst, p=prof: mes(
                        i, p, utility=u, completion="add1", add1="walk"
                    )
                )
                same = walk.selected == jump.selected and (
                    walk.details["budget_per_voter"] == jump.details["budget_per_voter"]
                )
                rows.append(
                    BenchRow(
                        task,
                        name,
                        jump_s,
                        "our one-unit walk",
                        walk_s,
                        equal=same,
                        target="same outcome",
                        note=note + "; same final budget per voter checked too",
                    )
                )
            if cpp is not None and utility == "cost" and name != DATASET:  # Łódź: see above
                args = _cpp_inputs(election)
                cpp_s, got = timed(lambda args=args: cpp.equal_shares_add1(*args))
                rows.append(
                    BenchRow(
                        task,
                        name,
                        jump_s,
                        "muoblpbindings 0.0.16 (C++)",
                        cpp_s,
                        equal=set(got) == set(jump.selected),
                        target="faster",
                        note=note + "; C++ returns a set, compared as sets",
                    )
                )
    return rows


STARTUP = """
import json, time
w, c = time.perf_counter(), time.process_time()
from linli.engine.budgeting import mes_kernel, pbfile
from linli.engine.budgeting.mes import mes
w1, c1 = time.perf_counter(), time.process_time()
e = pbfile.read(PATH)
w2, c2 = time.perf_counter(), time.process_time()
mes(e.instance, e.profile, completion="add1")
w3, c3 = time.perf_counter(), time.process_time()
print(json.dumps([w1 - w, c1 - c, w3 - w2, c3 - c2, mes_kernel.available]))
"""


def _startup_row() -> BenchRow:
    """Import + first compiled call in a fresh interpreter (numba loads its disk cache, or
    compiles on the very first run on a machine)."""
    path = SHARED_DATA / "pabulib" / "Poland_Gdynia_2023_Karwiny__small.pb"
    code = STARTUP.replace("PATH", repr(str(path)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imp_w, imp_c, first_w, first_c, compiled = json.loads(out.stdout.strip().splitlines()[-1])
    return BenchRow(
        "MES add1: start-up of a fresh process",
        "Poland_Gdynia_2023_Karwiny__small",
        imp_w + first_w,
        target="once per process",
        note=(
            f"import {imp_w:.2f} s (CPU {imp_c:.2f}), first add1 {first_w:.2f} s "
            f"(CPU {first_c:.2f}); compiled={compiled}"
        ),
    )


def _every_file_rows() -> list[BenchRow]:
    """MES + add1 on every shared approval (and choose-1) file, both utilities: engine time (wall, best of 2)
    and CPU time of this process."""
    rows = []
    for path in sorted((SHARED_DATA / "pabulib").glob("*.pb")):
        election = pbfile.read(path)
        if election.profile.vote_type not in ("approval", "choose-1"):
            continue
        inst, prof = election.instance, election.profile
        for utility in ("cost", "cardinality"):
            best_w = best_c = float("inf")
            out = None
            for _ in range(2):
                w, c = time.perf_counter(), time.process_time()
                out = mes(inst, prof, utility=utility, completion="add1")
                best_w = min(best_w, time.perf_counter() - w)
                best_c = min(best_c, time.process_time() - c)
            assert out is not None
            rows.append(
                BenchRow(
                    f"MES {utility}, add1 (every file)",
                    path.stem,
                    best_w,
                    target="< 1 s",
                    note=(
                        f"CPU {best_c:.3f} s; {out.details['iterations']} increments in "
                        f"{out.details['passes']} passes; load {os.getloadavg()[0]:.1f}"
                    ),
                )
            )
    return rows


def run(only: str | None = None) -> list[BenchRow]:
    rows: list[BenchRow] = [_startup_row()]
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
        note = (
            f"{len(ours.selected)} funded, {ours.details['iterations']} increments, "
            f"{ours.details.get('passes', 1)} passes"
        )
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
    rows.extend(_add1_rows(cpp, election))
    rows.extend(_every_file_rows())
    return rows
