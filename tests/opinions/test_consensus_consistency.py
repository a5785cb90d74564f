"""The results page never lists a statement under 各群组都赞同 that a group shown rejects."""

from __future__ import annotations

import csv
import re

from django.test import Client

from linli.engine.opinions import analyze, consistency_problems
from linli.opinions import adapters, services
from linli.opinions.models import ConversationResult

CONTESTED = "物业每季度统一清运"
SHARED = ["楼道里加装照明", "垃圾分类点加顶棚"]
SPLIT = ["取消地面停车位", "增设电动车充电桩", "花园改成停车场", "夜间关闭小区侧门"]


def _write_export(folder):
    """Twelve neighbours in camp A, eight in camp B: both camps agree on SHARED, split on SPLIT,
    and on CONTESTED camp A is unanimous while camp B is 100 % against."""
    texts = [CONTESTED, *SHARED, *SPLIT]
    with (folder / "comments.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "comment-id", "author-id", "moderated", "comment-body"])
        for tid, text in enumerate(texts):
            w.writerow([1000 + tid, tid, 0, 1, text])
    with (folder / "votes.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "comment-id", "voter-id", "vote"])
        ts = 2000
        for pid in range(20):
            camp_a = pid < 12
            for tid in range(len(texts)):
                if tid == 0 or tid > len(SHARED):  # CONTESTED and SPLIT divide the camps
                    vote = 1 if camp_a else -1
                    if tid > len(SHARED) and tid % 2:
                        vote = -vote
                else:
                    vote = 1
                ts += 1
                w.writerow([ts, tid, pid, vote])


def test_group_consensus_lists_only_statements_every_group_agrees_with(world, tmp_path):
    _write_export(tmp_path)
    conv = services.conversation_seed(
        actor=world.users.staff_a, committee=world.committee_a, folder=tmp_path, topic="垃圾清运"
    )
    row = services.conversation_analyze(actor=world.users.staff_a, conversation=conv, force=True)
    data = row.data
    assert len(data["groups"]) == 2
    listed = [c["text"] for c in data["group_consensus"]]
    assert sorted(listed) == sorted(SHARED)
    assert CONTESTED not in listed
    # Every number shown beside a listed statement backs the claim.
    for c in data["group_consensus"]:
        assert [g["label"] for g in c["groups"]] == ["A", "B"]
        assert all(g["percent"] == 100 and g["n_trials"] >= 8 for g in c["groups"])

    client = Client()
    client.force_login(world.users.resident_a)
    html = client.get(f"/conversations/{conv.pk}/results/").content.decode()
    section = html.split("各群组都赞同</h3>", 1)[1].split("</ul>", 1)[0]
    assert CONTESTED not in section
    for text in SHARED:
        assert text in section
    assert re.search(r"群组 A 100% 赞同.*群组 B 100% 赞同", section)


def test_engine_result_is_consistent(world, tmp_path):
    _write_export(tmp_path)
    conv = services.conversation_seed(
        actor=world.users.staff_a, committee=world.committee_a, folder=tmp_path, topic="垃圾清运"
    )
    result = analyze(adapters.to_engine(conv))
    assert consistency_problems(result) == []
    # The old selection (top five by group-aware score) would have listed CONTESTED.
    top5 = sorted(result.group_aware_consensus, key=lambda t: -result.group_aware_consensus[t])
    by_id = dict(conv.statements.values_list("id", "text"))
    assert CONTESTED in [by_id[t] for t in top5[:5]]


def test_old_cached_results_are_recomputed(world, tmp_path):
    """Rows cached before the fix carry another fingerprint, so the page recomputes them."""
    _write_export(tmp_path)
    conv = services.conversation_seed(
        actor=world.users.staff_a, committee=world.committee_a, folder=tmp_path, topic="垃圾清运"
    )
    row = services.conversation_analyze(actor=world.users.staff_a, conversation=conv, force=True)
    old_fp = row.fingerprint.split("|", 1)[1]
    ConversationResult.objects.filter(pk=row.pk).update(fingerprint=old_fp)
    assert services.result_is_stale(conv)
