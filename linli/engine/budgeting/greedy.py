"""Greedy rules by votes or points, in the variants real cities use (pabulib ``rule`` META).

* ``greedy``: go down the list by score, fund what still fits, skip what does not.
* ``greedy-no-skip``: stop at the first project that does not fit (Wrocław, Gdynia).
* ``greedy-threshold``: only projects with score ≥ ``min_project_score_threshold`` (Łódź).
* ``greedy-exclusive``: greedy where some projects exclude each other (Warszawa 2024); the
  exclusions are not in the files, so they are passed in as ``exclusive`` groups.
* ``greedy-custom``: Poznań: no-skip, then the project that stopped the list is funded from
  reserves if the remaining budget covers at least 80 % of its cost.

Every variant also honours ``min_project_score_threshold`` when the file gives one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from linli.engine.budgeting.model import (
    Instance,
    Number,
    Profile,
    TieBreak,
    approval_counts,
    by_id,
    project_scores,
)
from linli.engine.budgeting.outcome import Funded, Outcome, Unfunded

VARIANTS = ("greedy", "greedy-no-skip", "greedy-threshold", "greedy-exclusive", "greedy-custom")


def greedy(
    instance: Instance,
    profile: Profile,
    *,
    variant: str = "greedy",
    threshold: Number | None = None,
    score: str = "auto",
    exclusive: Iterable[Iterable[str]] = (),
    reserve_fraction: Fraction = Fraction(4, 5),
    tie_break: TieBreak = by_id,
    use_meta_threshold: bool = True,
) -> Outcome:
    """Fund projects in order of score (desc), ties by ``tie_break``; see module doc for variants.

    ``score``: "votes" (number of supporters), "points" (sum of points; Borda 3-2-1 for
    ordinal ballots) or "auto" (votes for approval/choose-1, points otherwise).
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown greedy variant {variant!r}")
    if score == "auto":
        score = "votes" if profile.vote_type in ("approval", "choose-1") else "points"
    scores: dict[str, Number]
    if score == "votes":
        scores = dict(approval_counts(instance, profile))
    else:
        scores = project_scores(instance, profile)
    if (
        threshold is None
        and use_meta_threshold
        and instance.meta.get("min_project_score_threshold")
    ):
        threshold = Fraction(instance.meta["min_project_score_threshold"])
    conflicts: dict[str, set[str]] = {}
    for group in exclusive:
        g = set(group)
        for pid in g:
            conflicts.setdefault(pid, set()).update(g - {pid})

    order = sorted(instance.projects.values(), key=lambda p: (-scores[p.id], tie_break(p)))
    remaining: Number = instance.budget
    out = Outcome(rule=variant, budget=instance.budget, selected=[])
    last: str | None = None
    stopped_at: str | None = None
    for rnd, p in enumerate(order, start=1):
        s = scores[p.id]
        if stopped_at is not None:
            out.unfunded[p.id] = Unfunded(
                p.id, p.cost, "stopped", available=remaining, score=s, displaced_by=stopped_at
            )
            continue
        if threshold is not None and s < threshold:
            out.unfunded[p.id] = Unfunded(p.id, p.cost, "below_threshold", score=s)
            continue
        clash = sorted(conflicts.get(p.id, set()) & set(out.selected))
        if clash:
            out.unfunded[p.id] = Unfunded(
                p.id, p.cost, "excluded", available=remaining, score=s, displaced_by=clash[0]
            )
            continue
        if p.cost <= remaining:
            remaining -= p.cost
            out.selected.append(p.id)
            out.funded[p.id] = Funded(
                p.id, p.cost, "greedy", rnd, score=s, remaining_after=remaining
            )
            last = p.id
            continue
        if variant == "greedy-custom" and remaining >= reserve_fraction * p.cost:
            # funded from reserves: the budget goes "negative" by the shortfall
            out.selected.append(p.id)
            out.funded[p.id] = Funded(
                p.id, p.cost, "reserve", rnd, score=s, remaining_after=remaining - p.cost
            )
            remaining -= p.cost
            stopped_at = p.id
            continue
        out.unfunded[p.id] = Unfunded(
            p.id, p.cost, "over_budget", available=remaining, score=s, displaced_by=last
        )
        if variant in ("greedy-no-skip", "greedy-custom"):
            stopped_at = p.id
    out.details["score"] = score
    if threshold is not None:
        out.details["threshold"] = threshold
    return out


def greedy_for_file(instance: Instance, profile: Profile, tie_break: TieBreak = by_id) -> Outcome:
    """Greedy in the variant named by the file's ``rule`` META (plain greedy otherwise)."""
    rule = instance.meta.get("rule", "greedy").strip()
    reserve = Fraction(4, 5)
    # Poznań's comment: "if the remaining budget is enough to fund at least 80% of that project"
    m = re.search(r"at least (\d+(?:\.\d+)?)\s*%", instance.meta.get("comment", ""))
    if rule == "greedy-custom" and m:
        reserve = Fraction(m.group(1)) / 100
    return greedy(
        instance,
        profile,
        variant=rule if rule in VARIANTS else "greedy",
        reserve_fraction=reserve,
        tie_break=tie_break,
    )
