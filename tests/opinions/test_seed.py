"""seed_conversation runs the engine through the app on real Pol.is openData."""

from __future__ import annotations

import pathlib

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from linli.engine.opinions import analyze, load_folder
from linli.opinions.models import Conversation, OpinionVote, Participant
from tests.api_client import ApiClient

OPENDATA = pathlib.Path("/work/shared/data/polis/opendata")
LONDON = OPENDATA / "london.youth.policing"

pytestmark = pytest.mark.skipif(not LONDON.exists(), reason="openData 不可用")


def test_seed_london_results_page_shows_groups_and_consensus(world, capsys):
    call_command("seed_conversation", committee=world.committee_a.pk, folder=str(LONDON))
    assert "已创建议题征询" in capsys.readouterr().out
    conv = Conversation.objects.get(source="openData:london.youth.policing")
    assert conv.topic.startswith("What is the best way")
    assert Participant.objects.filter(conversation=conv, user__isnull=True).count() == 26
    assert conv.statements.filter(status="rejected").exists()

    data = conv.result.data
    # Same groups and consensus as the engine on the files themselves.
    direct = analyze(load_folder(LONDON))
    assert data["k"] == direct.k and len(data["groups"]) == len(direct.group_members) >= 2
    by_ext = dict(conv.statements.values_list("id", "external_id"))
    assert [int(by_ext[c["statement"]]) for c in data["consensus_agree"]] == [
        c.statement for c in direct.consensus_agree
    ]
    assert sorted(g["size"] for g in data["groups"]) == sorted(
        len(m) for m in direct.group_members.values()
    )

    client = Client()
    client.force_login(world.users.resident_a)
    html = client.get(f"/conversations/{conv.pk}/results/").content.decode()
    assert "观点群组与共识" in html and "群组 A" in html and "群组 B" in html
    assert data["consensus_agree"][0]["text"] in html.replace("&#x27;", "'")
    api = ApiClient(world.users.resident_a).get(f"/api/conversations/{conv.pk}/results").json()
    assert api["data"] == data


def test_seed_brexit_votes_are_latest_per_person(world):
    folder = OPENDATA / "brexit-consensus"
    call_command("seed_conversation", committee=world.committee_a.pk, folder=str(folder))
    conv = Conversation.objects.get(source="openData:brexit-consensus")
    direct = analyze(load_folder(folder))
    assert conv.participants.count() == len(direct.participants)
    assert OpinionVote.objects.filter(participant__conversation=conv).count() > 4000
    assert len(conv.result.data["groups"]) == direct.k
    assert conv.result.data["consensus_agree"]


def test_seed_bad_folder(world, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command(
            "seed_conversation", committee=world.committee_a.pk, folder=str(tmp_path / "x")
        )
    (tmp_path / "votes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("seed_conversation", committee=world.committee_a.pk, folder=str(tmp_path))
    with pytest.raises(CommandError, match="不存在"):
        call_command("seed_conversation", committee=999999, folder=str(LONDON))
    assert not Conversation.objects.exists()


def test_seed_is_idempotent_and_state_carries_over(world, capsys):
    call_command("seed_conversation", committee=world.committee_a.pk, folder=str(LONDON))
    call_command("seed_conversation", committee=world.committee_a.pk, folder=str(LONDON) + "/")
    assert "已存在" in capsys.readouterr().out
    conv = Conversation.objects.get()
    first = conv.result
    assert set(first.state["in_conv"]) and first.state["group_clusters"]
    # a resident joins and votes; the next run starts from the stored state
    from linli.opinions import services

    for st in conv.statements.filter(status="accepted")[:8]:
        services.opinion_vote_cast(actor=world.users.resident_a, statement=st, value=1)
    row = services.conversation_analyze(actor=world.users.staff_a, conversation=conv, force=True)
    assert row.data["n_participants"] == 27
    assert set(first.state["in_conv"]) <= set(row.state["in_conv"])  # once in, stays in
    assert row.data["k"] == first.data["k"]  # k-smoother: no switch after one run
