"""Ranked-choice counting for choosing among design options or names (instant runoff).

Each ballot ranks some options, best first. Rounds count every ballot for its highest-ranked
option still in the race; an option with more than half of the ballots still counting wins;
otherwise the option with the fewest votes is eliminated and its ballots move on. Ties for
elimination are broken by an explicit ``tie_break`` order (the option listed *later* is
eliminated first), never by chance, so a recount always gives the same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class RankedError(ValueError):
    """Bad input, with a Chinese message for the user."""


@dataclass(frozen=True)
class Round:
    counts: dict[str, int]  # option → ballots counting for it this round
    exhausted: int  # ballots with no remaining option
    eliminated: str | None  # option dropped after this round (None in the final round)


@dataclass(frozen=True)
class RankedResult:
    winner: str | None
    rounds: list[Round] = field(default_factory=list)
    ballots: int = 0

    def explain(self) -> str:
        lines = []
        for i, r in enumerate(self.rounds, start=1):
            counts = "，".join(
                f"{o} {n} 票" for o, n in sorted(r.counts.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            tail = f"；淘汰“{r.eliminated}”，其选票转给下一顺位" if r.eliminated else ""
            lines.append(f"第 {i} 轮：{counts}（已用尽 {r.exhausted} 张）{tail}")
        lines.append(f"当选：{self.winner}" if self.winner else "无人当选")
        return "\n".join(lines)


def instant_runoff(
    options: Sequence[str],
    ballots: Sequence[Sequence[str]],
    *,
    tie_break: Sequence[str] | None = None,
) -> RankedResult:
    """Count ranked ballots by instant runoff.

    ``tie_break`` lists every option from most to least favoured; it defaults to ``options``
    in the given order. A ballot naming an unknown option or the same option twice is
    refused whole (``RankedError``) so that nothing is silently miscounted.
    """
    options = list(options)
    if not options:
        raise RankedError("至少需要一个选项")
    if len(set(options)) != len(options):
        raise RankedError("选项不能重复")
    order = list(tie_break) if tie_break is not None else options
    if sorted(order) != sorted(options):
        raise RankedError("平局裁决顺序必须恰好列出全部选项")
    known = set(options)
    for n, ballot in enumerate(ballots, start=1):
        if len(set(ballot)) != len(ballot):
            raise RankedError(f"第 {n} 张选票重复排了同一个选项")
        unknown = [o for o in ballot if o not in known]
        if unknown:
            raise RankedError(f"第 {n} 张选票含有未知选项：{unknown[0]}")

    remaining = set(options)
    rounds: list[Round] = []
    rank_of = {o: i for i, o in enumerate(order)}
    while True:
        counts = {o: 0 for o in options if o in remaining}
        exhausted = 0
        for ballot in ballots:
            top = next((o for o in ballot if o in remaining), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        active = len(ballots) - exhausted
        leader = max(counts, key=lambda o: (counts[o], -rank_of[o]))
        if active == 0:
            rounds.append(Round(counts, exhausted, None))
            return RankedResult(None, rounds, len(ballots))
        if 2 * counts[leader] > active or len(remaining) == 1:
            rounds.append(Round(counts, exhausted, None))
            return RankedResult(leader, rounds, len(ballots))
        loser = min(counts, key=lambda o: (counts[o], -rank_of[o]))
        rounds.append(Round(counts, exhausted, loser))
        remaining.discard(loser)
