"""MES + add1: the jump (default) stops exactly where the one-unit walk stops.

The walk (``add1="walk"``) is the reference: it reruns MES once per increment, as pabutools and
the C++ library do. The jump skips the increments it can prove change nothing. Here both run on
random small elections (many exact ties, twin projects, increments in yuan, fen and odd
fractions), and the jump is compared with the walk's recorded result on every shared pabulib
approval file (``test_budgeting_add1_records.py``, made by ``record()`` there; a few files are also walked
live here to show the records are what the walk computes).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.engine.budgeting.mes import mes
from linli.engine.budgeting.model import Ballot, Instance, Profile, Project
from tests.engine.test_budgeting_add1_records import WALK
from tests.engine.test_budgeting_common import load, stems

INCREMENTS = [1, 2, 7, Fraction(1, 2), Fraction(3, 7), Fraction(1, 4)]


@st.composite
def add1_elections(draw, max_projects: int = 7, max_voters: int = 24, max_budget: int = 1500):
    n = draw(st.integers(1, max_projects))
    menu = draw(st.lists(st.integers(1, 300), min_size=1, max_size=3))  # equal costs: ties
    costs: list[int | Fraction] = []
    for _ in range(n):
        kind = draw(st.integers(0, 3))
        if kind <= 1:
            costs.append(draw(st.sampled_from(menu)))
        elif kind == 2:
            costs.append(draw(st.integers(0, 300)))
        else:
            c = draw(st.fractions(1, 300, max_denominator=4))
            costs.append(c.numerator if c.denominator == 1 else c)
    ids = [str(i) for i in range(n)]
    ballots = draw(
        st.lists(st.sets(st.sampled_from(ids), min_size=1), min_size=2, max_size=max_voters)
    )
    # twins: project i copies project i−1's cost and exactly its supporters
    for i in range(1, n):
        if draw(st.integers(0, 4)) == 0:
            costs[i] = costs[i - 1]
            ballots = [(b | {ids[i]}) if ids[i - 1] in b else (b - {ids[i]}) for b in ballots]
    projects = {pid: Project(pid, c, f"P{pid}") for pid, c in zip(ids, costs, strict=True)}
    # mostly budgets that cannot fund everything, so that add1 has something to do
    lo = int(min(costs)) + 1
    hi = min(int(sum(costs, 0)) - 1, max_budget)
    if lo <= hi and draw(st.integers(0, 4)):
        budget = draw(st.integers(lo, hi))
    else:
        budget = draw(st.integers(0, max_budget))
    profile = Profile(
        "approval", [Ballot(f"v{k}", tuple(sorted(b))) for k, b in enumerate(ballots)]
    )
    return Instance(budget, projects, {"budget": str(budget)}), profile


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_as_walk(inst, prof, utility, increment, reference=False):
    jump = mes(inst, prof, utility=utility, completion="add1", increment=increment)
    walk = mes(
        inst,
        prof,
        utility=utility,
        completion="add1",
        increment=increment,
        add1="walk",
        reference=reference,
    )
    assert jump.selected == walk.selected
    assert jump.details["budget_per_voter"] == walk.details["budget_per_voter"]
    assert jump.details["iterations"] == walk.details["iterations"]
    assert jump.details["passes"] <= walk.details["passes"]
    return jump, walk


@PROPS
@given(add1_elections(), st.sampled_from(["cost", "cardinality"]), st.sampled_from(INCREMENTS))
def test_jump_stops_where_the_walk_stops(e, utility, increment):
    same_as_walk(*e, utility, increment)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    add1_elections(max_projects=5, max_voters=12, max_budget=400),
    st.sampled_from(["cost", "cardinality"]),
    st.sampled_from([1, Fraction(1, 3)]),
)
def test_jump_matches_the_exact_fraction_walk(e, utility, increment):
    """The walk over the pure-Fraction reference MES, not just over the fast one."""
    same_as_walk(*e, utility, increment, reference=True)


def test_jump_explains_exactly_like_the_walk():
    e = load("Netherlands_Assen_2024")
    jump, walk = same_as_walk(e.instance, e.profile, "cost", 1)
    assert jump.details["iterations"] == 845 and jump.details["passes"] < 100
    assert jump.funded == walk.funded and jump.unfunded == walk.unfunded


@pytest.mark.parametrize("increment", [Fraction(1, 100), 10, 1000])
def test_any_increment(increment):
    """Fen (1/100 of the currency unit) takes 100 times as many increments; the jump does not
    take 100 times as many passes."""
    e = load("Poland_Gdynia_2023_Karwiny__small")
    jump, walk = same_as_walk(e.instance, e.profile, "cost", increment)
    if increment == Fraction(1, 100):
        assert walk.details["passes"] > 2000 and jump.details["passes"] < 50


def test_bad_arguments_are_refused():
    e = load("Netherlands_Assen_2024")
    with pytest.raises(ValueError):
        mes(e.instance, e.profile, completion="add1", add1="hop")
    for method in ("jump", "walk"):
        with pytest.raises(ValueError):
            mes(e.instance, e.profile, completion="add1", increment=0, add1=method)


def test_every_approval_file_has_a_walk_record():
    assert {s for s, _ in WALK} == set(stems(approval_only=True))


CASES = sorted(WALK)


@pytest.mark.parametrize("case", CASES, ids=[f"{s}-{u}" for s, u in CASES])
def test_jump_equals_recorded_walk(case):
    stem, utility = case
    iterations, budget_per_voter, selected = WALK[case]
    e = load(stem)
    out = mes(e.instance, e.profile, utility=utility, completion="add1")
    assert out.selected == selected
    assert out.details["budget_per_voter"] == Fraction(budget_per_voter)
    assert out.details["iterations"] == iterations


LIVE = [
    ("Netherlands_Assen_2024", "cardinality"),
    ("Poland_Swiecie_2023", "cost"),
    ("Poland_Lodz_2022_Baluty-Doly", "cardinality"),
    ("Poland_Warszawa_2024_Wilanow", "cost"),
    ("Poland_Wroclaw_2017_Rejon_nr_4_250", "cost"),
]


@pytest.mark.parametrize("case", LIVE, ids=[f"{s}-{u}" for s, u in LIVE])
def test_records_are_what_the_walk_computes(case):
    stem, utility = case
    e = load(stem)
    walk = mes(e.instance, e.profile, utility=utility, completion="add1", add1="walk")
    iterations, budget_per_voter, selected = WALK[case]
    assert (walk.details["iterations"], walk.details["budget_per_voter"], walk.selected) == (
        iterations,
        Fraction(budget_per_voter),
        selected,
    )


def test_cli_says_how_many_increments_and_passes():
    from tests.engine.test_budgeting_cli import ASSEN, run

    r = run(ASSEN, "--rule", "mes", "--completion", "add1")
    assert r.returncode == 0, r.stderr
    assert "add1 迭代 845 次，实际运行 MES" in r.stdout
    passes = int(r.stdout.split("实际运行 MES ")[1].split(" 次")[0])
    assert 1 < passes < 100
