"""Property tests: feasibility, determinism, and fast MES == exact reference MES."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.engine.budgeting.greedy import VARIANTS, greedy
from linli.engine.budgeting.mes import FastMES, Groups, mes, mes_run_reference
from linli.engine.budgeting.model import Ballot, Instance, Profile, Project, tie_order
from linli.engine.budgeting.phragmen import phragmen


@st.composite
def elections(draw, max_projects: int = 6, max_voters: int = 14):
    n = draw(st.integers(1, max_projects))
    costs = draw(
        st.lists(
            st.one_of(st.integers(0, 30), st.fractions(0, 30, max_denominator=4)),
            min_size=n,
            max_size=n,
        )
    )
    projects = {
        str(i): Project(str(i), c.numerator if c.denominator == 1 else c, f"P{i}")
        for i, c in enumerate(Fraction(c) for c in costs)
    }
    budget = draw(st.integers(0, 80))
    ballots = draw(
        st.lists(st.sets(st.sampled_from(sorted(projects))), min_size=0, max_size=max_voters)
    )
    profile = Profile(
        "approval", [Ballot(f"v{k}", tuple(sorted(b))) for k, b in enumerate(ballots)]
    )
    return Instance(budget, projects, {"budget": str(budget)}), profile


PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def every_rule(inst, prof):
    for v in VARIANTS:
        if v != "greedy-custom":  # custom funds one project from reserves by design
            yield greedy(inst, prof, variant=v)
    for u in ("cost", "cardinality"):
        for c in (None, "utilitarian", "add1", "add1+utilitarian"):
            yield mes(inst, prof, utility=u, completion=c, increment=Fraction(1, 2))
    yield phragmen(inst, prof)


@PROPS
@given(elections())
def test_every_rule_stays_within_budget_and_explains_every_project(e):
    inst, prof = e
    for out in every_rule(inst, prof):
        assert inst.cost_of(out.selected) <= inst.budget, out.rule
        assert len(set(out.selected)) == len(out.selected)
        assert set(out.funded) == set(out.selected)
        assert set(out.funded) | set(out.unfunded) == set(inst.projects), out.rule
        for f in out.funded.values():
            if f.payments:  # who paid adds up to the cost, exactly
                assert sum(p.total for p in f.payments) == f.cost, out.rule


@PROPS
@given(elections(), st.randoms(use_true_random=False))
def test_rules_are_deterministic_and_ignore_ballot_order(e, rnd):
    inst, prof = e
    first = [o.selected for o in every_rule(inst, prof)]
    shuffled = list(prof.ballots)
    rnd.shuffle(shuffled)
    again = [o.selected for o in every_rule(inst, Profile("approval", shuffled))]
    assert first == again


@PROPS
@given(elections(max_projects=7, max_voters=20), st.sampled_from(["cost", "cardinality"]))
def test_fast_mes_equals_exact_reference(e, utility):
    inst, prof = e
    g = Groups.build(inst, prof)
    if g.n_voters == 0:
        return
    fast = FastMES(g, utility)
    b0 = Fraction(inst.budget) / g.n_voters
    for b in (b0, b0 + 1, b0 * 3):
        ref = mes_run_reference(g, b, utility)
        got = fast.run(b, explain=True)
        assert got.selected == ref.selected
        assert {j: got.alpha[j] for j in got.selected} == ref.alpha
        assert got.n_rich == ref.n_rich and got.n_poor == ref.n_poor


def test_ties_are_broken_by_the_given_order():
    projects = {p: Project(p, 10, p) for p in ("a", "b")}
    inst = Instance(10, projects, {"budget": "10"})
    prof = Profile("approval", [Ballot("1", ("a", "b")), Ballot("2", ("a", "b"))])
    assert mes(inst, prof).selected == ["a"]
    assert mes(inst, prof, tie_break=tie_order(["b", "a"])).selected == ["b"]
    assert greedy(inst, prof, tie_break=tie_order(["b", "a"])).selected == ["b"]
    assert phragmen(inst, prof, tie_break=tie_order(["b", "a"])).selected == ["b"]


def test_many_identical_budgets_tie_exactly_in_fast_path():
    """Costs chosen so that float ρ values collide; the exact fallback must decide."""
    rng = random.Random(7)
    projects = {str(i): Project(str(i), 3 * (i % 3 + 1)) for i in range(9)}
    inst = Instance(30, projects, {"budget": "30"})
    ballots = [Ballot(str(k), tuple(sorted(rng.sample(sorted(projects), 3)))) for k in range(60)]
    prof = Profile("approval", ballots)
    for u in ("cost", "cardinality"):
        assert (
            mes(inst, prof, utility=u).selected
            == mes(inst, prof, utility=u, reference=True).selected
        )
