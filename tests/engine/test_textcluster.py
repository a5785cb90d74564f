"""Needs clustering: normalisation, API contracts, and accuracy on the labelled fixture.

The accuracy thresholds below sit a little under the figures measured when the defaults were
chosen (docs/engine-textcluster.md): the threshold and word weight were tuned on the "tune"
half only; the "test" half holds needs never looked at while tuning.
"""

from __future__ import annotations

import csv
import json
import pathlib
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.engine.textcluster import (
    DEFAULT_THRESHOLD,
    NeedText,
    cluster_needs,
    concepts,
    likely_duplicates,
    normalise,
    pairwise_prf,
    similarity_matrix,
    tokenise,
)

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "needs_labelled.jsonl"
VTAIWAN = (
    pathlib.Path(__file__).resolve().parents[3]
    / "shared/data/polis/opendata/vtaiwan.uberx/comments.csv"
)


def _rows(split: str | None = None) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if split is None or r["split"] == split]


def _score(rows: list[dict[str, str]]) -> tuple[float, float, float]:
    clusters = cluster_needs([NeedText(r["id"], r["text"]) for r in rows])
    where = {m.id: i for i, c in enumerate(clusters) for m in c.members}
    return pairwise_prf([where[r["id"]] for r in rows], [r["label"] for r in rows])


# --------------------------------------------------------------------------- fixture shape


def test_fixture_is_big_and_varied_enough():
    rows = _rows()
    labels = {r["label"] for r in rows}
    assert len(rows) >= 600
    assert len(labels) >= 60
    assert len({r["text"] for r in rows}) == len(rows), "no verbatim duplicates"
    assert {r["split"] for r in rows} == {"tune", "test"}
    # whole needs are held out: no label appears in both halves
    tune = {r["label"] for r in rows if r["split"] == "tune"}
    assert not tune & {r["label"] for r in rows if r["split"] == "test"}
    # traditional script, full-width and dialect phrasings are present
    texts = "".join(r["text"] for r in rows)
    for marker in ("樓", "電", "阿拉", "弄堂", "老人家", "轧", "！", "５Ｇ", "😭"):
        assert marker in texts


# --------------------------------------------------------------------------- normalisation


def test_normalise_folds_width_script_punctuation_and_dialect():
    assert normalise("樓道燈壞了！！") == "楼道灯坏了"
    assert normalise("ＡＢＣ１２３") == "abc123"
    assert normalise("灯坏了😡😡 快修") == "灯坏了 快修"
    assert normalise("阿拉老人家想装电梯") == "我们老人想加装电梯"
    # canonical words are not rewritten inside themselves
    assert normalise("加装电梯") == "加装电梯"


def test_tokenise_keeps_domain_words_whole_and_drops_stopwords():
    words = tokenise("我觉得楼下电瓶车飞线充电太危险了，希望加装电梯")
    assert "飞线充电" in words and "电动车" in words and "加装电梯" in words
    assert "我" not in words and "了" not in words and "觉得" not in words


def test_traditional_and_simplified_texts_tokenise_alike():
    assert tokenise("非機動車亂停放，樓道堆物") == tokenise("非机动车乱停放，楼道堆物")


# --------------------------------------------------------------------------- API


SMALL = [
    NeedText("a", "楼道灯坏了"),
    NeedText("b", "樓道燈壞了好幾天，晚上看不見"),
    NeedText("c", "三号楼楼道的灯坏脱了，晚上黑"),
    NeedText("d", "小区缺少老人休息的座椅"),
    NeedText("e", "希望多放几张长凳给老人家坐坐休息"),
    NeedText("f", "非机动车乱停放"),
    NeedText("g", "電動車亂停放，堵住樓門口"),
]


def test_cluster_needs_groups_the_obvious_duplicates():
    clusters = cluster_needs(SMALL)
    groups = {frozenset(c.ids) for c in clusters}
    assert frozenset("abc") in groups
    assert frozenset("de") in groups
    assert frozenset("fg") in groups
    lights = next(c for c in clusters if "a" in c.ids)
    assert lights.size == 3
    assert "楼道灯" in lights.label_terms or "灯" in lights.label_terms
    for m in lights.members:
        assert 0.0 < m.similarity <= 1.0
    sims = [m.similarity for m in lights.members]
    assert sims == sorted(sims, reverse=True), "most typical member first"


def test_cluster_needs_is_deterministic_and_order_stable():
    first = cluster_needs(SMALL)
    assert cluster_needs(SMALL) == first
    rev = cluster_needs(list(reversed(SMALL)))
    assert {frozenset(c.ids) for c in rev} == {frozenset(c.ids) for c in first}


def test_same_result_under_another_hash_seed_and_jieba_stays_quiet():
    texts = ["楼道灯坏了", "樓道燈壞了", "电瓶车乱停", "非机动车乱停放", "缺座椅", "老人没地方坐"]
    code = (
        "from linli.engine.textcluster import NeedText, cluster_needs\n"
        f"texts = {texts!r}\n"
        "cl = cluster_needs([NeedText(str(i), t) for i, t in enumerate(texts)])\n"
        "print([(c.ids, c.label_terms, [m.similarity for m in c.members]) for c in cl])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=pathlib.Path(__file__).resolve().parents[2],
    )
    assert done.stderr == "", "jieba must not log while loading its dictionary"
    here = cluster_needs([NeedText(str(i), t) for i, t in enumerate(texts)])
    expected = [(c.ids, c.label_terms, [m.similarity for m in c.members]) for c in here]
    assert done.stdout.strip() == repr(expected)


def test_cluster_needs_edge_cases():
    assert cluster_needs([]) == []
    one = cluster_needs([NeedText("x", "路灯不亮")])
    assert [c.ids for c in one] == [("x",)]
    junk = cluster_needs([NeedText("x", "😀😀"), NeedText("y", "！？"), NeedText("z", "路灯")])
    assert sorted(c.size for c in junk) == [1, 1, 1]
    with pytest.raises(ValueError):
        cluster_needs([NeedText("x", "a"), NeedText("x", "b")])
    with pytest.raises(ValueError):
        cluster_needs(SMALL, threshold=0.0)


def test_likely_duplicates_ranks_the_same_need_first():
    hits = likely_duplicates("楼道里的灯不亮了", SMALL, k=3)
    assert hits and hits[0].id in {"a", "b", "c"}
    assert all(h.similarity >= DEFAULT_THRESHOLD for h in hits)
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert len(likely_duplicates("楼道灯坏了", SMALL, k=1)) == 1
    assert likely_duplicates("楼道灯坏了", SMALL, k=0) == []
    assert likely_duplicates("楼道灯坏了", [], k=3) == []
    assert likely_duplicates("量子计算机", SMALL, k=3) == []


def test_similarity_matrix_is_symmetric_with_unit_diagonal():
    sim = similarity_matrix([n.text for n in SMALL])
    assert sim.shape == (len(SMALL), len(SMALL))
    assert (abs(sim - sim.T) < 1e-12).all()
    assert all(abs(sim[i, i] - 1.0) < 1e-9 for i in range(len(SMALL)))
    assert sim[0, 1] > sim[0, 3]  # 楼道灯 is closer to 樓道燈 than to 座椅


def test_pairwise_prf_small_cases():
    assert pairwise_prf([1, 1, 2], ["a", "a", "b"]) == (1.0, 1.0, 1.0)
    p, r, f = pairwise_prf([1, 1, 1], ["a", "a", "b"])  # 3 predicted pairs, 1 true
    assert (p, r) == (pytest.approx(1 / 3), 1.0)
    assert f == pytest.approx(0.5)
    assert pairwise_prf([1, 2, 3], ["a", "a", "b"])[1] == 0.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="楼道灯坏了電梯老人座椅乱停放！ 😀ａ1", max_size=12), max_size=8))
def test_any_input_partitions_the_ids(texts):
    needs = [NeedText(str(i), t) for i, t in enumerate(texts)]
    clusters = cluster_needs(needs)
    ids = [i for c in clusters for i in c.ids]
    assert sorted(ids) == sorted(n.id for n in needs)
    assert all(0.0 <= m.similarity <= 1.0 + 1e-9 for c in clusters for m in c.members)


# --------------------------------------------------------------------------- accuracy


def test_accuracy_on_tuning_half():
    # measured: P 0.863, R 0.709, F1 0.778 (the half the parameters and the concept table
    # were chosen on: 608 texts in 78 needs, all confusable needs together)
    p, r, f = _score(_rows("tune"))
    assert p >= 0.84 and r >= 0.69 and f >= 0.76, (p, r, f)


def test_accuracy_on_held_out_half():
    # measured: P 0.727, R 0.461, F1 0.564 (290 texts in 29 needs written before the table's
    # last two revisions and never read while tuning). Far below the goal (F1 0.85, P 0.9):
    # see docs/engine-textcluster.md. The floor guards against regressions.
    p, r, f = _score(_rows("test"))
    assert p >= 0.70 and r >= 0.44 and f >= 0.54, (p, r, f)


def test_accuracy_on_whole_set():
    # measured: P 0.627, R 0.615, F1 0.621 (denser: all 898 texts together; three held-out
    # needs, *_2, are about the same thing as a tuning need and count as different here)
    p, r, f = _score(_rows())
    assert p >= 0.60 and r >= 0.59 and f >= 0.60, (p, r, f)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("垃圾房味道很大", "北门门房间快递堆满了"),  # only the character 房 in common
        ("小区里座椅太少", "增加儿童游乐角"),
        ("楼道灯坏了", "加装电梯"),
    ],
)
def test_unrelated_needs_are_never_suggested_as_duplicates(a, b):
    """Triage once proposed these at 0.8+: without a shared word a pair scores 0."""
    assert similarity_matrix([a, b])[0, 1] == 0.0
    clusters = cluster_needs([NeedText("a", a), NeedText("b", b)])
    assert all(c.size == 1 for c in clusters)
    assert likely_duplicates(a, [NeedText("b", b)]) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("小区里座椅坏了好几张", "小区座椅太少，老人走累了没地方坐"),  # same object, other problem
        ("路灯不亮了，晚上很黑", "路灯太刺眼，照进卧室"),
        ("楼道灯坏了", "路灯坏了"),  # same problem, other object
        ("健身器材坏了", "座椅坏了"),
    ],
)
def test_needs_about_other_objects_or_problems_are_kept_apart(a, b):
    """Shared words (座椅, 路灯, 坏) are not enough when the concept table tells them apart."""
    assert similarity_matrix([a, b])[0, 1] == 0.0
    assert all(c.size == 1 for c in cluster_needs([NeedText("a", a), NeedText("b", b)]))
    assert likely_duplicates(a, [NeedText("b", b)]) == []


def test_same_object_and_problem_in_other_words_is_a_duplicate():
    """屋顶/顶楼/天花板 and 漏水/滴水 share few characters; the concept table links them."""
    assert concepts("顶楼天花板一直滴水") == (frozenset({"屋顶"}), frozenset({"漏"}))
    assert concepts("加装电梯") == (frozenset({"加装电梯"}), frozenset())  # not 加装 + 电梯
    sim = similarity_matrix(["屋顶漏水", "顶楼天花板一直滴水"])[0, 1]
    assert sim >= DEFAULT_THRESHOLD
    assert likely_duplicates("顶楼天花板一直滴水", [NeedText("r", "屋顶漏水")])[0].id == "r"


def test_cohesion_is_the_weakest_pair_not_the_flattering_centre_cosine():
    clusters = cluster_needs(SMALL)
    lights = next(c for c in clusters if "a" in c.ids)
    sim = similarity_matrix([t.text for t in SMALL])
    assert lights.cohesion == pytest.approx(min(sim[0, 1], sim[0, 2], sim[1, 2]), abs=1e-6)
    assert lights.cohesion < min(m.similarity for m in lights.members)


def test_intake_suggestions_on_held_out_half():
    """Leave-one-out: would a resident typing this text be shown the need already filed?"""
    rows = _rows("test")
    label = {r["id"]: r["label"] for r in rows}
    answered = top1 = top3 = 0
    for r in rows[::2]:  # every second text keeps the test fast; full half in the docs
        others = [NeedText(o["id"], o["text"]) for o in rows if o["id"] != r["id"]]
        hits = likely_duplicates(r["text"], others, k=3)
        if hits:
            answered += 1
            top1 += label[hits[0].id] == r["label"]
            top3 += any(label[h.id] == r["label"] for h in hits)
    # measured on this sample (the 290-text held-out half): 141 of 145 answered, top-1 96,
    # top-3 123
    assert answered >= 135
    assert top1 / answered >= 0.66 and top3 / answered >= 0.85


# --------------------------------------------------------------------------- vTaiwan


@pytest.mark.slow
@pytest.mark.skipif(not VTAIWAN.exists(), reason="shared vTaiwan data not present")
def test_vtaiwan_comments_merge_verified_near_duplicates():
    with VTAIWAN.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    needs = [
        NeedText(r["comment-id"], r["comment-body"])
        for r in rows
        if re.search(r"[\u4e00-\u9fff]", r["comment-body"])
    ]
    clusters = cluster_needs(needs)
    together = {frozenset(c.ids) for c in clusters}

    def same_cluster(*ids: str) -> bool:
        return any(set(ids) <= group for group in together)

    assert sum(1 for c in clusters if c.size > 1) >= 10
    # read and verified: 114–117 are one comment re-posted with small edits
    # ("我覺得Uber提供了更便利及更高品質的乘車環境")
    assert same_cluster("114", "115", "116", "117")
    assert same_cluster("70", "72")  # 計費較計程車便宜，平均省下一個便當的錢
    assert same_cluster("23", "24")  # 司機(的個人)資料應受政府管制
    assert same_cluster("45", "46")  # 類似共乘但收費的概念
    # and keeps clearly different opinions apart
    assert not same_cluster("114", "24")
    assert not same_cluster("70", "45")
