"""Plain data for participatory budgeting: an election is an Instance plus a Profile.

Costs and budgets are ``int`` when integral and ``Fraction`` otherwise (Kraków 2023 has a
budget of 1331751.11), so every comparison against the budget is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

Number = int | Fraction

VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring", "choose-1")


@dataclass(slots=True)
class Project:
    id: str
    cost: Number
    name: str = ""
    # every other PROJECTS column (votes, score, selected, category, ...) as raw text
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Ballot:
    voter_id: str
    # project ids in file order; for ordinal ballots this is the ranking, best first
    projects: tuple[str, ...]
    # points per project (cumulative/scoring); None when the file has no points column
    points: tuple[Number, ...] | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Instance:
    budget: Number
    projects: dict[str, Project]
    # META keys in file order, raw values (budget is re-written from ``budget``)
    meta: dict[str, str] = field(default_factory=dict)
    project_fields: list[str] = field(default_factory=lambda: ["project_id", "cost", "name"])

    def cost_of(self, ids: Any) -> Number:
        """Exact total cost of a collection of project ids."""
        return sum((self.projects[p].cost for p in ids), 0)

    def project(self, pid: str) -> Project:
        return self.projects[pid]


@dataclass(slots=True)
class Profile:
    vote_type: str
    ballots: list[Ballot]
    voter_fields: list[str] = field(default_factory=lambda: ["voter_id", "vote"])

    def __len__(self) -> int:
        return len(self.ballots)


@dataclass(slots=True)
class Election:
    instance: Instance
    profile: Profile


TieBreak = Callable[[Project], Any]
"""Sort key over projects: among exactly tied projects the smallest key wins.

The default, :func:`by_id`, orders by project id as a string (so "10" < "9"); this is what
pabutools' ``lexico_tie_breaking`` does, which keeps our outcomes comparable to it.
"""


def by_id(project: Project) -> Any:
    return project.id


def tie_order(order: list[str]) -> TieBreak:
    """Tie-breaking from an explicit priority list of project ids (first wins)."""
    rank = {pid: i for i, pid in enumerate(order)}
    return lambda p: (rank.get(p.id, len(rank)), p.id)


def ordinal_points(instance: Instance, position: int, length: int) -> int:
    """Points of a ranked project: Borda-style, max_length − position (3, 2, 1 in Kraków)."""
    top = int(instance.meta.get("max_length") or length)
    return max(top - position, 0)


def project_scores(instance: Instance, profile: Profile) -> dict[str, Number]:
    """Score used by greedy rules: approvals for approval/choose-1, points otherwise."""
    scores: dict[str, Number] = {pid: 0 for pid in instance.projects}
    vt = profile.vote_type
    for b in profile.ballots:
        if b.points is not None and vt != "approval" and vt != "choose-1":
            for pid, pts in zip(b.projects, b.points, strict=True):
                scores[pid] += pts
        elif vt == "ordinal":
            n = len(b.projects)
            for i, pid in enumerate(b.projects):
                scores[pid] += ordinal_points(instance, i, n)
        else:
            for pid in b.projects:
                scores[pid] += 1
    return scores


def approval_counts(instance: Instance, profile: Profile) -> dict[str, int]:
    counts = {pid: 0 for pid in instance.projects}
    for b in profile.ballots:
        for pid in b.projects:
            counts[pid] += 1
    return counts
