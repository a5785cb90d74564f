"""``python -m linli.engine opinions`` end to end, in a subprocess like an operator runs it."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
POLIS = REPO.parent / "shared" / "data" / "polis"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linli.engine", "opinions", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not POLIS.exists(), reason="shared Pol.is data not available")
def test_json_with_polis_state_reproduces_polis():
    folder = POLIS / "polis-math" / "below-100-ptpts"
    proc = run(str(folder), "--json", "--polis-state")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    math = json.loads((folder / "math-pca2.json").read_text(encoding="utf-8"))
    base = dict(zip(math["base-clusters"]["id"], math["base-clusters"]["members"], strict=True))
    expected = {
        str(p): g["id"] for g in math["group-clusters"] for b in g["members"] for p in base[b]
    }
    assert out["groups"] == expected
    assert out["consensus"] == {
        d: [c["tid"] for c in math["consensus"][d]] for d in ("agree", "disagree")
    }
    assert out["repness"] == {g: [x["tid"] for x in v] for g, v in math["repness"].items()}


@pytest.mark.skipif(not POLIS.exists(), reason="shared Pol.is data not available")
def test_opendata_json_and_chinese_summary():
    folder = POLIS / "opendata" / "brexit-consensus"
    proc = run(str(folder), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"groups", "consensus", "group_consensus", "repness"}
    assert set(out["repness"]) == {str(g) for g in set(out["groups"].values())}
    text = run(str(folder))
    assert text.returncode == 0
    for heading in ("观点群组", "代表性观点", "共识观点", "各群组都赞同"):
        assert heading in text.stdout
    assert text.stdout.startswith("读取: votes.csv 投票记录 5312 条（204 人")


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "没有 votes.csv、participants-votes.csv 或 votes.json"),
        ({"votes.csv": "voter-id,comment-id,vote\n1,2,yes\n"}, "不是数字"),
        ({"votes.csv": "who,what\n1,2\n"}, "缺少列"),
        ({"votes.csv": "voter-id,comment-id,vote\n1,2,5\n"}, "投票值无效"),
        ({"votes.csv": "voter-id,comment-id,vote\n"}, "没有投票数据"),
        ({"participants-votes.csv": "participant,group-id,1,2\n1,,1,x\n"}, "不是数字"),
        ({"participants-votes.csv": "who,1\n1,1\n"}, "缺少 participant 列"),
        ({"participants-votes.csv": "participant,group-id,1,abc\n1,,1,1\n"}, "无法识别的列"),
        ({"participants-votes.csv": "participant,group-id,1\n1,,5\n"}, "投票值无效"),
        ({"participants-votes.csv": "participant,group-id,1\n1,\n"}, "列数不足"),
        ({"participants-votes.csv": "participant,group-id,1\n1,,\n"}, "没有任何投票"),
        ({"votes.json": "{not json"}, "votes.json 格式错误"),
        ({"votes.csv": b"voter-id,comment-id,vote\n1,2,\xff\n"}, "错误"),
    ],
)
def test_bad_input_gives_chinese_error_and_exit_2(tmp_path, files, message):
    for name, content in files.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    proc = run(str(tmp_path), "--json")
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_directory_and_bad_arguments():
    proc = run("/nonexistent/folder")
    assert proc.returncode == 2 and "目录不存在" in proc.stderr
    proc = run()
    assert proc.returncode == 2 and "参数错误" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(not POLIS.exists(), reason="shared Pol.is data not available")
def test_declared_meta_statements_reproduce_london():
    """The openData export carries no is-meta flag; declaring london's background questions
    (1-14) and one run on all votes gives Pol.is's recorded groups (3, 18 and 3 people)."""
    from bench.bench_opinions import ari, recorded_groups

    folder = POLIS / "opendata" / "london.youth.policing"
    proc = run(str(folder), "--json", "--meta", "1-14", "--no-replay")
    assert proc.returncode == 0, proc.stderr
    groups = {int(p): g for p, g in json.loads(proc.stdout)["groups"].items()}
    assert ari(recorded_groups(folder), groups) == pytest.approx(1.0)
    text = run(str(folder), "--meta", "1-14", "--no-replay").stdout
    assert "声明为 meta 的观点 14 条" in text and "观点群组: 3 个" in text


def test_bad_meta_argument_is_refused(tmp_path):
    (tmp_path / "votes.csv").write_text("voter-id,comment-id,vote\n1,2,1\n", encoding="utf-8")
    proc = run(str(tmp_path), "--meta", "1-x")
    assert proc.returncode == 2 and "--meta 格式错误" in proc.stderr
    proc = run(str(tmp_path), "--meta", "9-3")
    assert proc.returncode == 2 and "--meta 范围无效" in proc.stderr


def test_is_meta_column_is_read_when_an_export_has_it(tmp_path):
    from linli.engine.opinions import analyze, load_folder

    rows = ["voter-id,comment-id,vote"]
    rows += [f"{p},{t},{1 if (p + t) % 2 else -1}" for p in range(20) for t in range(8)]
    (tmp_path / "votes.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    comments = ["comment-id,moderated,is-meta,comment-body"]
    comments += [f"{t},1,{'true' if t < 2 else 'false'},观点{t}" for t in range(8)]
    (tmp_path / "comments.csv").write_text("\n".join(comments) + "\n", encoding="utf-8")
    conv = load_folder(tmp_path)
    assert conv.meta == frozenset({0, 1})
    r = analyze(conv)
    assert all(abs(c[j]) < 1e-12 for c in r.components for j in (0, 1))
