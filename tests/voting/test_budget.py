"""Participatory budgeting votes: approval / cost-limited ballots, greedy and Method of
Equal Shares from linli.engine.budgeting, explanations, pabulib import and export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core.errors import ServiceError
from linli.engine.budgeting import pbfile
from linli.engine.budgeting.mes import mes
from linli.voting import adapters, services
from linli.voting.models import Vote
from tests.api_client import ApiClient
from tests.voting.conftest import window

pytestmark = pytest.mark.django_db

PROJECTS = [("长者食堂", 60_000), ("儿童游乐角", 30_000), ("楼道照明", 30_000)]
# who approves what (flat -> project indexes); votes: 食堂 4, 照明 3, 游乐 2
APPROVALS = {"F1": [0, 1], "F2": [0], "F3": [0], "F4": [0], "F5": [2, 1], "F6": [2], "F7": [2]}
OWNER = {"F1": "A", "F2": "C", "F3": "C", "F4": "D", "F5": "E", "F6": "G", "F7": "H"}


def make_budget_vote(estate, rule="greedy", method="approval"):
    opens, closes = window()
    staff = estate.world.users.staff_a
    vote = services.vote_create(
        actor=staff, committee=estate.world.committee_a, title="2026年自治金项目", kind="budget",
        method=method, budget=100_000, budget_rule=rule, options=PROJECTS,
        buildings=[estate.building], opens_at=opens, closes_at=closes,
    )  # fmt: skip
    return services.vote_open(actor=staff, vote=vote)


def cast_all(estate, vote):
    ids = list(vote.options.order_by("position").values_list("id", flat=True))
    for flat, picks in APPROVALS.items():
        services.ballot_cast(
            actor=estate.users[OWNER[flat]], vote=vote, flat=estate.flats[flat],
            option_ids=[ids[i] for i in picks], idempotency_key=f"pb-{flat}",
        )  # fmt: skip
    return ids


def test_greedy_funds_by_votes_until_the_budget_runs_out(estate):
    vote = make_budget_vote(estate, "greedy")
    ids = cast_all(estate, vote)
    r = services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="测试")
    c = r.counts
    # 食堂 (4 votes, 60,000) then 照明 (3 votes, 30,000); 游乐角 does not fit in 10,000
    assert c["winners"] == [ids[0], ids[2]] and c["total_cost"] == 90000
    assert [o["votes"] for o in c["options"]] == [4, 2, 3]
    assert any(
        "未入选：儿童游乐角（30000元）：剩余预算不足，当时可用10000元" in x
        for x in c["explanation"]
    )
    assert services.vote_recount(actor=estate.world.users.staff_a, vote=vote)["agrees"]


def test_equal_shares_result_is_the_engines(estate):
    vote = make_budget_vote(estate, "mes")
    cast_all(estate, vote)
    r = services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="测试")
    election = adapters.budget_election(vote)
    expected = mes(election.instance, election.profile, utility="cost", completion="add1")
    assert r.counts["engine"] == adapters.canonical_json(expected.to_json())
    assert r.counts["winners"] == [int(p) for p in expected.selected]
    assert r.counts["explanation"] and r.rule["budget_rule"] == "mes"


def test_cost_limited_ballot_over_budget_refused(estate):
    vote = make_budget_vote(estate, "greedy", method="cost_limited")
    ids = list(vote.options.order_by("position").values_list("id", flat=True))
    with pytest.raises(ServiceError, match="超过预算"):
        services.ballot_cast(actor=estate.users["A"], vote=vote, flat=estate.flats["F1"],
                             option_ids=ids, idempotency_key="x")  # fmt: skip
    b = services.ballot_cast(actor=estate.users["A"], vote=vote, flat=estate.flats["F1"],
                             option_ids=ids[:1] + ids[2:], idempotency_key="y")  # fmt: skip
    assert len(b.option_ids) == 2


def test_budget_vote_needs_costs_and_budget(estate):
    opens, closes = window()
    with pytest.raises(ServiceError, match="请填写项目“甲”的预算"):
        services.vote_create(
            actor=estate.world.users.staff_a, committee=estate.world.committee_a, title="x",
            kind="budget", method="approval", budget=10, budget_rule="mes", options=[("甲", None)],
            buildings=[estate.building], opens_at=opens, closes_at=closes,
        )  # fmt: skip


def test_pabulib_export_and_import_round_trip(estate, client):
    vote = make_budget_vote(estate, "greedy")
    cast_all(estate, vote)
    services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="测试")
    text = services.vote_export_pb(vote)
    election = pbfile.parse(text)
    assert election.instance.budget == 100_000
    assert sorted(p.cost for p in election.instance.projects.values()) == [30_000, 30_000, 60_000]
    assert len(election.profile.ballots) == 7
    opens, closes = window()
    again = services.vote_import_pb(
        actor=estate.world.users.staff_a, committee=estate.world.committee_a, text=text,
        buildings=[estate.building], opens_at=opens, closes_at=closes, budget_rule="greedy",
    )  # fmt: skip
    assert again.kind == "budget" and again.budget == 100_000 and again.status == "draft"
    assert [(o.label, o.cost) for o in again.options.all()] == PROJECTS
    with pytest.raises(ServiceError, match="pabulib 文件格式有误"):
        services.vote_import_pb(
            actor=estate.world.users.staff_a, committee=estate.world.committee_a, text="garbage",
            buildings=[estate.building], opens_at=opens, closes_at=closes,
        )  # fmt: skip
    # pages: the result shows the explanation; the export downloads; import via upload
    client.force_login(estate.world.users.staff_a)
    html = client.get(reverse("voting:result", args=[vote.pk])).content.decode()
    assert "分配过程说明" in html and "剩余预算不足" in html
    r = client.get(reverse("voting:export_pb", args=[vote.pk]))
    assert r.status_code == 200 and b"META" in r.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        reverse("voting:import_pb"),
        {
            "committee": estate.world.committee_a.pk,
            "file": SimpleUploadedFile("x.pb", text.encode()),
            "method": "approval",
            "budget_rule": "mes",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": closes.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302
    assert Vote.objects.filter(kind="budget").count() == 3


def test_budget_api(estate):
    staff = ApiClient(estate.world.users.staff_a)
    opens, closes = window()
    r = staff.post("/api/votes/", {
        "committee_id": estate.world.committee_a.pk, "title": "自治金", "kind": "budget",
        "method": "approval", "budget": 100000, "budget_rule": "greedy",
        "options": [p[0] for p in PROJECTS], "option_costs": [p[1] for p in PROJECTS],
        "building_ids": [estate.building.pk], "opens_at": opens.isoformat(), "closes_at": closes.isoformat(),
    })  # fmt: skip
    assert r.status_code == 201, r.json()
    assert [o["cost"] for o in r.json()["options"]] == [60000, 30000, 30000]
    vote_id = r.json()["id"]
    staff.post(f"/api/votes/{vote_id}/open")
    r = staff.get(f"/api/votes/{vote_id}/export.pb")
    assert r.status_code == 200 and "PROJECTS" in r.content.decode()
