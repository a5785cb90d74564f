"""Group near-duplicate resident needs written in Chinese.

Residents report the same need many times in different words ("楼道灯坏了" /
"樓道燈壞脫了，晚上看不見"). Staff want one entry per underlying need, with a count, so the
needs list (需求清单) ranks real demand instead of who typed most.

Pipeline (all deterministic, no model downloads):

1. ``normalise``: NFKC (full-width → half-width), lower case, traditional → simplified from a
   hand-written character map, strip punctuation/emoji, then dialect and synonym rewriting
   (老人家/老年人 → 老人, 电瓶车 → 电动车, 阿拉 → 我们 …).
2. Two TF-IDF views fitted on the texts being compared: jieba words (with a domain user
   dictionary and a stopword list) and the characters of those words (robust to typos/错别字
   and to segmentation mistakes); terms found in one text only are dropped. Each view is
   L2-normalised and mixed with weight ``word_weight``, so the cosine of the mixed vectors is
   the weighted mean of the two cosines.
3. Average-link agglomerative clustering on cosine distance, cut at ``1 - threshold``. Average
   link rather than connected components / single link because single link chains: "楼道灯坏了"
   ~ "楼道堆物" ~ "楼道墙皮脱落" would end as one cluster through the shared word 楼道. Average
   link only merges groups whose *mean* pairwise similarity passes the threshold.

See ``docs/engine-textcluster.md`` for the evaluation and the threshold choice.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, diags, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = [
    "DEFAULT_THRESHOLD",
    "Cluster",
    "ClusterMember",
    "DuplicateCandidate",
    "NeedText",
    "cluster_needs",
    "concepts",
    "likely_duplicates",
    "normalise",
    "pairwise_prf",
    "similarity_matrix",
    "tokenise",
]

#: Cosine similarity (mixed word/char TF-IDF) above which two groups are merged. Tuned on the
#: "tune" half of tests/engine/fixtures/needs_labelled.jsonl; see docs/engine-textcluster.md.
DEFAULT_THRESHOLD = 0.25
#: Share of the word view in the mixed similarity (the rest is character n-grams).
DEFAULT_WORD_WEIGHT = 0.2
#: Weight of terms found in one text only (0 drops them; 1 is a plain cosine).
UNSHARED_WEIGHT = 0.6
#: Shortest jieba word that counts as a shared content word for the gate.
MIN_SHARED_WORD_LEN = 1
#: Similarity given to two needs about the same object with compatible problems (see
#: ``data/concepts.txt``) when their words alone score lower: "屋顶漏水" and "顶楼天花板滴水"
#: share few characters but are the same need.
CONCEPT_FLOOR = 0.3


@dataclass(frozen=True)
class NeedText:
    """One resident need as typed; ``id`` is whatever the caller uses to find it again."""

    id: str
    text: str


@dataclass(frozen=True)
class ClusterMember:
    """A need inside a cluster and its cosine similarity to the cluster centre (1 = typical)."""

    id: str
    text: str
    similarity: float


@dataclass(frozen=True)
class Cluster:
    """A group of needs judged to be the same underlying need.

    ``members`` are ordered by similarity to the centre (most typical first), so
    ``members[0]`` is a good representative text; ``label_terms`` are the words with the
    highest weight in the centre, for a one-glance label.
    """

    members: tuple[ClusterMember, ...]
    label_terms: tuple[str, ...]
    #: Lowest similarity between any two members (1.0 for a singleton): the score to show
    #: staff. Cosine to the centre flatters pairs (two unrelated texts sit ~0.7 from theirs).
    cohesion: float = 1.0

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def label(self) -> str:
        return "·".join(self.label_terms)


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing need that a newly submitted one may duplicate."""

    id: str
    text: str
    similarity: float


# --------------------------------------------------------------------------- resources


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a file in ``linli.engine.data``."""
    text = resources.files("linli.engine.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def _t2s_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in _data_lines("t2s.txt"):
        for pair in line.split():
            if len(pair) != 2:
                raise ValueError(f"t2s.txt: bad entry {pair!r}")
            table[ord(pair[0])] = pair[1]
    return table


@functools.cache
def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    mapping: dict[str, str] = {}
    for line in _data_lines("synonyms.txt"):
        src, dst = line.split()
        mapping[src] = dst
    for dst in list(mapping.values()):
        mapping.setdefault(dst, dst)  # so 装电梯 → 加装电梯 does not fire inside 加装电梯
    # Longest first so 老年人 wins over 老年; one pass, so replacements are not re-replaced.
    keys = sorted(mapping, key=lambda k: (-len(k), k))
    return re.compile("|".join(map(re.escape, keys))), mapping


@functools.cache
def _stopwords() -> frozenset[str]:
    return frozenset(w for line in _data_lines("stopwords.txt") for w in line.split())


@functools.cache
def _tokenizer() -> Any:  # jieba has no type hints
    """A private jieba tokenizer with the domain dictionary (the global one stays untouched)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict…" on init
    tok = jieba.Tokenizer()
    tok.initialize()
    for line in _data_lines("userdict.txt"):
        parts = line.split()
        tok.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
    for dst in _synonyms()[1].values():
        tok.add_word(dst)  # canonical words must survive segmentation whole
    return tok


@functools.cache
def _concept_table() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """Triggers of ``data/concepts.txt``: word → (kind "obj"/"ctx"/"prob", concept name)."""
    table: dict[str, tuple[str, str]] = {}
    for line in _data_lines("concepts.txt"):
        head, _, words = line.partition(":")
        kind, name = head.split()
        if kind not in ("obj", "ctx", "prob"):
            raise ValueError(f"concepts.txt: unknown kind {kind!r}")
        for w in words.split():
            table[w] = (kind, name)
    keys = sorted(table, key=lambda k: (-len(k), k))  # longest first: 加装电梯 before 加装
    return re.compile("|".join(map(re.escape, keys))), table


def concepts(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(objects, problems) a need talks about, from the hand-written concept table.

    Matched on the normalised text without spaces, longest trigger first and without
    overlaps, so "加装电梯" is the object 加装电梯 and not the problem 不够 (加装) plus 电梯.
    A need naming a specific object (充电桩, 飞线充电) is judged by it; one naming only a
    general thing (``ctx``: 电动车, 充电, 停车) by that: "充电桩太少，电动车没法充电" and
    "楼上拉电线给电动车充电" both mention 电动车 and 充电, and are still different needs.
    """
    pattern, table = _concept_table()
    found: dict[str, set[str]] = {"obj": set(), "ctx": set(), "prob": set()}
    for m in pattern.finditer(normalise(text).replace(" ", "")):
        kind, name = table[m.group(0)]
        found[kind].add(name)
    return frozenset(found["obj"] or found["ctx"]), frozenset(found["prob"])


# --------------------------------------------------------------------------- text


_KEEP = re.compile(r"[\u3400-\u9fff\uf900-\ufaffa-z0-9]+")


def normalise(text: str) -> str:
    """Canonical form for comparison: half-width, simplified, no punctuation, synonyms unified.

    Runs of kept characters are joined by single spaces so punctuation still separates words.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_t2s_table())
    text = " ".join(_KEEP.findall(text))
    pattern, mapping = _synonyms()
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def tokenise(text: str) -> list[str]:
    """jieba words of the normalised text, without stopwords and whitespace."""
    stop = _stopwords()
    tok = _tokenizer()
    words: list[str] = []
    for chunk in normalise(text).split():
        words.extend(w for w in tok.lcut(chunk, HMM=False) if w.strip() and w not in stop)
    return words


# --------------------------------------------------------------------------- vectors


@dataclass(frozen=True)
class _Vectors:
    mixed: csr_matrix  # rows unit length (or zero for empty texts)
    words: csr_matrix  # word view alone, for labels
    vocabulary: np.ndarray  # word-view feature names
    gate: np.ndarray  # [i, j] True when texts i and j share a content word
    same_object: np.ndarray  # [i, j] both name an object and one of them is the same
    conflict: np.ndarray  # [i, j] different objects, or the same object with other problems


def _char_features(tokens: list[str]) -> list[str]:
    """Characters of the kept words (character unigrams).

    Characters carry most of the signal in short Chinese texts: paraphrases share 灯/坏/楼
    even when jieba splits them differently or a typo (楼到, 电悌) breaks a word. Bigrams were
    tried (inside words and across the text) and scored lower on the tuning half: inside words
    they duplicate the word view, across words they add noise. Stopwords are already gone, so
    的/了/我们 do not count.
    """
    return [ch for tok in tokens for ch in tok]


def _fit(
    analyzer: Callable[[list[str]], list[str]],
    docs: list[list[str]],
    query_row: int | None = None,
    unshared_weight: float = 0.0,
) -> tuple[csr_matrix, np.ndarray]:
    """TF-IDF (sublinear tf, unit rows) where terms found in one text only are dropped.

    A term that occurs once cannot link two texts; keeping it only shrinks every cosine, so
    the threshold would depend on how wordy a resident is (this is ``min_df=2``, and it
    scored clearly better on the tuning half). The exception is ``query_row`` (a new
    submission checked against existing needs): it keeps its own unshared terms, so "量子计算机"
    is not judged a duplicate of "非机动车乱停放" merely because 机 is the one character the
    two share — what the resident wrote but nobody else did counts against the match.
    """
    vec = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, norm=None, lowercase=False)
    try:
        x = csr_matrix(vec.fit_transform(docs))
    except ValueError:  # no terms at all
        return csr_matrix((len(docs), 0)), np.array([], dtype=object)
    vocab = vec.get_feature_names_out()
    df = np.diff(x.tocsc().indptr)
    keep = np.flatnonzero(df >= 2)
    shared = x[:, keep]
    unique = np.flatnonzero(df < 2)
    own = x[:, unique] * unshared_weight
    if query_row is not None:
        mask = _row_mask(len(docs), query_row)
        own = own + csr_matrix(x[:, unique].multiply(mask)) * (1.0 - unshared_weight)
    return _unit_rows(csr_matrix(hstack([shared, csr_matrix(own)]))), np.concatenate(
        [vocab[keep], vocab[unique]]
    )


def _row_mask(n: int, row: int) -> csr_matrix:
    mask = np.zeros((n, 1))
    mask[row, 0] = 1.0
    return csr_matrix(mask)


def _vectorise(texts: Sequence[str], word_weight: float, query_row: int | None = None) -> _Vectors:
    """Fit both TF-IDF views on ``texts`` and return the mixed, row-normalised matrix."""
    if not 0.0 <= word_weight <= 1.0:
        raise ValueError("word_weight must be within [0, 1]")
    tokens = [tokenise(t) for t in texts]
    xw, vocab = _fit(_identity, tokens, query_row, UNSHARED_WEIGHT)
    xc, _ = _fit(_char_features, tokens, query_row, UNSHARED_WEIGHT)
    mixed = hstack([np.sqrt(word_weight) * xw, np.sqrt(1.0 - word_weight) * xc]).tocsr()
    # A text may be empty in one view only; renormalise so its self-similarity stays 1.
    same_object, conflict = _concept_relations([concepts(t) for t in texts])
    return _Vectors(
        mixed=_unit_rows(mixed),
        words=xw,
        vocabulary=vocab,
        gate=_shared_word_gate(tokens),
        same_object=same_object,
        conflict=conflict,
    )


def _incidence(sets: list[frozenset[str]]) -> np.ndarray:
    names = sorted(set().union(*sets)) if sets else []
    index = {name: k for k, name in enumerate(names)}
    m = np.zeros((len(sets), max(len(names), 1)))
    for i, s in enumerate(sets):
        for name in s:
            m[i, index[name]] = 1.0
    return m


def _concept_relations(
    found: list[tuple[frozenset[str], frozenset[str]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Which pairs of needs are about the same object, and which cannot be the same need.

    Two needs that each name an object but share none are different needs (路灯 vs 楼道灯,
    座椅 vs 健身器材), however many words they share; so are two needs about the same object
    whose problems are both named and differ (座椅坏了 vs 座椅太少, 路灯不亮 vs 路灯太刺眼).
    A need naming no object (or no problem) is judged by its words alone.
    """
    objects = _incidence([o for o, _ in found])
    problems = _incidence([p for _, p in found])
    has_o = objects.sum(axis=1) > 0
    has_p = problems.sum(axis=1) > 0
    same_o = (objects @ objects.T) > 0
    same_p = (problems @ problems.T) > 0
    other_o = has_o[:, None] & has_o[None, :] & ~same_o
    other_p = has_p[:, None] & has_p[None, :] & ~same_p
    conflict = other_o | (same_o & other_p)
    return same_o & ~conflict, conflict


def _content_words(tokens: list[str]) -> set[str]:
    """Words that can link two texts: tokens, plus the two-character parts of long ones.

    The parts let "楼道灯坏了" (one token 楼道灯) meet "楼道里的灯不亮" (楼道 + 灯).
    """
    words = {t for t in tokens if len(t) >= MIN_SHARED_WORD_LEN}
    for t in tokens:
        if len(t) >= 3:
            words.update(t[i : i + 2] for i in range(len(t) - 1))
    return words


def _shared_word_gate(tokens: list[list[str]]) -> np.ndarray:
    """Boolean matrix: do texts i and j share at least one content word?

    Character overlap alone is not evidence of the same need: 垃圾房味道 and 门房间快递 share
    only 房, 楼道灯 and 加装电梯 nothing but the character view's noise. A pair that shares no
    word (after synonym unification) gets similarity 0, so it can never be suggested.
    """
    words = [_content_words(t) for t in tokens]
    index: dict[str, int] = {}
    rows, cols = [], []
    for i, ws in enumerate(words):
        for w in ws:
            rows.append(i)
            cols.append(index.setdefault(w, len(index)))
    m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(tokens), max(len(index), 1)))
    return np.asarray((m @ m.T).todense()) > 0


def _unit_rows(x: csr_matrix) -> csr_matrix:
    """Scale rows to unit length; all-zero rows (nothing shared with any text) stay zero."""
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return csr_matrix(diags(scale) @ x)


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def similarity_matrix(
    texts: Sequence[str], *, word_weight: float = DEFAULT_WORD_WEIGHT
) -> np.ndarray:
    """Dense cosine similarity between all texts (mixed word/char TF-IDF fitted on them)."""
    vec = _vectorise(texts, word_weight)
    return _gated(vec)


def _gated(vec: _Vectors) -> np.ndarray:
    x = vec.mixed
    sim = _with_concepts(np.asarray((x @ x.T).todense()) * vec.gate, vec.same_object, vec.conflict)
    np.fill_diagonal(sim, 1.0)
    return sim


def _with_concepts(sim: np.ndarray, same_object: np.ndarray, conflict: np.ndarray) -> np.ndarray:
    """Word similarity corrected by what the needs are about: 0 for pairs that cannot be the
    same need, at least ``CONCEPT_FLOOR`` for pairs about the same object and problem."""
    sim = np.where(same_object, np.maximum(sim, CONCEPT_FLOOR), sim)
    return np.where(conflict, 0.0, sim)


# --------------------------------------------------------------------------- clustering


def _cluster_labels(sim: np.ndarray, threshold: float) -> np.ndarray:
    """Average-link clusters: groups whose mean pairwise similarity is ≥ threshold."""
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2.0  # exact symmetry for squareform
    iu = np.triu_indices(n, k=1)
    z = linkage(dist[iu], method="average")
    raw = fcluster(z, t=1.0 - threshold, criterion="distance")
    # Renumber by first appearance so labels depend only on input order.
    first: dict[int, int] = {}
    return np.array([first.setdefault(int(c), len(first)) for c in raw], dtype=int)


def _top_terms(weights: np.ndarray, vocabulary: np.ndarray, k: int) -> tuple[str, ...]:
    order = sorted(
        (i for i in range(len(weights)) if weights[i] > 0),
        key=lambda i: (-round(float(weights[i]), 12), str(vocabulary[i])),
    )
    return tuple(str(vocabulary[i]) for i in order[:k])


def cluster_needs(
    texts: Sequence[NeedText],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    word_weight: float = DEFAULT_WORD_WEIGHT,
    label_size: int = 3,
) -> list[Cluster]:
    """Cluster needs into groups of near-duplicates (singletons included).

    Clusters come largest first, then by the position of their first member in ``texts``;
    the result depends only on the input, never on hash seeds or thread timing.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be within (0, 1]")
    ids = [t.id for t in texts]
    if len(set(ids)) != len(ids):
        raise ValueError("NeedText ids must be unique")
    if not texts:
        return []
    vec = _vectorise([t.text for t in texts], word_weight)
    x = vec.mixed
    sim = _gated(vec)
    labels = _cluster_labels(sim, threshold)

    clusters: list[tuple[int, Cluster]] = []
    for c in range(int(labels.max()) + 1):
        idx = np.flatnonzero(labels == c)
        centre = np.asarray(x[idx].mean(axis=0)).ravel()
        c_norm = float(np.linalg.norm(centre))
        sims = (x[idx] @ centre) / c_norm if c_norm > 0 else np.zeros(len(idx))
        ranked = sorted(
            (
                (round(float(s), 6), int(i))
                for i, s in zip(idx, np.asarray(sims).ravel(), strict=True)
            ),
            key=lambda si: (-si[0], si[1]),
        )
        members = [ClusterMember(ids[i], texts[i].text, s) for s, i in ranked]
        word_centre = np.asarray(vec.words[idx].mean(axis=0)).ravel()
        label = _top_terms(word_centre, vec.vocabulary, label_size)
        cohesion = float(sim[np.ix_(idx, idx)].min()) if len(idx) > 1 else 1.0
        clusters.append((int(idx[0]), Cluster(tuple(members), label, round(min(cohesion, 1.0), 6))))
    clusters.sort(key=lambda pc: (-pc[1].size, pc[0]))
    return [c for _, c in clusters]


def likely_duplicates(
    new_text: str,
    existing: Sequence[NeedText],
    k: int = 5,
    *,
    min_similarity: float = DEFAULT_THRESHOLD,
    word_weight: float = DEFAULT_WORD_WEIGHT,
) -> list[DuplicateCandidate]:
    """Existing needs most similar to ``new_text``, for "has someone already reported this?"

    Shown at intake so a resident can support an existing need instead of filing a copy.
    Returns at most ``k`` candidates with similarity ≥ ``min_similarity``, best first.
    """
    if k <= 0 or not existing:
        return []
    vec = _vectorise([*(e.text for e in existing), new_text], word_weight, query_row=len(existing))
    sims = np.asarray((vec.mixed[:-1] @ vec.mixed[-1].T).todense()).ravel() * vec.gate[:-1, -1]
    sims = _with_concepts(sims, vec.same_object[:-1, -1], vec.conflict[:-1, -1])
    order = sorted(range(len(existing)), key=lambda i: (-round(float(sims[i]), 12), i))
    return [
        DuplicateCandidate(existing[i].id, existing[i].text, round(float(sims[i]), 6))
        for i in order[:k]
        if sims[i] >= min_similarity
    ]


# --------------------------------------------------------------------------- evaluation


def pairwise_prf(
    predicted: Iterable[object], truth: Iterable[object]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of a clustering against true labels.

    A pair of texts is "duplicate" when both land in the same cluster; precision is the share
    of predicted duplicate pairs that are true duplicates. Counts come from the contingency
    table, so this is O(n) rather than O(n²).
    """
    pred, true = list(predicted), list(truth)
    if len(pred) != len(true):
        raise ValueError("predicted and truth must have the same length")

    def pairs(counts: Iterable[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    from collections import Counter

    both = pairs(Counter(zip(pred, true, strict=True)).values())
    pred_pairs = pairs(Counter(pred).values())
    true_pairs = pairs(Counter(true).values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
