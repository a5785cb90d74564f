"""Unit and property tests of the opinion-groups engine on small hand-made conversations."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import silhouette_score

from linli.engine.opinions import (
    Conversation,
    OpinionInputError,
    Params,
    PriorState,
    Vote,
    analyze,
)
from linli.engine.opinions.clustering import first_distinct_rows, kmeans, silhouette
from linli.engine.opinions.pipeline import replay_in_conv, vote_matrix


def two_camps(n_per_camp: int = 20, n_statements: int = 12, seed: int = 1) -> list[Vote]:
    """Camp A agrees with even statements and disagrees with odd ones; camp B the reverse;
    statement 0 everyone agrees with (consensus). A little noise keeps PCA honest."""
    rng = random.Random(seed)
    votes = []
    for p in range(2 * n_per_camp):
        camp = 1 if p < n_per_camp else -1
        for s in range(n_statements):
            if s == 0:
                value = 1
            else:
                value = camp if s % 2 == 0 else -camp
                if rng.random() < 0.1:
                    value = 0
            votes.append(Vote(p, s, value, timestamp=float(p * 100 + s)))
    return votes


def test_two_camps_are_found_with_their_statements():
    r = analyze(Conversation(votes=two_camps()))
    assert r.k == 2
    camp_a = {r.groups[p] for p in range(20)}
    camp_b = {r.groups[p] for p in range(20, 40)}
    assert len(camp_a) == 1 and len(camp_b) == 1 and camp_a != camp_b
    (ga,) = camp_a
    # Camp A's representative statements: agree on evens / disagree on odds. (Statement 0,
    # agreed by all, can still lead the list as Pol.is's "best agree" pick.)
    for rep in r.repness[ga]:
        if rep.statement == 0:
            assert rep.best_agree
            continue
        assert rep.direction == ("agree" if rep.statement % 2 == 0 else "disagree")
    assert [c.statement for c in r.consensus_agree][:1] == [0]
    assert r.consensus_disagree == []
    # Statement 0 is agreed by both groups -> highest group-aware consensus.
    assert max(r.group_aware_consensus, key=r.group_aware_consensus.get) == 0


def test_moderated_out_statements_are_never_chosen_but_stay_as_passes():
    votes = two_camps()
    r = analyze(Conversation(votes=votes, moderated_out=frozenset({0, 2})))
    chosen = {x.statement for reps in r.repness.values() for x in reps}
    chosen |= {c.statement for c in r.consensus_agree + r.consensus_disagree}
    assert not chosen & {0, 2}
    assert r.center[r.statements.index(2)] == 0.0  # zeroed column, as Pol.is does


def test_meta_statements_are_excluded_like_moderated_ones():
    r = analyze(Conversation(votes=two_camps(), meta=frozenset({0})))
    assert 0 not in {c.statement for c in r.consensus_agree}


def test_latest_revote_wins_whatever_the_input_order():
    votes = [Vote(1, 1, 1, 5.0), Vote(1, 1, -1, 9.0), Vote(2, 1, 0, 1.0)]
    for perm in (votes, votes[::-1]):
        pids, _, mat = vote_matrix(Conversation(votes=perm))
        assert pids == [2, 1]  # rows in order of first vote, as in Pol.is's matrix
        assert mat[1, 0] == -1 and mat[0, 0] == 0


def test_result_does_not_depend_on_vote_order():
    votes = two_camps(seed=3)
    shuffled = votes[:]
    random.Random(0).shuffle(shuffled)
    a, b = analyze(Conversation(votes=votes)), analyze(Conversation(votes=shuffled))
    assert a.groups == b.groups
    assert a.projection == b.projection


def test_participants_with_few_votes_are_mapped_but_not_clustered():
    votes = two_camps() + [Vote(99, 1, 1, 1e9), Vote(99, 2, 1, 1e9 + 1)]
    r = analyze(Conversation(votes=votes))
    assert 99 in r.projection and 99 not in r.groups


def test_greedy_top_up_to_fifteen_participants():
    # 20 people with 1..3 votes on 30 statements: nobody reaches 7, the 15 keenest are taken.
    votes = [Vote(p, s, 1 if (p + s) % 2 else -1) for p in range(20) for s in range(1 + p % 3)]
    votes += [Vote(0, s, 1) for s in range(3, 30)]  # widen the conversation
    r = analyze(Conversation(votes=votes), Params(replay_history=False))
    assert len(r.in_conv) == 15
    assert 0 in r.in_conv


def test_replay_keeps_early_keen_voters():
    # Participant 0 votes early on the only two statements, when that is "all of them".
    early = [Vote(0, 0, 1, 1.0), Vote(0, 1, -1, 2.0)]
    later = [Vote(p, s, 1, 10.0 + p) for p in range(1, 40) for s in range(10)]
    conv = Conversation(votes=early + later)
    assert 0 in replay_in_conv(conv, Params())
    assert 0 in analyze(conv).groups


def test_prior_in_conv_is_never_dropped():
    votes = two_camps() + [Vote(77, 3, 1)]
    r = analyze(Conversation(votes=votes, prior=PriorState(in_conv=frozenset({77}))))
    assert 77 in r.groups


def test_k_smoother_holds_the_previous_group_count():
    votes = two_camps()
    first = analyze(Conversation(votes=votes))
    held = PriorState(
        in_conv=first.state.in_conv,
        base_clusters=first.state.base_clusters,
        k_smoother=type(first.state.k_smoother)(last_k=3, last_k_count=1, smoothed_k=3),
    )
    r = analyze(Conversation(votes=votes, prior=held))
    assert r.k == 3  # 2 won once; Pol.is waits for 4 wins in a row
    assert r.state.k_smoother.last_k == 2 and r.state.k_smoother.last_k_count == 1


def test_bad_votes_raise_a_chinese_error():
    with pytest.raises(OpinionInputError, match="投票值无效"):
        analyze(Conversation(votes=[Vote(1, 1, 2)]))
    with pytest.raises(OpinionInputError, match="没有任何投票"):
        analyze(Conversation(votes=[]))


def test_first_distinct_rows_and_kmeans_init():
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [5.0, 6.0]])
    assert first_distinct_rows(pts, 2).tolist() == [[0.0, 0.0], [1.0, 0.0]]
    labels, centers = kmeans(pts, 2)
    assert labels.tolist() == [0, 0, 0, 1, 1]
    assert centers[1].tolist() == [5.0, 5.5]


def test_kmeans_drops_empty_clusters():
    pts = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 0.0]])
    init = np.array([[0.0, 0.0], [100.0, 100.0], [10.0, 0.0]])
    labels, centers = kmeans(pts, 3, init_centers=init)
    assert len(centers) == 2 and labels.tolist() == [0, 0, 1]


@given(
    st.lists(
        st.tuples(st.floats(-5, 5, allow_nan=False), st.floats(-5, 5, allow_nan=False)),
        min_size=4,
        max_size=40,
    ),
    st.integers(2, 4),
)
@settings(max_examples=40, deadline=None)
def test_silhouette_matches_sklearn(points, k):
    pts = np.array(points)
    labels, _ = kmeans(pts, k)
    if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= len(np.unique(pts, axis=0)):
        return
    assert silhouette(pts, labels) == pytest.approx(silhouette_score(pts, labels), abs=1e-6)


vote_lists = st.lists(
    st.tuples(st.integers(0, 25), st.integers(0, 12), st.sampled_from([-1, 0, 1])),
    min_size=1,
    max_size=300,
)


@given(vote_lists, st.frozensets(st.integers(0, 12), max_size=3))
@settings(max_examples=60, deadline=None)
def test_invariants_on_arbitrary_conversations(raw, mod_out):
    conv = Conversation(
        votes=[Vote(p, s, v, float(i)) for i, (p, s, v) in enumerate(raw)], moderated_out=mod_out
    )
    r = analyze(conv)
    assert set(r.groups) == set(r.in_conv) <= set(r.participants)
    assert set(r.projection) == set(r.participants)
    assert all(np.isfinite(xy).all() for xy in r.projection.values())
    assert sorted(set(r.groups.values())) == list(range(r.k))
    for reps in r.repness.values():
        assert len(reps) <= 5
        assert not {x.statement for x in reps} & mod_out
    for c in r.consensus_agree + r.consensus_disagree:
        assert c.p_success > 0.5 and c.statement not in mod_out
    assert all(0 < v <= 1 for v in r.group_aware_consensus.values())
    # Deterministic.
    assert analyze(conv).groups == r.groups
