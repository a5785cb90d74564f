"""Owners' vote tally at city scale: 1,000,000 flats in under a second.

The peer is a naive pure-Python loop with ``Fraction`` areas and a dict of persons, written
here from the documented rules (there is no public library for art. 278 tallies); it doubles
as a cross-check, so "same outcome" compares every count and the failed conditions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np

from bench.common import BenchRow, timed
from linli.engine.tally import Ballot, Flat, Matter, Tally, tally, tally_columns

N_FLATS = 1_000_000
N_OBJECTS = 100_000


def make_columns(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Areas 30–150 m² in 0.01 m²; ~5 % of owners hold a second flat; a developer holds 2 %."""
    rng = np.random.default_rng(seed)
    area = rng.integers(3000, 15001, size=n, dtype=np.int64)
    owner = np.arange(n, dtype=np.int64)
    second = rng.random(n) < 0.05
    owner[second] = rng.integers(0, n, size=int(second.sum()))
    owner[rng.random(n) < 0.02] = n  # the developer, one person
    choice = rng.choice(
        np.array([Ballot.NONE, Ballot.AGREE, Ballot.DISAGREE, Ballot.ABSTAIN], dtype=np.int8),
        size=n,
        p=[0.2, 0.62, 0.13, 0.05],
    )
    return area, owner, choice


def naive(areas: list[Fraction], owners: list[int], choices: list[int]) -> tuple:
    """Peer: one pass with Fractions and a dict per person; rule of a non-special matter."""
    total = part = agree = Fraction(0)
    persons: dict[int, list[int]] = {}
    for a, o, c in zip(areas, owners, choices, strict=True):
        total += a
        voted = persons.setdefault(o, [])
        if c != Ballot.NONE:
            part += a
            voted.append(c)
            if c == Ballot.AGREE:
                agree += a
    heads = len(persons)
    p_heads = sum(1 for v in persons.values() if v)
    a_heads = sum(1 for v in persons.values() if v and all(c == Ballot.AGREE for c in v))
    failed = []
    if part / total < Fraction(2, 3):
        failed.append("participation_area")
    if Fraction(p_heads, heads) < Fraction(2, 3):
        failed.append("participation_owners")
    if not (part and agree / part > Fraction(1, 2)):
        failed.append("agree_area")
    if not (p_heads and Fraction(a_heads, p_heads) > Fraction(1, 2)):
        failed.append("agree_owners")
    return total, part, agree, heads, p_heads, a_heads, tuple(failed)


def summary(t: Tally) -> tuple:
    return (
        t.total_area,
        t.participating_area,
        t.agreeing_area,
        t.total_owners,
        t.participating_owners,
        t.agreeing_owners,
        t.failure_codes,
    )


def run(only: str | None = None) -> list[BenchRow]:
    rows: list[BenchRow] = []
    area, owner, choice = make_columns(N_FLATS)
    ours_s, ours = timed(
        lambda: tally_columns(area, owner, choice, Matter.OTHER_MAJOR, area_scale=100), repeat=3
    )
    fr = [Fraction(int(a), 100) for a in area.tolist()]
    peer_s, peer = timed(lambda: naive(fr, owner.tolist(), choice.tolist()))
    rows.append(
        BenchRow(
            task="art. 278 tally, numpy columns",
            dataset=f"synthetic {N_FLATS:,} flats",
            ours_s=ours_s,
            peer="naive Python Fraction loop (ours, written as peer)",
            peer_s=peer_s,
            equal=summary(ours) == peer,
            target="< 1 s",
            note="passed" if ours.passed else "failed: " + ",".join(ours.failure_codes),
        )
    )

    # The object path (what an app adapter calls): Flat dataclasses with Decimal areas.
    n = N_OBJECTS
    flats = [
        Flat(str(i), Decimal(int(area[i])) / 100, frozenset({str(int(owner[i]))})) for i in range(n)
    ]
    ballots = {str(i): Ballot(int(choice[i])) for i in range(n) if choice[i] != Ballot.NONE}
    obj_s, obj = timed(lambda: tally(flats, ballots, Matter.OTHER_MAJOR))
    peer_s2, peer2 = timed(lambda: naive(fr[:n], owner[:n].tolist(), choice[:n].tolist()))
    rows.append(
        BenchRow(
            task="art. 278 tally, Flat objects",
            dataset=f"synthetic {n:,} flats",
            ours_s=obj_s,
            peer="naive Python Fraction loop (ours, written as peer)",
            peer_s=peer_s2,
            equal=summary(obj) == peer2,
            target="same outcome",
            note="includes validation and Decimal→integer scaling",
        )
    )
    return rows


if __name__ == "__main__":
    from bench.common import format_table

    print(format_table(run()))
