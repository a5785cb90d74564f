"""Steps 1–4 of the six cases as real records, made through the apps' services.

``build_story`` runs after the logins, the case projects and the step-1 engagement: each
module adds what its step leaves behind for the cases at or past that step —

* :mod:`linli.demo.casework` — needs heard in every case committee and a published needs list;
* :mod:`linli.demo.planning` — the district's planner pool, pairings, site visits (work log),
  diagnoses and design rounds (三下三上) with residents' ratings and comments;
* :mod:`linli.demo.decisions` — meetings with sign-ins and approved minutes, owners' votes with
  online and paper ballots and signed results, notices with an answered objection;
* :mod:`linli.demo.process` — what seed 003 asks before a project leaves 方案与决策 (party
  meetings first, the decision linked and published), then the cases' remaining steps;
* :mod:`linli.demo.money` — household shares, receipts and a confirmed and reviewed ledger,
  the maintenance fund approved through a passed owners' vote, the BOT garage;
* :mod:`linli.demo.conversation` — the opinion conversation the demo ships itself.

Everything is done by the account that would do it in real life (committee staff, the
planner, residents, the three bookkeepers), so every row is audited like real use. Dates of
past meetings, site visits and notices are the dates the seeds' stories give; votes open at
build time (a ballot can only be cast while a vote is open) and are counted at once, with
the reason recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Story:
    builder: object
    users: dict  # mobile -> User
    projects: dict  # title -> Project
    counts: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict)  # what one module leaves for the next
    seconds: dict = field(default_factory=dict)

    def user(self, n: int):
        return self.users[f"138{n:08d}"]

    def case(self, key: str) -> dict:
        return self.builder.case_refs[key]

    def project(self, fragment: str):
        matches = [p for t, p in self.projects.items() if fragment in t]
        assert len(matches) == 1, fragment
        return matches[0]

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def build_story(builder, logins: list[dict], projects: list) -> dict:
    from django.db import transaction

    from linli.demo import casework, conversation, decisions, money, planning, process

    story = Story(
        builder=builder,
        users={x["mobile"]: x["user"] for x in logins},
        projects={p.title: p for p in projects},
    )
    import time

    for module in (casework, planning, decisions, process, money, conversation):
        t = time.monotonic()
        with transaction.atomic():
            module.build(story)
        story.seconds[module.__name__.rsplit(".", 1)[1]] = round(time.monotonic() - t, 2)
    builder.log(
        "案例记录（第1–4步）："
        + "，".join(f"{name} {sec:.1f}s" for name, sec in story.seconds.items())
    )
    return story.counts
