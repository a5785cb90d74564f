"""pabulib .pb reading and writing: every shared file survives parse → write → parse."""

from __future__ import annotations

import pathlib
from fractions import Fraction

import pytest

from linli.engine.budgeting import pbfile
from linli.engine.budgeting.model import project_scores

DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
FILES = sorted(DATA.glob("*.pb"))


def test_shared_data_is_there():
    assert len(FILES) == 36


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_round_trip_keeps_the_election(path, tmp_path):
    e = pbfile.read(path)
    out = tmp_path / "x.pb"
    pbfile.write(e, out)
    again = pbfile.read(out)
    assert again == e
    assert list(again.instance.meta) == list(e.instance.meta)
    assert again.instance.project_fields == e.instance.project_fields
    # the votes column in PROJECTS agrees with the ballots we read
    counts: dict[str, int] = {}
    for b in e.profile.ballots:
        for pid in b.projects:
            counts[pid] = counts.get(pid, 0) + 1
    assert len(e.profile.ballots) == int(e.instance.meta["num_votes"])
    assert len(e.instance.projects) == int(e.instance.meta["num_projects"])
    scores = project_scores(e.instance, e.profile)
    for p in e.instance.projects.values():
        if "votes" in p.extra and "Hungary" not in path.stem:
            assert counts.get(p.id, 0) == int(p.extra["votes"]), p.id
        if "score" in p.extra and p.extra["score"] and "Worldwide" not in path.stem:
            assert scores[p.id] == int(p.extra["score"]), p.id


def test_lodz_reads_whole():
    """The largest approval file reads completely (its speed is measured in bench/, not here)."""
    e = pbfile.read(DATA / "Poland_Lodz_2022.pb")
    assert len(e.profile.ballots) == 90494 and len(e.instance.projects) == 160


def test_quoted_fields_crlf_comments_and_decimal_budget():
    text = (
        "META\r\nkey;value\r\n# a comment line\r\nbudget;1331751.11\r\nvote_type;cumulative\r\n"
        'comment;"#1: a ""quoted"" note; with a semicolon"\r\n'
        "PROJECTS\r\nproject_id;cost;name;selected\r\n"
        '1;100;"Park; benches";1\r\n2;250.5;Library;0\r\n'
        "VOTES\r\nvoter_id;vote;points\r\nv1;1,2;3,1\r\nv2;2;4\r\n"
    )
    e = pbfile.parse(text)
    assert e.instance.budget == Fraction(133175111, 100)
    assert e.instance.meta["comment"] == '#1: a "quoted" note; with a semicolon'
    assert e.instance.projects["1"].name == "Park; benches"
    assert e.instance.projects["2"].cost == Fraction(501, 2)
    assert e.profile.ballots[0].points == (3, 1)
    again = pbfile.parse(pbfile.dumps(e))
    assert again == e
    assert "budget;1331751.11" in pbfile.dumps(e)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n",
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;x\nVOTES\nvoter_id;vote\na;1\n",
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;9\n",
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\na;1;1,2\n",
        "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\na;1\n",
    ],
)
def test_malformed_files_raise_a_format_error(text):
    with pytest.raises(pbfile.PbFormatError):
        pbfile.parse(text)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(pbfile.PbFormatError, match="找不到文件"):
        pbfile.read(tmp_path / "nope.pb")
