"""The opinion conversation the demo ships itself (no ``../shared`` needed).

``conversation_data/comments.csv`` holds 24 statements written for the demo from what
residents of old Shanghai compounds say about shared space — the stilt-floor living room,
stairwell clutter, e-bike charging, the bicycle garage, lifts, greening, meetings — plus one
advert a moderator hid. Its extra columns are the share of each of three resident groups
(long-time elderly owners, young families, tenants and commuters) who agree; from them
``python -m linli.demo.conversation`` wrote ``votes.csv`` (60 participants, each voting on
about three statements in four, seed 2026), in the Pol.is openData format the opinions app
imports with ``conversation_seed``. The files are data, not code: the build only reads them.

On top of the imported votes, residents with demo accounts take part through the services:
two add statements (one accepted by the committee, one waiting for moderation) and several
vote, so the conversation and its groups are live when you log in.
"""

from __future__ import annotations

import csv
import pathlib
import random

FOLDER = pathlib.Path(__file__).with_name("conversation_data")
GROUPS = (("elderly", 27), ("families", 21), ("tenants", 12))  # column, participants
TOPIC = "安顺苑公共空间怎么用：睦邻客厅、楼道、充电与停车"
DESCRIPTION = (
    "抚顺路363弄居委会发起的议题征询：对每条观点点“赞同”“反对”或“跳过”，也可以写下自己的观点"
    "（经居委会审核后展示）。系统按投票把居民分成观点相近的群组，找出各群组都赞同的共识。"
    "演示数据：观点由本平台编写，前60位参与者的投票为按三类居民倾向生成的模拟数据。"
)


def write_votes(folder: pathlib.Path = FOLDER, seed: int = 2026) -> int:
    """(Re)write votes.csv from comments.csv's group columns; returns the number of votes."""
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["moderated"] != "-1"]
    rng = random.Random(seed)
    out = []
    voter = 0
    t0 = 1_796_000_000_000  # ms, autumn 2026
    for column, n in GROUPS:
        for _ in range(n):
            for r in rows:
                if rng.random() > 0.75:
                    continue  # not every participant sees every statement
                p = float(r[column])
                x = rng.random()
                value = 1 if x < p else (-1 if x < p + (1 - p) * 0.8 else 0)
                t0 += rng.randint(2_000, 90_000)
                out.append((t0, voter, int(r["comment-id"]), value))
            voter += 1
    with (folder / "votes.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "voter-id", "comment-id", "vote"])
        w.writerows(out)
    return len(out)


# (mobile, statement) residents with accounts add; the first is accepted by the committee
RESIDENT_STATEMENTS = [
    (3, "睦邻客厅的钥匙由楼组长和志愿者轮流保管，开关门登记"),
    (2, "架空层可以放一台共享冰箱，邻居之间分享多余的菜"),
]
# (mobile, comment-id, vote) of residents with accounts; 13800000002 leaves most for later
RESIDENT_VOTES = [
    (2, 0, 1), (2, 2, 1), (2, 5, 1),
    (3, 0, 1), (3, 1, 1), (3, 2, 1), (3, 3, -1), (3, 10, 1), (3, 20, 0),
    (16, 4, 1), (16, 6, 1), (16, 10, 1), (16, 12, 1), (16, 21, 1),
    (17, 5, 1), (17, 7, -1), (17, 15, 1), (17, 20, 1),
    (18, 10, 1), (18, 11, 1), (18, 14, -1), (18, 19, 1),
]  # fmt: skip


def build(story) -> None:
    from linli.opinions import services as os_

    chen = story.user(4)
    committee = story.case("anshun")["committee"]
    conv = os_.conversation_seed(
        actor=chen, committee=committee, folder=FOLDER, topic=TOPIC, description=DESCRIPTION
    )
    story.add("conversations")
    by_ext = {s.external_id: s for s in conv.statements.all()}
    for n, text in RESIDENT_STATEMENTS:
        statement = os_.statement_add(actor=story.user(n), conversation=conv, text=text)
        story.add("statements_by_residents")
        if n == 3:
            os_.statement_moderate(actor=chen, statement=statement, accept=True)
    for n, ext, value in RESIDENT_VOTES:
        os_.opinion_vote_cast(actor=story.user(n), statement=by_ext[str(ext)], value=value)
        story.add("opinion_votes_by_residents")
    os_.conversation_analyze(actor=chen, conversation=conv, force=True)
    story.add("statements", conv.statements.count())
    story.add("opinion_votes", sum(s.votes.count() for s in conv.statements.all()))


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped data file
    print(write_votes(), "votes written to", FOLDER / "votes.csv")
