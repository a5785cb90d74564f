"""The compiled MES pass and add1 probe (``mes_kernel``, numba) give the same answers as the
numpy path and as the exact reference.

Every pass of add1 except the final (explained) one runs compiled when numba is installed; a
round whose floats cannot decide is handed back to Python and decided in ``Fraction``s. These
tests run both paths side by side on random elections with many exact ties and twin projects.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.engine.budgeting import add1 as add1_mod
from linli.engine.budgeting import mes_kernel
from linli.engine.budgeting.mes import FastMES, Groups, mes, mes_run_reference
from linli.engine.budgeting.model import Ballot, Instance, Profile, Project
from tests.engine.test_budgeting_add1 import INCREMENTS, add1_elections
from tests.engine.test_budgeting_common import load

pytestmark = pytest.mark.skipif(not mes_kernel.available, reason="numba is not installed")

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _budgets(inst: Instance, g: Groups) -> list[Fraction]:
    b0 = Fraction(inst.budget) / g.n_voters
    return [b0, b0 + 1, b0 + Fraction(1, 3), b0 * 3]


@PROPS
@given(add1_elections(), st.sampled_from(["cost", "cardinality"]))
def test_compiled_pass_equals_numpy_pass_and_exact_reference(e, utility):
    inst, prof = e
    g = Groups.build(inst, prof)
    compiled, numpy_ = FastMES(g, utility, compiled=True), FastMES(g, utility, compiled=False)
    for b in _budgets(inst, g):
        ref = mes_run_reference(g, b, utility)
        got = compiled.run(b)
        assert got.selected == ref.selected == numpy_.run(b).selected
        assert got.n_rich == ref.n_rich and got.n_poor == ref.n_poor
        # what the compiled rounds recorded rebuilds the exact prices
        compiled._exact_chain(compiled.last_state)
        assert {j: got.alpha[j] for j in got.selected} == ref.alpha


def test_rounds_the_floats_cannot_decide_are_played_exactly(monkeypatch):
    """Float ρ values collide here; the compiled loop hands those rounds to Python."""
    rng = random.Random(7)
    projects = {str(i): Project(str(i), 3 * (i % 3 + 1)) for i in range(9)}
    inst = Instance(30, projects, {"budget": "30"})
    ballots = [Ballot(str(k), tuple(sorted(rng.sample(sorted(projects), 3)))) for k in range(60)]
    prof = Profile("approval", ballots)
    g = Groups.build(inst, prof)
    played = []
    real = FastMES._round
    monkeypatch.setattr(FastMES, "_round", lambda self, *a: played.append(1) or real(self, *a))
    for utility in ("cost", "cardinality"):
        fast = FastMES(g, utility, compiled=True)
        for b in _budgets(inst, g):
            assert fast.run(b).selected == mes_run_reference(g, b, utility).selected
    assert played  # the exact rounds did run


@PROPS
@given(add1_elections(), st.sampled_from(["cost", "cardinality"]), st.sampled_from(INCREMENTS))
def test_numpy_and_compiled_add1_agree(e, utility, increment):
    """The whole add1 (passes and probes) on either path: the same outcome."""
    inst, prof = e
    kw = dict(utility=utility, completion="add1", increment=increment)
    got = mes(inst, prof, **kw)
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(mes_kernel, "available", False)
        ref = mes(inst, prof, **kw)
    finally:
        mp.undo()
    assert got.selected == ref.selected
    for key in ("budget_per_voter", "iterations"):
        assert got.details[key] == ref.details[key]


def _check_probes(monkeypatch) -> list[int]:
    """Every probe of add1 asked of both probe implementations: the same answer."""
    asked = [0, 0]
    python_probe = add1_mod._Probe.probe

    def both(self, winners, t0, inc, D):
        ok_c, pred_c = self._probe_compiled(winners, t0, inc, D)
        self.compiled = False
        try:
            ok_p, pred_p = python_probe(self, winners, t0, inc, D)
        finally:
            self.compiled = True
        assert ok_c == ok_p
        assert pred_c == pytest.approx(pred_p, rel=1e-9)
        asked[0] += 1
        asked[1] += ok_p
        return ok_p, pred_p

    monkeypatch.setattr(add1_mod._Probe, "probe", both)
    return asked


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(add1_elections(), st.sampled_from(["cost", "cardinality"]), st.sampled_from(INCREMENTS))
def test_compiled_probe_answers_like_the_python_probe(e, utility, increment):
    mp = pytest.MonkeyPatch()
    try:
        _check_probes(mp)
        mes(*e, utility=utility, completion="add1", increment=increment)
    finally:
        mp.undo()


@pytest.mark.parametrize(
    "stem", ["Hungary_Budapest_2025_XI_Ujbuda", "Netherlands_Assen_2024", "Poland_Swiecie_2023"]
)
@pytest.mark.parametrize("utility", ["cost", "cardinality"])
def test_compiled_probe_answers_like_the_python_probe_on_files(monkeypatch, stem, utility):
    asked = _check_probes(monkeypatch)
    e = load(stem)
    mes(e.instance, e.profile, utility=utility, completion="add1")
    assert asked[0] > 10 and 0 < asked[1] < asked[0]  # both answers occur


def test_probe_without_exact_floors_only_answers_no_more_often():
    """Costs too large for exact integer floors: the compiled probe gives up the floor test
    (answers "no" where unsure), which costs passes, never a different outcome."""
    e = load("Netherlands_Assen_2024")
    want = mes(e.instance, e.profile, utility="cardinality", completion="add1")
    real_init = add1_mod._Probe.__init__

    def init(self, fast):
        real_init(self, fast)
        self._floor_ok = False

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(add1_mod._Probe, "__init__", init)
        got = mes(e.instance, e.profile, utility="cardinality", completion="add1")
    finally:
        mp.undo()
    assert got.selected == want.selected
    assert got.details["budget_per_voter"] == want.details["budget_per_voter"]
    assert got.details["passes"] >= want.details["passes"]
