"""The order in which Pol.is's Clojure code walks a ``{participant: vote count}`` map.

Pol.is admits the keenest voters when fewer than 15 people are clustered
(``conversation.clj`` ``:in-conv``): it builds ``user-vote-counts`` with ``(into {} ...)`` and
takes ``(sort-by (comp - second))`` of it. ``sort-by`` is stable, so participants with the
same number of votes come out in the map's own iteration order, which for more than eight
entries is a ``PersistentHashMap``'s: by the hash of the participant id, five bits at a time
from the lowest (the hash array mapped trie's levels). Up to eight entries the map is a
``PersistentArrayMap`` and keeps insertion order (the vote matrix's row order).

Which early voter wins such a tie decides who is admitted for good ("once in, stays in"), so
we follow the same order instead of first-vote order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

_M32 = 0xFFFFFFFF
ARRAY_MAP_MAX = 8  # clojure.lang.PersistentArrayMap.HASHTABLE_THRESHOLD / 2


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _M32


def _mix_k1(k: int) -> int:
    k = (k * 0xCC9E2D51) & _M32
    return (_rotl(k, 15) * 0x1B873593) & _M32


def _mix_h1(h: int, k: int) -> int:
    h = _rotl(h ^ k, 13)
    return (h * 5 + 0xE6546B64) & _M32


def hash_long(x: int) -> int:
    """``clojure.lang.Murmur3.hashLong`` (what ``hash`` gives an integer id), unsigned."""
    if x == 0:
        return 0
    x &= 0xFFFFFFFFFFFFFFFF
    h = _mix_h1(_mix_h1(0, _mix_k1(x & _M32)), _mix_k1(x >> 32))
    h ^= 8
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M32
    return h ^ (h >> 16)


@lru_cache(maxsize=65536)
def _trie_key(key: int) -> tuple[int, ...]:
    """Where ``key`` sits in a hash array mapped trie walk: five hash bits per level, lowest
    first."""
    h = hash_long(key)
    return tuple((h >> shift) & 0x1F for shift in range(0, 32, 5))


def map_order(keys: Sequence[int]) -> list[int]:
    """``keys`` (in insertion order) in the order ``(seq (into {} ...))`` yields them."""
    if len(keys) <= ARRAY_MAP_MAX:
        return list(keys)
    # Equal hashes share a collision node, which keeps insertion order: sorted() is stable.
    return sorted(keys, key=_trie_key)


def rank(keys: Sequence[int]) -> dict[int, int]:
    """Position of each key in :func:`map_order`."""
    return {k: i for i, k in enumerate(map_order(keys))}
