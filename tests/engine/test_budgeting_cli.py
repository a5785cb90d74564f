"""The ``python -m linli.engine pb`` command, run as a real subprocess."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from tests.engine.test_budgeting_common import DATA

REPO = pathlib.Path(__file__).resolve().parents[2]
ASSEN = str(DATA / "Netherlands_Assen_2024.pb")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linli.engine", "pb", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_output_has_the_official_assen_winners():
    r = run(ASSEN, "--rule", "mes", "--completion", "add1", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert sorted(data["selected"], key=int) == ["2", "3", "5", "6", "9", "11", "12", "13", "14"]
    assert all(isinstance(s, str) for s in data["selected"])
    assert data["details"]["iterations"] > 1
    first = data["funded"][0]
    assert first["project_id"] == "3" and first["payments"][0]["voters"] == 43


def test_chinese_explanation():
    r = run(ASSEN, "--rule", "mes", "--completion", "add1")
    assert r.returncode == 0, r.stderr
    assert "项目 3「PopUp Podium」获得资助" in r.stdout
    assert "43 位支持者各付" in r.stdout
    assert "未获资助" in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--rule", "greedy"),
        ("--rule", "phragmen", "--json"),
        ("--rule", "mes", "--utility", "cardinality", "--completion", "utilitarian"),
    ],
)
def test_other_rules_run(args):
    r = run(str(DATA / "Poland_Swiecie_2023.pb"), *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout


def test_missing_file(tmp_path):
    r = run(str(tmp_path / "nope.pb"), "--rule", "mes")
    assert r.returncode == 2
    assert "找不到文件" in r.stderr and "Traceback" not in r.stderr


def test_malformed_file(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;abc\nPROJECTS\nproject_id;cost\n", encoding="utf-8")
    r = run(str(bad), "--rule", "greedy")
    assert r.returncode == 2
    assert "无法读取" in r.stderr and "Traceback" not in r.stderr


def test_bad_arguments_and_wrong_vote_type():
    r = run(ASSEN, "--rule", "nope")
    assert r.returncode == 2 and "参数错误" in r.stderr
    r = run(str(DATA / "Poland_Katowice_2020_Osiedle_Tysiaclecia.pb"), "--rule", "mes")
    assert r.returncode == 2 and "只适用于" in r.stderr and "Traceback" not in r.stderr
