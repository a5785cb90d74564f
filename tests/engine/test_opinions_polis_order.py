"""Who wins a tie for Pol.is's "15 keenest voters" top-up: the order Pol.is's Clojure code walks
its ``user-vote-counts`` map (``(into {} ...)`` then a stable ``sort-by`` on the count), not
the order people first voted."""

from __future__ import annotations

from linli.engine.opinions import Conversation, Params, Vote, analyze
from linli.engine.opinions.clojure_order import hash_long, map_order
from linli.engine.opinions.pipeline import replay_in_conv

KEEN = list(range(100, 110))  # ten people with 7 votes each: admitted by the count rule
ONE_VOTE = list(range(10))  # ten people with a single vote: five of them fill the top-up


def _signed(h: int) -> int:
    return h - (1 << 32) if h >= 1 << 31 else h


def test_hash_of_an_integer_id_is_clojures():
    # (hash 1) => 1392991556 and (hash 0) => 0 in Clojure (Murmur3.hashLong).
    assert _signed(hash_long(1)) == 1392991556
    assert hash_long(0) == 0


def test_up_to_eight_entries_keep_insertion_order():
    # PersistentArrayMap: (keys (into {} [[5 1] [3 1] [9 1]])) => (5 3 9)
    assert map_order([5, 3, 9, 1, 7, 2, 8, 4]) == [5, 3, 9, 1, 7, 2, 8, 4]


def test_more_entries_follow_the_hash_trie():
    keys = ONE_VOTE + KEEN
    walked = map_order(keys)
    assert sorted(walked) == sorted(keys)
    # Level one of the trie is the hash's lowest five bits.
    low = [hash_long(k) & 0x1F for k in walked]
    assert low == sorted(low)
    assert walked != keys


def _conversation(one_vote_time: float | None) -> Conversation:
    keen = [Vote(p, s, 1 if s % 2 else -1, 1.0 + p) for p in KEEN for s in range(1, 8)]
    ones = [
        Vote(p, 0, 1, one_vote_time if one_vote_time is not None else 0.5 + p) for p in ONE_VOTE
    ]
    return Conversation(votes=keen + ones)


def test_top_up_ties_go_in_polis_map_order_not_first_vote_order():
    """Ten admitted by count, five places left, ten candidates with one vote each: Pol.is takes
    the first five of its hash-map walk (0, 7, 1, 4, 6), not the first five voters (0 … 4)."""
    conv = _conversation(one_vote_time=1000.0)  # all ten one-vote people in one batch
    flat = analyze(conv, Params(replay_history=False))
    assert set(flat.in_conv) - set(KEEN) == {0, 1, 4, 6, 7}
    # The same tie met while replaying the vote stream (one math run per timestamp).
    assert replay_in_conv(conv, Params()) - set(KEEN) == {0, 1, 4, 6, 7}
    replayed = analyze(conv)
    assert replayed.replayed_history
    assert set(replayed.in_conv) - set(KEEN) == {0, 1, 4, 6, 7}


def test_votes_sharing_a_timestamp_are_one_math_run():
    """Voted one after another, each one-vote person arrives while fewer than 15 are clustered
    and is admitted; voted in one batch, only the top-up's five are."""
    assert replay_in_conv(_conversation(one_vote_time=None), Params()) >= set(ONE_VOTE)
    assert len(replay_in_conv(_conversation(one_vote_time=1000.0), Params())) == 15
