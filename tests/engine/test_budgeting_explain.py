"""Outcomes explain themselves: payments per funded project, reasons per unfunded one."""

from __future__ import annotations

from fractions import Fraction

from linli.engine.budgeting.greedy import greedy, greedy_for_file
from linli.engine.budgeting.mes import mes
from linli.engine.budgeting.phragmen import phragmen
from tests.engine.test_budgeting_common import load


def test_mes_assen_explanation():
    e = load("Netherlands_Assen_2024")
    out = mes(e.instance, e.profile, utility="cost", completion="add1")
    first = out.funded["3"]
    assert first.stage == "mes" and first.round == 1
    assert [(p.voters, p.each) for p in first.payments] == [(43, Fraction(7200, 43))]
    assert first.rho == Fraction(1, 43)  # cost utilities: price per unit = 1 / supporters
    for f in out.funded.values():
        assert sum(p.total for p in f.payments) == f.cost
        assert sum(p.voters for p in f.payments) == int(
            e.instance.projects[f.project_id].extra["votes"]
        )
    # project 8 lost a near tie to project 2 and then its supporters were short
    u = out.unfunded["8"]
    assert u.reason == "supporters_short" and u.displaced_by == "2"
    assert u.rho is not None and u.winner_rho is not None and u.rho > u.winner_rho
    assert u.available is not None and u.available < u.cost
    # project 10 could never be paid for by its supporters' equal shares
    assert out.unfunded["10"].displaced_by is None
    assert out.details["iterations"] == 845


def test_greedy_explains_skips_and_thresholds():
    e = load("Poland_Lodz_2022_Baluty-Doly")
    out = greedy_for_file(e.instance, e.profile)
    reasons = {u.reason for u in out.unfunded.values()}
    assert reasons <= {"over_budget", "below_threshold"}
    for u in out.unfunded.values():
        if u.reason == "over_budget":
            assert u.available is not None and u.cost > u.available and u.displaced_by
        else:
            assert u.score is not None and u.score < 50
    last = out.funded[out.selected[-1]]
    assert last.remaining_after == e.instance.budget - e.instance.cost_of(out.selected)


def test_no_skip_names_where_it_stopped():
    e = load("Poland_Wroclaw_2016_Rejon_nr_12_250")
    out = greedy(e.instance, e.profile, variant="greedy-no-skip")
    stops = [u for u in out.unfunded.values() if u.reason == "stopped"]
    (first,) = [u for u in out.unfunded.values() if u.reason == "over_budget"]
    assert all(u.displaced_by == first.project_id for u in stops)


def test_phragmen_payments_add_up():
    e = load("Poland_Swiecie_2023")
    out = phragmen(e.instance, e.profile)
    for f in out.funded.values():
        assert sum(p.total for p in f.payments) == f.cost
    assert out.to_json()["selected"] == out.selected
